# %% [markdown] en
# # 6. Learning rates and optimizers
#
# Idea 4 was the update rule `w ← w − η·∂L/∂w`. The gradient says *which way*; the learning
# rate η says *how far*. This notebook looks at that one number closely:
#
# 1. what happens when η is too small, about right, too large, and so large that training
#    blows up, and why there is a hard limit;
# 2. why a single η is a compromise when the loss surface is a narrow valley;
# 3. two classic fixes, **momentum** and **Adam**, compared with plain gradient descent
#    (SGD), first on that valley and then on a real network.

# %% [markdown] ja
# # 6. 学習率と最適化手法
#
# 考え方4は更新式 `w ← w − η·∂L/∂w` でした。勾配は*どちらへ*進むかを教え、学習率 η は
# *どれだけ*進むかを決めます。このノートブックでは、このたった1つの数をじっくり見ていきます。
#
# 1. η が小さすぎるとき、ちょうどよいとき、大きすぎるとき、そして学習が発散するほど大きいときに
#    何が起きるか。そして、なぜ越えてはいけない上限があるのか。
# 2. 損失の地形が細長い谷になっているとき、1つの η がなぜ妥協の産物になるのか。
# 3. よく使われる2つの改良、**モーメンタム**と **Adam** を、ふつうの勾配降下法（SGD）と比べる。
#    まずはその谷の上で、次に本物のネットワークで。

# %%
import sys, pathlib
# en: the repository root (the folder that holds autograd/): run from a checkout
# ja: リポジトリのルート（autograd/ のあるフォルダ）。チェックアウトからそのまま動かせる
root = next(p for p in pathlib.Path.cwd().resolve().parents if (p / "autograd").is_dir())
sys.path.insert(0, str(root))
LANG = T("en", "ja")  # en: the language of this notebook  ja: このノートブックの言語

import numpy as np
import matplotlib.pyplot as plt

from autograd import Value, vsum
import nn

from nn.plots import font_settings

plt.rcParams.update({"figure.figsize": (5, 3.5), "figure.dpi": 90, **font_settings(LANG)})

# %% [markdown] en
# ## Four learning rates on one parabola
#
# Back to notebook 1 in one dimension: learn `w` in `ŷ = x·w` for data from `y = 3x`. This
# time the parameter is a `Value`, backprop gives the gradient, and `nn.SGD` applies the
# update rule. We try four learning rates, 20 steps each.

# %% [markdown] ja
# ## 1本の放物線の上で、4つの学習率を試す
#
# ノートブック1の1次元の問題に戻ります。`y = 3x` のデータから、`ŷ = x·w` の `w` を学習します。
# 今回はパラメータを `Value` にして、勾配は誤差逆伝播に、更新式の適用は `nn.SGD` に任せます。
# 4つの学習率を、それぞれ20ステップずつ試します。

# %%
rng = np.random.default_rng(0)
xs = rng.normal(size=100).tolist()
ys = [3 * x for x in xs]

def loss_of(w):
    return vsum((x * w - y) ** 2 for x, y in zip(xs, ys)) / len(xs)

def descend(lr, steps=20, w0=0.5):
    w = Value(w0)
    opt = nn.SGD([w], lr=lr)
    path = []
    for _ in range(steps):
        loss = loss_of(w)
        path.append((w.data, loss.data))
        opt.zero_grad()
        loss.backward()
        opt.step()
    return np.array(path)

rates = {0.05: T("too small", "小さすぎ"), 0.5: T("about right", "ちょうどよい"),
         1.0: T("too large", "大きすぎ"), 1.2: T("diverges", "発散")}
paths = {lr: descend(lr) for lr in rates}
for lr, p in paths.items():
    print(T(f"lr = {lr:<4}  ({rates[lr]:11}):  w after 20 steps = {p[-1, 0]:10.4f},  loss = {p[-1, 1]:.3g}",
            f"lr = {lr:<4}  ({rates[lr]:11}):  20 ステップ後の w = {p[-1, 0]:10.4f}、損失 = {p[-1, 1]:.3g}"))

