# %% [markdown] en
# # 1. Gradient descent by hand
#
# **How does a neural network learn?** In one sentence: it makes a guess, measures how wrong
# the guess was, and shifts its weights a little in the direction that makes the next guess
# less wrong. Then it does that again, thousands of times.
#
# This notebook builds that sentence up from nothing, with only NumPy and a pen. We go
# from intuition, to an analogy, to the maths, and then we watch it happen on the smallest
# problem there is: learning the line `y = 3x`.
#
# The series follows five ideas, in this order:
#
# 1. **what the model predicts**: `ŷ = xW + b`;
# 2. **the loss** measures the error with one number;
# 3. **the gradient** is the direction that reduces the error (a gradient is a slope);
# 4. **the update rule** takes a small step that way, sized by the learning rate η;
# 5. **backprop** is only an efficient way to get that gradient (notebooks 2 and 3).
#
# This notebook covers ideas 1 to 4 completely, by hand.

# %% [markdown] ja
# # 1. 手で計算する勾配降下法
#
# **ニューラルネットはどうやって学習するのでしょうか？** ひとことで言えば、予想を立て、
# その予想がどれだけ外れたかを測り、次はもう少し当たるように重みをほんの少し動かす。
# これを何千回も繰り返すだけです。
#
# このノートブックでは、この一文を NumPy と紙とペンだけで組み立てていきます。
# まず直感、次にたとえ話、そして数式、最後に実際の動きを見る、という順番です。
# 題材は考えられるかぎり一番小さな問題、直線 `y = 3x` の学習です。
#
# シリーズ全体では、次の5つの考え方をこの順に扱います。
#
# 1. **モデルは何を予測するのか**：`ŷ = xW + b`
# 2. **損失**は、ズレをひとつの数で表したもの
# 3. **勾配**は、ズレが小さくなる向きを教えてくれる（勾配とはつまり傾き）
# 4. **更新式**で、その向きへ少しだけ進む。歩幅を決めるのが学習率 η
# 5. **誤差逆伝播（バックプロパゲーション）**は、その勾配を効率よく求める方法にすぎない（ノートブック2・3）
#
# このノートブックでは 1〜4 を、すべて手計算で扱います。

# %%
import sys, pathlib
# en: the repository root (the folder that holds autograd/): run from a checkout
# ja: リポジトリのルート（autograd/ のあるフォルダ）。チェックアウトからそのまま動かせる
root = next(p for p in pathlib.Path.cwd().resolve().parents if (p / "autograd").is_dir())
sys.path.insert(0, str(root))
LANG = T("en", "ja")  # en: the language of this notebook  ja: このノートブックの言語

import numpy as np
import matplotlib.pyplot as plt

from nn.plots import font_settings

plt.rcParams.update({"figure.figsize": (5, 3.5), "figure.dpi": 90, **font_settings(LANG)})

# %% [markdown] en
# ## The intuition
#
# A network is a machine with knobs (its *weights* and *biases*). Feed it an input and it
# produces an output, its prediction. At first the knobs are set at random, so the
# predictions are poor.
#
# Learning means turning the knobs. Not wildly, and not by trying every setting: for each
# knob we ask "if I turn you a little to the right, do the mistakes grow or shrink?" and turn
# it a little the way they shrink. Repeat that often enough and the predictions become good.
#
# ## An analogy: a baby learning to grasp
#
# A baby reaching for a toy does not know the geometry of its own arm. It
#
# 1. reaches out (**predicts**),
# 2. misses by some distance (**the error**),
# 3. changes its movement a little, in the direction that would have missed by less
#    (**the update**),
# 4. and tries again (**repeat**).
#
# The first attempts are close to random. Nobody hands the baby a formula; the small
# corrections, added up over many tries, become a skilled movement. A network learns in the
# same four beats. The rest of this notebook gives each beat its maths.