# %%
ws = np.linspace(-2, 8, 200)
curve = [loss_of(w).data for w in ws]
fig, axes = plt.subplots(1, 4, figsize=(10, 2.6), sharey=True)
for ax, (lr, p) in zip(axes, paths.items()):
    ax.plot(ws, curve, color="lightgray")
    ax.plot(p[:12, 0], p[:12, 1], "o-", ms=3, lw=1, color="C3")
    ax.set_title(f"lr = {lr}: {rates[lr]}", fontsize=9)
    ax.set_xlim(-2, 8); ax.set_ylim(-1, 26); ax.set_xlabel("w")
axes[0].set_ylabel(T("loss", "損失"))
fig.tight_layout()
plt.show()

# %%
for lr, p in paths.items():
    plt.semilogy(p[:, 1], label=f"lr = {lr} ({rates[lr]})")
plt.ylim(1e-6, 1e5)  # en: "about right" reaches exactly 0 after a dozen steps  ja: 「ちょうどよい」は十数ステップで損失がちょうど0になる
plt.xlabel(T("step", "ステップ")); plt.ylabel(T("loss", "損失")); plt.legend(fontsize=8)
plt.title(T("Loss curves for four learning rates", "4つの学習率での損失の曲線"))
plt.show()

# %% [markdown] en
# * **Too small** (0.05): every step goes the right way, but the steps are tiny. After 20
#   steps `w` is still far from 3.
# * **About right** (0.5): a few steps and it is done.
# * **Too large** (1.0): each step overshoots the bottom and lands on the other side. It
#   still gets closer every time, zigzagging, but slowly.
# * **Diverges** (1.2): each overshoot lands *higher* than where it started. The loss grows
#   without limit.
#
# ### Where exactly is the limit?
#
# On a parabola the slope is proportional to the distance from the bottom:
# `∂L/∂w = c·(w − 3)`, where `c` is the curvature (here `c = 2·mean(x²)`). So one step does
#
# $$w - 3 \;\leftarrow\; (w - 3) - \eta\,c\,(w - 3) = (1 - \eta c)\,(w - 3)$$
#
# The distance to the minimum is multiplied by `1 − ηc` at every step. It shrinks when
# `|1 − ηc| < 1`, that is when **η < 2 / c**. Between `1/c` and `2/c` the factor is negative:
# the zigzag. Above `2/c` the distance grows: divergence.

# %% [markdown] ja
# * **小さすぎる**（0.05）：どの一歩も正しい向きに進みますが、歩幅がとても小さい。
#   20ステップたっても `w` は 3 から遠いままです。
# * **ちょうどよい**（0.5）：数歩で終わります。
# * **大きすぎる**（1.0）：一歩ごとに谷底を飛び越して反対側に着地します。それでも毎回少しずつ
#   近づいてはいるので、ジグザグしながら、ゆっくり収束します。
# * **発散する**（1.2）：飛び越すたびに、出発点より*高い*ところに着地します。損失は際限なく増えていきます。
#
# ### 上限はちょうどどこにあるのか
#
# 放物線では、傾きは谷底からの距離に比例します。`∂L/∂w = c·(w − 3)` で、`c` は曲率
# （ここでは `c = 2·mean(x²)`）です。すると一歩の更新は
#
# $$w - 3 \;\leftarrow\; (w - 3) - \eta\,c\,(w - 3) = (1 - \eta c)\,(w - 3)$$
#
# となり、谷底までの距離は毎ステップ `1 − ηc` 倍になります。距離が縮むのは `|1 − ηc| < 1`、
# つまり **η < 2 / c** のときです。`1/c` と `2/c` の間では倍率が負になり、これがジグザグの正体です。
# `2/c` を超えると距離が伸びていきます。これが発散です。

# %%
c = 2 * np.mean(np.square(xs))
print(T(f"curvature c = {c:.3f},  so training converges only for lr < 2/c = {2 / c:.3f}",
        f"曲率 c = {c:.3f}。学習が収束するのは lr < 2/c = {2 / c:.3f} のときだけ"))
for lr in rates:
    print(T(f"lr = {lr:<4}  factor 1 - lr*c = {1 - lr * c:+.3f}",
            f"lr = {lr:<4}  倍率 1 - lr*c = {1 - lr * c:+.3f}"))

# %% [markdown] en
# When training does blow up, the numbers become too large for a float. `nn.fit` checks the
# loss and the parameters after every step and stops with an error that says what happened
# and what to try, instead of quietly filling the model with `inf` and `nan`.

# %% [markdown] ja
# 実際に発散すると、数は浮動小数点数で表せないほど大きくなります。`nn.fit` は各ステップの後で
# 損失とパラメータを確かめ、モデルを黙って `inf` や `nan` で埋めてしまう代わりに、
# 何が起きたのか、何を試せばよいのかを伝えるエラーで止まります。

# %%
X_line, y_line = nn.make_linear(100, seed=0)
line_model = nn.MLP(1, [1], seed=0)
try:
    nn.fit(line_model, X_line, y_line, loss=nn.mse_loss,
           optimizer=nn.SGD(line_model.parameters(), lr=10.0), epochs=500, progress=False)
except FloatingPointError as err:
    print("FloatingPointError:", err)

# %% [markdown] en
# ## One learning rate, two directions
#
# With more than one parameter, each direction of the loss surface has its own curvature,
# and the **steepest** direction sets the limit `η < 2/c_max` for all of them. If another
# direction is much flatter, progress along it crawls.
#
# This happens, for example, when the inputs are on a large scale. Take `y = 3x` again but
# with `x` ten times larger: the loss is very steep in `w` (whose input is `x`) and flat in
# `b` (whose input is always 1). The loss surface over (w, b) becomes a long, narrow valley.

# %% [markdown] ja
# ## 1つの学習率、2つの方向
#
# パラメータが2つ以上になると、損失の地形は方向ごとに違う曲率を持ちます。そして、
# **いちばん急な**方向が、すべての方向に対する上限 `η < 2/c_max` を決めてしまいます。
# ほかにずっと平らな方向があると、その方向にはなかなか進めません。
#
# これは、たとえば入力の値のスケールが大きいときに起こります。もう一度 `y = 3x` を使いますが、
# `x` を10倍にします。すると損失は `w`（入力が `x`）の方向にはとても急になり、
# `b`（入力がいつも 1）の方向には平らなままです。(w, b) 平面の上の損失の地形は、細長い谷になります。

# %%
x_big = (10 * np.random.default_rng(0).normal(size=50)).tolist()
y_big = [3 * x for x in x_big]

def valley_loss(w, b):
    return vsum((x * w + b - y) ** 2 for x, y in zip(x_big, y_big)) / len(x_big)

def run(make_optimizer, steps=60, start=(2.0, 3.0)):
    w, b = Value(start[0]), Value(start[1])
    opt = make_optimizer([w, b])
    path = []
    for _ in range(steps):
        loss = valley_loss(w, b)
        path.append((w.data, b.data, loss.data))
        opt.zero_grad()
        loss.backward()
        opt.step()
    return np.array(path)

c_w, c_b = 2 * np.mean(np.square(x_big)), 2.0
print(T(f"curvature along w: {c_w:.0f},  along b: {c_b:.0f}  ->  lr must stay below {2 / c_w:.4f}",
        f"w 方向の曲率: {c_w:.0f}、b 方向の曲率: {c_b:.0f}  ->  lr は {2 / c_w:.4f} 未満でなければならない"))

# %% [markdown] en
# ## Momentum and Adam
#
# **SGD with momentum** treats the parameters like a heavy ball rolling downhill. It keeps a
# running *velocity*, `v ← μ·v + gradient`, and steps along the velocity, `w ← w − η·v`.
# Gradient components that flip sign from step to step (the zigzag across the valley)
# cancel out in `v`; components that keep pointing the same way (along the valley floor)
# add up, up to `1/(1 − μ)` times. With μ = 0.8, steady directions move 5 times faster.
#
# **Adam** gives every parameter its own step size. It keeps a running average of each
# parameter's gradient (like momentum) and of its *squared* gradient, and divides the first
# by the square root of the second. A parameter with large gradients takes steps no larger
# than one with small gradients: each moves about η per step in the direction it should go.
# The steep `w` and the flat `b` move at comparable speeds.
#
# All three run on the valley below, each with a learning rate chosen to be about as large
# as it can stably be.