# %% [markdown] ja
# ## 直感でつかむ
#
# ネットワークは、つまみ（**重み**と**バイアス**）がたくさん付いた機械だと思ってください。
# 入力を入れると、つまみの位置に応じた出力、つまり予測が出てきます。
# 最初はつまみがでたらめな位置にあるので、予測もでたらめです。
#
# 学習とは、このつまみを回していくことです。ただし、やみくもに回すわけでも、
# 全部の組み合わせを試すわけでもありません。つまみ一つひとつに
# 「右に少し回したら、間違いは増える？減る？」と尋ねて、減る方へ少しだけ回します。
# それを十分な回数くり返せば、予測は正解に近づいていきます。
#
# ## たとえ話：赤ちゃんがおもちゃをつかむ練習
#
# 赤ちゃんは、自分の腕の長さや関節の角度を計算しておもちゃに手を伸ばすわけではありません。
#
# 1. とりあえず手を伸ばしてみる（**予測**）
# 2. おもちゃから少し外れる（**誤差**）
# 3. 外れ方が小さくなるように、動きをちょっとだけ変える（**更新**）
# 4. もう一度やってみる（**くり返し**）
#
# 最初の動きはほとんど当てずっぽうです。誰も公式を教えてはくれませんが、
# 小さな修正が積み重なって、やがて上手につかめるようになります。
# ニューラルネットの学習も、まったく同じ4拍子で進みます。
# ここから先は、その一拍ずつに数式を当てはめていきます。

# %% [markdown] en
# ## Idea 1: what the model predicts
#
# Our data come from the rule `y = 3x`, but the model is not told the 3. It is the simplest
# possible network, one input and one output with no activation:
#
# $$\hat y = x\,w + b$$
#
# In a real layer `x` is a row of inputs and `W` a matrix, giving `ŷ = xW + b`. Here both are
# single numbers, which lets us draw everything. The model's whole "knowledge" is the two
# numbers `w` and `b`; learning has to find `w = 3` and `b = 0`.

# %% [markdown] ja
# ## 考え方1：モデルは何を予測するのか
#
# データは `y = 3x` という規則から作りますが、モデルには「3」を教えません。
# モデルは、入力1つ・出力1つ・活性化関数なしの、いちばん単純なネットワークです。
#
# $$\hat y = x\,w + b$$
#
# 本物の層では `x` は入力を並べた行ベクトル、`W` は行列で、`ŷ = xW + b` と書きます。
# ここではどちらも1つの数なので、すべてを図に描くことができます。
# モデルが「知っている」ことは `w` と `b` の2つの数だけで、
# 学習によって `w = 3`、`b = 0` を見つけ出せれば成功です。

# %%
rng = np.random.default_rng(0)  # en: a fixed seed: the same numbers on every run  ja: 乱数のシードを固定：何度実行しても同じ数になる

x = rng.normal(size=100)  # en: 100 inputs  ja: 入力を100個
y = 3 * x                 # en: the answers the model should learn to give  ja: モデルに答えてほしい正解

w = rng.normal()          # en: the weight starts at a random value  ja: 重みはランダムな値から始める
b = 0.0                   # en: the bias starts at zero  ja: バイアスは0から始める
print(f"start: w = {w:.3f}, b = {b:.3f}")

# %%
def predict(x, w, b):
    return x * w + b

xs = np.linspace(-3, 3, 2)
plt.scatter(x, y, s=10, alpha=0.6, label=T("data: y = 3x", "データ: y = 3x"))
plt.plot(xs, predict(xs, w, b), "r-", label=T(f"model at the start: y = {w:.2f}x + {b:.0f}",
                                              f"学習前のモデル: y = {w:.2f}x + {b:.0f}"))
plt.xlabel("x"); plt.ylabel("y"); plt.legend(); plt.title(T("The prediction before learning",
                                                            "学習前の予測"))
plt.show()

# %% [markdown] en
# The red line is the model's current belief. It is too flat: every prediction is off.
#
# ## Idea 2: the loss measures the error
#
# To improve, the model needs one number that says *how wrong* it is. For regression the
# usual choice is the **mean squared error** (MSE):
#
# $$L = \frac{1}{N}\sum_{i=1}^{N} (\hat y_i - y_i)^2$$
#
# Each point contributes the square of its miss. Squaring makes every miss count as
# positive, makes a big miss cost much more than a small one, and gives a smooth curve that
# has a slope everywhere, which is what we need next. For classification one uses
# **cross-entropy** instead (notebook 4), but the role is the same: a single number, lower
# is better, zero when the predictions are perfect.

# %% [markdown] ja
# 赤い直線が、いまのモデルの「思い込み」です。傾きが足りないので、どの点の予測も外れています。
#
# ## 考え方2：損失はズレを測る
#
# 良くなるためには、まず「どれくらい間違っているか」を1つの数で表す必要があります。
# 回帰問題でよく使うのが**平均二乗誤差**（MSE）です。
#
# $$L = \frac{1}{N}\sum_{i=1}^{N} (\hat y_i - y_i)^2$$
#
# 各点の外れ幅を2乗して平均します。2乗するので、外れが上でも下でも正の値として数えられ、
# 大きな外れほど重く罰せられます。さらに、どこでも傾きを持つなめらかな関数になります。
# この「傾きがある」という性質が、次の考え方3で効いてきます。
# 分類問題では代わりに**交差エントロピー**を使いますが（ノートブック4）、役割は同じです。
# 1つの数で、小さいほど良く、予測が完璧なら0になります。