# %% [markdown] ja
# ## モーメンタムと Adam
#
# **モーメンタム付き SGD** は、パラメータを坂を転がる重いボールのように扱います。
# *速度* `v ← μ·v + 勾配` を積み重ねていき、その速度の向きに進みます（`w ← w − η·v`）。
# ステップごとに符号が入れ替わる勾配の成分（谷を横切るジグザグ）は `v` の中で打ち消し合い、
# いつも同じ向きを指す成分（谷底に沿った方向）は足し合わされて、最大 `1/(1 − μ)` 倍になります。
# μ = 0.8 なら、一定の方向には5倍の速さで進みます。
#
# **Adam** は、パラメータごとに別々の歩幅を与えます。各パラメータの勾配の移動平均（モーメンタムと同様）と、
# 勾配の*2乗*の移動平均を記録しておき、前者を後者の平方根で割ります。勾配が大きいパラメータでも、
# 勾配が小さいパラメータより大きく進むことはありません。どのパラメータも、進むべき向きに
# 1ステップあたりおよそ η ずつ進みます。急な `w` と平らな `b` が、同じくらいの速さで動くのです。
#
# 下では3つの手法を谷の上で走らせます。学習率は、それぞれ安定して使える範囲でなるべく大きくしてあります。

# %%
runs = {
    "SGD, lr=0.009": run(lambda p: nn.SGD(p, lr=0.009)),
    T("momentum 0.8, lr=0.003", "モーメンタム 0.8, lr=0.003"): run(lambda p: nn.SGD(p, lr=0.003, momentum=0.8)),
    "Adam, lr=0.1": run(lambda p: nn.Adam(p, lr=0.1)),
}
W, B = np.meshgrid(np.linspace(1.5, 4.5, 150), np.linspace(-1, 3.5, 150))
xb, yb = np.array(x_big)[:, None, None], np.array(y_big)[:, None, None]
surface = np.mean((xb * W + B - yb) ** 2, axis=0)

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.5))
ax1.contour(W, B, surface, levels=np.geomspace(0.05, 200, 12), cmap="viridis", linewidths=0.7)
for name, p in runs.items():
    ax1.plot(p[:, 0], p[:, 1], ".-", ms=3, lw=1, label=name)
    ax2.semilogy(p[:, 2], label=name)
ax1.plot([3], [0], "k*", ms=10)
ax1.set_xlabel("w"); ax1.set_ylabel("b"); ax1.set_title(T("paths in the valley", "谷の中の道すじ"))
ax2.set_xlabel(T("step", "ステップ")); ax2.set_ylabel(T("loss", "損失")); ax2.set_title(T("loss curves", "損失の曲線"))
ax2.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown] en
# * **SGD** (blue) first drops straight into the valley along the steep `w` direction, then
#   creeps down the flat `b` direction: its learning rate cannot grow without diverging in `w`.
# * **Momentum** (orange) zigzags at first, then gathers speed along the valley floor and
#   overtakes SGD.
# * **Adam** (green) heads diagonally for the minimum, moving `w` and `b` at similar speeds,
#   and gets there first. Because its steps stay about η long, it then circles around the
#   minimum instead of settling exactly; a smaller η (or one that decays) fixes that.
#
# In practice, one also removes the cause: scaling the inputs to a similar range
# (normalisation) makes the valley round again, and then every optimizer does well.
#
# ## On a real network
#
# Finally the three optimizers train the same MLP (16-16, relu, same initial weights) on the
# moons of notebook 4 with the hinge loss, for 30 epochs of full-batch gradient descent.

# %% [markdown] ja
# * **SGD**（青）は、まず急な `w` 方向にまっすぐ谷へ落ち、そのあと平らな `b` 方向をじわじわと下ります。
#   学習率をこれ以上大きくすると、`w` 方向で発散してしまうからです。
# * **モーメンタム**（オレンジ）は、最初はジグザグしますが、やがて谷底に沿って加速し、SGD を追い越します。
# * **Adam**（緑）は、`w` と `b` を同じくらいの速さで動かしながら斜めに最小点へ向かい、最初に到着します。
#   ただし歩幅がおよそ η のまま変わらないので、その後はぴたりと止まらずに最小点のまわりを回ります。
#   η を小さくする（または徐々に小さくしていく）と解決します。
#
# 実際には、原因そのものを取り除くこともよく行われます。入力を同じくらいの範囲にそろえる
# （正規化する）と谷は丸いお椀に戻り、どの手法でもうまくいくようになります。
#
# ## 本物のネットワークで
#
# 最後に、3つの手法でノートブック4の三日月のデータを学習させます。モデルは同じ MLP
# （16-16、relu、同じ初期重み）、損失はヒンジ損失で、全データを使う勾配降下法を30エポック行います。

# %%
X, y = nn.make_moons(100, noise=0.1, seed=0)
optimizers = {
    "SGD, lr=0.1": lambda p: nn.SGD(p, lr=0.1),
    T("momentum 0.9, lr=0.1", "モーメンタム 0.9, lr=0.1"): lambda p: nn.SGD(p, lr=0.1, momentum=0.9),
    "Adam, lr=0.02": lambda p: nn.Adam(p, lr=0.02),
}
histories = {}
for name, make in optimizers.items():
    model = nn.MLP(2, [16, 16, 1], seed=0)
    histories[name] = nn.fit(model, X, y, loss=nn.hinge_loss, optimizer=make(model.parameters()),
                             epochs=30, progress=False)
    loss, acc = histories[name].loss[-1], histories[name].accuracy[-1]
    print(T(f"{name:22}  final loss {loss:.3f}   accuracy {acc:.0%}",
            f"{name:22}  最終的な損失 {loss:.3f}   正解率 {acc:.0%}"))

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.2))
for name, h in histories.items():
    ax1.plot(h.loss, label=name)
    ax2.plot(h.accuracy, label=name)
ax1.set_xlabel(T("epoch", "エポック")); ax1.set_title(T("hinge loss", "ヒンジ損失")); ax1.legend(fontsize=8)
ax2.set_xlabel(T("epoch", "エポック")); ax2.set_title(T("training accuracy", "訓練データの正解率"))
fig.tight_layout()
plt.show()

# %% [markdown] en
# Plain SGD is the slowest; momentum and Adam reach a clearly lower loss and a higher
# accuracy in the same number of epochs. Which one wins depends on the problem and on the learning rate; a reasonable
# default is Adam with η around 0.001 to 0.01 for large networks (a little higher for our
# small ones), or SGD with momentum 0.9 and a tuned η.
#
# ## Summary
#
# * The learning rate multiplies every step. Too small crawls, too large zigzags, and beyond
#   `2 / curvature` the loss grows without limit.
# * With many parameters, the steepest direction sets the limit, so flat directions crawl.
# * **Momentum** averages gradients over steps: the zigzag cancels and steady directions
#   speed up.
# * **Adam** scales each parameter's step by the size of its recent gradients, so steep and
#   flat directions progress alike.
# * None of them changes *what* is learned, only how fast and how steadily gradient descent
#   gets there. The gradient itself still comes from backprop, one `backward()` per step.

# %% [markdown] ja
# ふつうの SGD がいちばん遅く、モーメンタムと Adam は同じエポック数で、はっきり低い損失と
# 高い正解率に届きます。どれが勝つかは問題と学習率しだいです。大きなネットワークでの無難な
# 出発点は、η を 0.001〜0.01 くらいにした Adam（ここで使っているような小さなネットワークなら
# もう少し大きめ）か、モーメンタム 0.9 で η を調整した SGD です。
#
# ## まとめ
#
# * 学習率は一歩一歩に掛かる倍率です。小さすぎるとなかなか進まず、大きすぎるとジグザグし、
#   `2 / 曲率` を超えると損失は際限なく増えていきます。
# * パラメータが多いと、いちばん急な方向が上限を決めるので、平らな方向はなかなか進みません。
# * **モーメンタム**は勾配をステップをまたいで平均します。ジグザグは打ち消し合い、一定の方向は加速します。
# * **Adam** は、各パラメータの歩幅を最近の勾配の大きさで調整するので、急な方向も平らな方向も同じように進みます。
# * どの手法も、*何を*学習するかは変えません。変わるのは、勾配降下法がそこへどれだけ速く、
#   どれだけ安定してたどり着くかだけです。勾配そのものは、相変わらず毎ステップ1回の `backward()`、
#   つまり誤差逆伝播から得られます。