# %%
def mse(y_hat, y):
    return np.mean((y_hat - y) ** 2)

print(T(f"loss at the start: {mse(predict(x, w, b), y):.3f}",
        f"最初の損失:       {mse(predict(x, w, b), y):.3f}"))
print(T(f"loss if w were 3:  {mse(predict(x, 3.0, 0.0), y):.3f}",
        f"もし w = 3 なら:  {mse(predict(x, 3.0, 0.0), y):.3f}"))

# %% [markdown] en
# ## Idea 3: the gradient is the direction that reduces the error
#
# Start in one dimension. Keep `b = 0` and look at the loss as a function of `w` alone:
# for every candidate `w`, how wrong would the model be? That gives a curve, and learning
# means walking down it.

# %% [markdown] ja
# ## 考え方3：勾配は、ズレが小さくなる向き
#
# まずは1次元から始めましょう。`b = 0` に固定して、損失を `w` だけの関数として眺めます。
# 「`w` をこの値にしたら、どれだけ間違えるか」をいろいろな `w` について計算すると、
# 1本の曲線になります。学習とは、この曲線の坂を下っていくことです。

# %%
ws = np.linspace(-1, 7, 200)
losses = [mse(predict(x, wi, 0.0), y) for wi in ws]

def dloss_dw(w, b):
    T("""The slope of L in the w direction, worked out with calculus (see below).""",
      """w 方向の L の傾き。微分して求めた式（導き方は下で説明します）。""")
    return np.mean(2 * (predict(x, w, b) - y) * x)

slope = dloss_dw(w, 0.0)
L0 = mse(predict(x, w, 0.0), y)
near = np.linspace(w - 1.2, w + 1.2, 2)

plt.plot(ws, losses, label=T("loss L(w), with b = 0", "損失 L(w)（b = 0）"))
plt.plot(near, L0 + slope * (near - w), "r--", label=T(f"slope at w = {w:.2f}: {slope:.2f}",
                                                       f"w = {w:.2f} での傾き: {slope:.2f}"))
plt.plot([w], [L0], "ro")
plt.axvline(3, color="gray", lw=0.8, ls=":")
plt.xlabel("w"); plt.ylabel(T("loss", "損失")); plt.legend(); plt.title(T("The loss as a function of w", "w の関数としての損失"))
plt.show()

# %% [markdown] en
# The slope at the current `w` is negative: going right, the loss goes *down*. So we should
# increase `w`. Had we started right of 3 the slope would be positive and we would decrease
# `w`. In both cases: **move against the slope**. That is all a gradient tells you.
#
# Where does the formula in `dloss_dw` come from? Differentiate the loss with the chain rule.
# Each term is $(x_i w + b - y_i)^2$; its derivative with respect to `w` is
# $2(x_i w + b - y_i)\cdot x_i$ (the outer square, times the inner derivative, $x_i$). With
# respect to `b` the inner derivative is 1:
#
# $$\frac{\partial L}{\partial w} = \frac{1}{N}\sum 2(\hat y_i - y_i)\,x_i \qquad
#   \frac{\partial L}{\partial b} = \frac{1}{N}\sum 2(\hat y_i - y_i)$$
#
# A slope can also be *measured*, without calculus: nudge `w` a little each way and see how
# the loss changes. If the two disagree, the calculus is wrong. (Notebook 5 turns this check
# into a tool.)

# %% [markdown] ja
# いまの `w` での傾きは負です。つまり右へ進むと損失は**下がる**ので、`w` を大きくすればよい。
# もし 3 より右から始めていたら傾きは正になり、`w` を小さくすることになります。
# どちらの場合も、**傾きと逆の向きへ進む**。勾配が教えてくれるのは、本当にこれだけです。
#
# `dloss_dw` の式はどこから来たのでしょうか。損失を連鎖律（チェインルール）で微分します。
# 各項は $(x_i w + b - y_i)^2$ で、これを `w` で微分すると
# $2(x_i w + b - y_i)\cdot x_i$ になります（外側の2乗の微分に、内側の微分 $x_i$ を掛ける）。
# `b` で微分するときは、内側の微分が 1 になります。
#
# $$\frac{\partial L}{\partial w} = \frac{1}{N}\sum 2(\hat y_i - y_i)\,x_i \qquad
#   \frac{\partial L}{\partial b} = \frac{1}{N}\sum 2(\hat y_i - y_i)$$
#
# 傾きは、微分を使わずに**測る**こともできます。`w` を左右にほんの少しずらして、
# 損失がどれだけ変わるかを見ればよいのです。2つの答えが食い違えば、微分の計算が間違っています。
# （この確認方法は、ノートブック5で道具として仕上げます。）

# %%
h = 1e-5
measured = (mse(predict(x, w + h, 0.0), y) - mse(predict(x, w - h, 0.0), y)) / (2 * h)
print(T(f"slope by calculus: {dloss_dw(w, 0.0):.6f}",
        f"微分で求めた傾き:       {dloss_dw(w, 0.0):.6f}"))
print(T(f"slope by nudging:  {measured:.6f}", f"少しずらして測った傾き: {measured:.6f}"))

# %% [markdown] en
# With two knobs, `w` and `b`, the **gradient** is simply the list of both slopes,
# $(\partial L/\partial w,\ \partial L/\partial b)$. It points in the direction in which the
# loss rises fastest, so we step the opposite way.
#
# ## Idea 4: the update rule and the learning rate η
#
# $$w \leftarrow w - \eta\,\frac{\partial L}{\partial w} \qquad
#   b \leftarrow b - \eta\,\frac{\partial L}{\partial b}$$
#
# The minus sign is "move against the slope". The **learning rate** η (eta) sets the size
# of the step. Too small and learning crawls; too large and each step overshoots the bottom
# of the valley, possibly further every time (notebook 6 shows both).
#
# Here is a single step, with every number printed.

# %% [markdown] ja
# つまみが `w` と `b` の2つになったら、**勾配**は2つの傾きを並べたもの
# $(\partial L/\partial w,\ \partial L/\partial b)$ です。
# 勾配は損失がいちばん急に増える向きを指すので、その反対へ一歩進みます。
#
# ## 考え方4：更新式と学習率 η
#
# $$w \leftarrow w - \eta\,\frac{\partial L}{\partial w} \qquad
#   b \leftarrow b - \eta\,\frac{\partial L}{\partial b}$$
#
# マイナス記号が「傾きと逆へ進む」を表しています。**学習率** η（イータ）は一歩の大きさです。
# 小さすぎると学習がなかなか進まず、大きすぎると谷底を飛び越してしまい、
# ときには飛び越すたびに遠ざかっていきます（ノートブック6で両方を見ます）。
#
# まずは1歩だけ、途中の数をすべて表示しながら進めてみます。

# %%
lr = 0.1  # en: the learning rate η  ja: 学習率 η

y_hat = predict(x, w, b)
loss = mse(y_hat, y)
grad_w = np.mean(2 * (y_hat - y) * x)
grad_b = np.mean(2 * (y_hat - y))
new_w, new_b = w - lr * grad_w, b - lr * grad_b

print(f"w = {w:.4f}   b = {b:.4f}   loss = {loss:.4f}")
print(f"dL/dw = {grad_w:.4f}   dL/db = {grad_b:.4f}")
print(f"w <- {w:.4f} - {lr} * ({grad_w:.4f}) = {new_w:.4f}")
print(f"b <- {b:.4f} - {lr} * ({grad_b:.4f}) = {new_b:.4f}")
print(T(f"loss after the step: {mse(predict(x, new_w, new_b), y):.4f}",
        f"更新後の損失: {mse(predict(x, new_w, new_b), y):.4f}"))

# %% [markdown] en
# One step moved `w` from about 0.5 towards 3 and cut the loss. Learning is nothing more than
# this step in a loop. Each pass of the loop has six beats:
#
# 1. take the inputs `x`;
# 2. predict `ŷ`;
# 3. compute the loss `L`;
# 4. compute the gradient `∂L/∂w, ∂L/∂b`;
# 5. update `w` and `b` a little;
# 6. repeat.

# %% [markdown] ja
# たった1歩で `w` は 0.5 付近から 3 の方へ動き、損失も減りました。
# 学習とは、この1歩をループで回すことにほかなりません。ループの1周は次の6段階です。
#
# 1. 入力 `x` を用意する
# 2. 予測 `ŷ` を出す
# 3. 損失 `L` でズレを測る
# 4. 勾配 `∂L/∂w, ∂L/∂b` を求める
# 5. `w` と `b` をほんの少し動かす
# 6. 1に戻る

# %%
def train(w, b, lr, epochs):
    T("""Gradient descent on the MSE of the line x*w + b; returns the path it took.""",
      """直線 x*w + b の MSE に対する勾配降下法。たどった道のりを返す。""")
    path = []
    for epoch in range(epochs):
        y_hat = predict(x, w, b)                 # en: 2. predict  ja: 2. 予測
        loss = mse(y_hat, y)                     # en: 3. loss  ja: 3. 損失
        grad_w = np.mean(2 * (y_hat - y) * x)    # en: 4. gradient  ja: 4. 勾配
        grad_b = np.mean(2 * (y_hat - y))
        path.append((w, b, loss))
        w = w - lr * grad_w                      # en: 5. update  ja: 5. 更新
        b = b - lr * grad_b
    return np.array(path)

path = train(w, b, lr=0.1, epochs=100)
for epoch in range(0, 100, 10):
    w_e, b_e, loss_e = path[epoch]
    print(f"epoch {epoch:3d}   w = {w_e:.4f}   b = {b_e:+.4f}   loss = {loss_e:.6f}")
print(T(f"after training:   w = {path[-1, 0]:.4f}   b = {path[-1, 1]:+.4f}",
        f"学習後:      w = {path[-1, 0]:.4f}   b = {path[-1, 1]:+.4f}"))

# %% [markdown] en
# `w` arrives at 3 and `b` at 0: the model has found the rule `y = 3x` from the data alone.
#
# ## What actually happened, in pictures
#
# **The loss curve.** The loss falls fast at first, then more and more slowly. On a
# logarithmic axis (right) it is a straight line: every step removes the same *fraction* of
# the remaining error.

# %% [markdown] ja
# `w` は 3 に、`b` は 0 にたどり着きました。モデルはデータだけから `y = 3x` という規則を見つけたわけです。
#
# ## 実際に何が起きたのか：図で見る
#
# **損失の曲線。** 損失は最初に急に下がり、そのあとはだんだんゆっくりになります。
# 縦軸を対数にすると（右）まっすぐな直線になります。
# これは、1歩ごとに残りの誤差の同じ**割合**ずつ減っている、という意味です。

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 3))
ax1.plot(path[:, 2]); ax1.set_title(T("loss", "損失")); ax1.set_xlabel(T("epoch", "エポック"))
ax2.semilogy(path[:, 2]); ax2.set_title(T("loss (log scale)", "損失（対数目盛り）")); ax2.set_xlabel(T("epoch", "エポック"))
fig.tight_layout()
plt.show()

# %% [markdown] en
# **The path `w` takes.** Each step is η times the slope. Near the bottom of the valley the
# slope is small, so the steps shrink by themselves, and `w` settles on 3 without
# overshooting. Below, the same descent in one dimension (`b` held at 0), drawn on the loss
# curve from before: big steps on the steep part, tiny ones near the minimum.

# %% [markdown] ja
# **`w` がたどる道。** 一歩の大きさは「η × 傾き」です。谷底に近づくと傾きが小さくなるので、
# 歩幅は自然に縮み、`w` は行き過ぎることなく 3 に落ち着きます。
# 右の図は、同じ下り方を1次元で（`b` は 0 のまま）、さきほどの損失の曲線の上に描いたものです。
# 急な坂では大きく、谷底の近くでは小さく進んでいるのがわかります。

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 3))
ax1.plot(path[:, 0], label="w")
ax1.plot(path[:, 1], label="b")
ax1.axhline(3, color="gray", lw=0.8, ls=":")
ax1.set_xlabel(T("epoch", "エポック")); ax1.set_title(T("the parameters", "パラメータ")); ax1.legend()

w_1d, steps = w, []
for _ in range(12):
    steps.append(w_1d)
    w_1d -= lr * dloss_dw(w_1d, 0.0)
steps = np.array(steps)
ax2.plot(ws, losses, color="lightgray")
ax2.plot(steps, [mse(predict(x, s, 0.0), y) for s in steps], "o-", ms=4, color="C3")
ax2.set_xlim(-0.5, 4.5); ax2.set_ylim(-0.5, 8)
ax2.set_xlabel("w"); ax2.set_title(T("the first 12 steps on L(w)", "L(w) の上の最初の12ステップ"))
fig.tight_layout()
plt.show()

# %% [markdown] en
# **The loss surface and the descent path.** With both `w` and `b` free, the loss is a
# surface over the (w, b) plane: a bowl whose lowest point is (3, 0). The contour lines
# below join points of equal loss, like the height lines of a map. To make the walk visible
# we start from a deliberately bad point, (w, b) = (−1, 2.5). Every step goes across the
# contour lines, straight downhill, because the gradient is always perpendicular to them.

# %% [markdown] ja
# **損失の地形と、下っていく道すじ。** `w` と `b` の両方を動かせるとき、損失は (w, b) 平面の上の
# 曲面になります。最も低い点が (3, 0) の、お椀のような形です。
# 下の等高線は、地図の等高線と同じく、損失が等しい点を結んだものです。
# 下る様子が見やすいように、わざと悪い点 (w, b) = (−1, 2.5) から出発させています。
# 勾配はいつも等高線と直角なので、各ステップは等高線を横切ってまっすぐ坂を下っていきます。

# %%
W, B = np.meshgrid(np.linspace(-2, 5, 120), np.linspace(-2, 3.5, 120))
surface = np.mean((x[:, None, None] * W + B - y[:, None, None]) ** 2, axis=0)

walk = train(-1.0, 2.5, lr=0.1, epochs=30)

plt.contour(W, B, surface, levels=np.geomspace(0.05, 40, 14), cmap="viridis", linewidths=0.8)
plt.plot(walk[:, 0], walk[:, 1], "o-", color="C3", ms=3, label=T("gradient descent", "勾配降下法"))
plt.plot([3], [0], "k*", ms=12, label=T("minimum (3, 0)", "最小点 (3, 0)"))
plt.xlabel("w"); plt.ylabel("b"); plt.legend(loc="upper left")
plt.title(T("Contours of the loss over (w, b)", "(w, b) 平面上の損失の等高線"))
plt.show()

# %% [markdown] en
# ## Try it
#
# * Set `lr = 0.01` or `lr = 1.0` in the loop above. Which one crawls and which one
#   oscillates? Try `lr = 1.2`.
# * Add noise to the data, `y = 3 * x + rng.normal(scale=0.5, size=100)`. Does `w` still reach
#   3 exactly? Why not?
# * Shift the data, `x = rng.normal(size=100) + 3`, and redraw the contour plot. The bowl
#   becomes a long, narrow valley; what does the path do?
#
# ## What comes next
#
# We found the gradient with a pen: differentiate the loss, get two formulas. That works for
# a line with two parameters. A real network has thousands of weights stacked in layers, and
# differentiating it by hand would be slow and error-prone.
#
# **Idea 5** is the way out: **backpropagation** computes exactly the same slopes, for every
# parameter at once, by recording the computation as a graph and running the chain rule
# backwards over it. It is not a new kind of learning, only an efficient way to get the
# gradient. Notebook 2 builds that graph with `autograd.Value`.

# %% [markdown] ja
# ## やってみよう
#
# * 上のループで `lr = 0.01` や `lr = 1.0` にしてみましょう。なかなか進まないのはどちらで、
#   行ったり来たりするのはどちらでしょう？ `lr = 1.2` ではどうなるでしょう？
# * データにノイズを加えてみましょう：`y = 3 * x + rng.normal(scale=0.5, size=100)`。
#   それでも `w` はぴったり 3 になるでしょうか？ ならないとしたら、なぜでしょう？
# * データをずらしてみましょう：`x = rng.normal(size=100) + 3`。等高線を描き直すと、
#   お椀が細長い谷に変わります。道すじはどうなるでしょう？
#
# ## 次のノートブックへ
#
# ここでは勾配をペンで求めました。損失を微分して、2つの式を得たのです。
# パラメータが2つの直線ならこれで十分ですが、本物のネットワークには何千もの重みが層になって
# 積み重なっていて、手で微分するのは時間もかかり、間違いも起きやすくなります。
#
# そこで登場するのが**考え方5**、**誤差逆伝播**です。計算の過程をグラフとして記録しておき、
# そのグラフを出力側から逆向きにたどりながら連鎖律を当てはめることで、
# すべてのパラメータの傾きを一度に、手計算とまったく同じ値で求めます。
# 新しい学習方法ではなく、勾配を効率よく手に入れるための工夫にすぎません。
# ノートブック2では、`autograd.Value` を使ってそのグラフを組み立てます。
