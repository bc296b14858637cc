# %% [markdown]
# # 4. 1つのニューロンから多層パーセプトロンへ
#
# これで部品はすべてそろいました。予測するモデル（考え方1）、損失（考え方2）、
# 勾配（考え方3。求めるのは誤差逆伝播、考え方5）、そして更新（考え方4）です。
# このノートブックでは、それらを分類問題に使ってみます。ニューラルネットがいちばん得意とする仕事です。
#
# 「多層は1層をちゃんと理解してから」という助言に従って、3段階で進みます。
#
# 1. 2つの三日月形のデータに **1つのニューロン**。引けるのは直線だけです。
# 2. 同じ三日月に **多層パーセプトロン**（MLP）。境界線を曲げられます。
# 3. らせん状のデータで **3クラス分類**。ソフトマックスと交差エントロピーを使います。
#
# ここで使うライブラリは `nn` です。`Neuron`、`MLP`、損失関数、`SGD`、`Adam`、`fit` が入っていて、
# どれも `autograd.Value` の上に作られています。
#
# (グラフの文字は、日本語フォントがない環境でも崩れないように英語にしています。)

# %%
import sys, pathlib
sys.path.insert(0, str(pathlib.Path.cwd().parents[1]))  # リポジトリのルート（チェックアウトからそのまま動かすため）

import numpy as np
import matplotlib.pyplot as plt

from autograd import Value, draw_dot
import nn

plt.rcParams.update({"figure.figsize": (5, 3.5), "figure.dpi": 90})

# %% [markdown]
# ## 1つのニューロン
#
# ニューロンとは、ノートブック1のモデルの入力を増やし、最後に「曲げ」を加えたものです。
#
# $$\text{out} = \text{activation}(w_1 x_1 + w_2 x_2 + \dots + b) = \text{activation}(w \cdot x + b)$$
#
# 重み付きの和はグラフの中で1つの `dot` ノードになり、活性化関数（ここでは `tanh`）がもう1つの
# ノードになります。パラメータはどれも `Value` で、モデルの中での位置にちなんだ名前が付いています。

# %%
neuron = nn.Neuron(2, activation="tanh", seed=0)
out = neuron([1.0, -2.0])
print([name for name, _ in neuron.named_parameters()])
out.backward()
draw_dot(out)

# %% [markdown]
# ## データ：2つの三日月
#
# 各点は2つの座標と、0か1のクラスを持っています。2つのクラスは互いに入り組んでいるので、
# 1本の直線ではきれいに分けられません。

# %%
X, y = nn.make_moons(100, noise=0.1, seed=0)

def scatter(X, y, ax=None):
    ax = ax or plt.gca()
    for k, marker in zip(range(int(y.max()) + 1), "o^s"):
        ax.scatter(X[y == k, 0], X[y == k, 1], s=14, marker=marker, edgecolor="k",
                   linewidth=0.3, label=f"class {k}", zorder=3)

scatter(X, y)
plt.legend(); plt.title("make_moons(100, noise=0.1)")
plt.show()

# %% [markdown]
# ## 分類のための損失：ヒンジ損失
#
# 2クラスのとき、モデルは1つの**スコア** `s` を出力します。正なら「クラス1」、負なら「クラス0」です。
# 正解ラベルを `t = +1` または `t = −1` で表すと、`t·s` は予測が当たっていれば正、
# 自信をもって当たっていれば大きな値になります。**ヒンジ損失**
#
# $$L = \max(0,\ 1 - t\,s)$$
#
# は、点が正しい側に1以上の余裕（マージン）をもって入れば0になり、間違えるほど直線的に大きくなります。
# つまり勾配を生むのは、間違えている点と、ぎりぎり当たっている点だけです。
# モデルは、努力が必要なところにだけ力を注ぐわけです。

# %%
margins = np.linspace(-2, 3, 200)
plt.plot(margins, np.maximum(0, 1 - margins))
plt.axvline(0, color="gray", lw=0.8, ls=":")
plt.xlabel("t · s   (right side of 0 = correct)"); plt.ylabel("hinge loss")
plt.title("Zero once right by a margin of 1")
plt.show()

# %% [markdown]
# ## 1つのニューロンを学習させる
#
# 学習ループを省略せずに書きます。更新 `p ← p − η·p.grad` は、最適化手法 `nn.SGD` が
# すべてのパラメータに対して行います。ノートブック1の6段階そのままです。
# このニューロンは線形（活性化関数なし）なので、決定境界（スコアが0になるところ）は
# 直線 `w₁x₁ + w₂x₂ + b = 0` になります。

# %%
def train(model, X, y, optimizer, epochs):
    losses = []
    for epoch in range(epochs):
        scores = [model(row) for row in X.tolist()]                # 予測
        loss = nn.batch_loss(nn.hinge_loss, scores, y.tolist())    # 損失（全点の平均）
        optimizer.zero_grad()                                      # 前回の勾配を消す
        loss.backward()                                            # 誤差逆伝播で勾配を求める
        optimizer.step()                                           # 更新
        losses.append(loss.data)
    return losses

def accuracy(model, X, y):
    return np.mean((model.predict(X)[:, 0] > 0) == y)

neuron = nn.Neuron(2, activation="linear", seed=0)
neuron_losses = train(neuron, X, y, nn.SGD(neuron.parameters(), lr=0.1), epochs=50)
print(f"ニューロン1つ: 損失 {neuron_losses[-1]:.3f}、正解率 {accuracy(neuron, X, y):.0%}")

# %% [markdown]
# モデルが何を学んだかを見るには、平面をモデルの予測で塗り分けます。格子状に並べた点でモデルを
# 評価し（`model.predict` はグラフを作らずに NumPy で計算します）、スコアが0をまたぐ線を描きます。

# %%
def plot_boundary(model, X, y, title, ax=None, classes=2):
    ax = ax or plt.gca()
    xx, yy = np.meshgrid(np.linspace(X[:, 0].min() - 0.5, X[:, 0].max() + 0.5, 150),
                         np.linspace(X[:, 1].min() - 0.5, X[:, 1].max() + 0.5, 150))
    scores = model.predict(np.column_stack([xx.ravel(), yy.ravel()]))
    if classes == 2:
        region = (scores[:, 0] > 0).reshape(xx.shape)
        ax.contour(xx, yy, scores[:, 0].reshape(xx.shape), levels=[0], colors="k", linewidths=1)
    else:
        region = scores.argmax(axis=1).reshape(xx.shape)
    ax.contourf(xx, yy, region, levels=np.arange(classes + 1) - 0.5,
                colors=["C0", "C1", "C2"][:classes], alpha=0.25)
    scatter(X, y, ax)
    ax.set_title(title)

plot_boundary(neuron, X, y, f"One linear neuron: {accuracy(neuron, X, y):.0%} correct")
plt.show()

# %% [markdown]
# ニューロンは最良の直線を見つけましたが、それでは足りません。三日月の先端が、相手側の領域に
# はみ出しています。これはいくら学習を続けても直りません。限界を決めているのは学習ではなく、
# モデルそのものです。
#
# ## 多層パーセプトロン
#
# ニューロンを**層**にして積み重ねます。各層のニューロンは、1つ前の層の出力をすべて受け取ります。
# 隠れ層には活性化関数 `relu`（`max(0, z)`）を使います。隠れ層のニューロンはそれぞれ自分の直線を引き、
# その片側でだけオンになります。次の層がそれらの断片を組み合わせて、曲がった境界を作るのです。
# 下は小さな MLP（入力2 → 隠れニューロン2 → 出力1）で、ニューロンごとに枠で囲んで描いています
# （`cluster=True`）。

# %%
tiny = nn.MLP(2, [2, 1], seed=0)
draw_dot(tiny([1.0, -2.0]), cluster=True)

# %% [markdown]
# 三日月には、16個のニューロンからなる隠れ層を2つ使います。学習ループはまったく同じで、
# 変わったのはモデルだけです。**モーメンタム**付きの勾配降下法（ノートブック6で説明します）を使うと、
# 少ないステップでたどり着けます。

# %%
model = nn.MLP(2, [16, 16, 1], activation="relu", seed=0)
print(model)
print("パラメータ数:", model.num_parameters())

mlp_losses = train(model, X, y, nn.SGD(model.parameters(), lr=0.1, momentum=0.9), epochs=60)
print(f"MLP: 損失 {mlp_losses[-1]:.3f}、正解率 {accuracy(model, X, y):.0%}")

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.5))
ax1.plot(neuron_losses, label="one neuron")
ax1.plot(mlp_losses, label="MLP 16-16")
ax1.set_xlabel("epoch"); ax1.set_ylabel("hinge loss"); ax1.legend(); ax1.set_title("loss curves")
plot_boundary(model, X, y, f"MLP: {accuracy(model, X, y):.0%} correct", ax=ax2)
fig.tight_layout()
plt.show()

# %% [markdown]
# 今度は境界が三日月の先端を回り込むように曲がっています。1つのニューロンの損失は早々に
# 頭打ちになりますが、MLP の損失は下がり続けます。
#
# ## 3クラス：ソフトマックスと交差エントロピー
#
# クラスが3つ以上になると、モデルは**クラスごとに1つのスコア**を出力します。
# スコアから損失を作るには、2つの段階を踏みます。
#
# 1. **ソフトマックス**で、スコア `z` を確率に変えます：$p_k = e^{z_k} / \sum_j e^{z_j}$。
#    どの `p_k` も正で、合計は1になります。いちばん大きなスコアが、いちばん大きな取り分を得ます。
# 2. **交差エントロピー**は $L = -\log p_{\text{正解}}$ です。正解のクラスに確率をすべて置けば0、
#    自信満々に間違えれば大きな値になります。
#
# スコアについての勾配は驚くほど単純で、`p − onehot(正解)` になります。
# 正解クラスのスコアを上げ、ほかのクラスはその確率に応じて下げる、ということです。

# %%
scores = [Value(2.0), Value(1.0), Value(-1.0)]
probs = np.exp([s.data for s in scores]) / np.exp([s.data for s in scores]).sum()
print("スコア:        ", [s.data for s in scores])
print("ソフトマックス:", probs.round(3), "（合計", probs.sum().round(6), "）")
for label in range(3):
    print(f"正解がクラス {label} なら: 交差エントロピー = -log {probs[label]:.3f} = "
          f"{nn.cross_entropy(scores, label).data:.3f}")

loss = nn.cross_entropy(scores, 0)
loss.backward()
print("正解がクラス 0 のときの勾配:", [round(s.grad, 3) for s in scores],
      " = p - [1, 0, 0]:", (probs - [1, 0, 0]).round(3))

# %% [markdown]
# らせんのデータは、中心から渦を巻いて伸びる3本の腕で、腕1本が1クラスです。
# ここではループを `nn.fit` に任せ（中身は同じ6段階で、20点ずつのミニバッチで回します）、
# 最適化手法には **Adam** を使います。`fit` は損失と正解率の履歴を返してくれます。

# %%
Xs, ys = nn.make_spirals(120, n_classes=3, noise=0.05, seed=0)
spiral_model = nn.MLP(2, [16, 16, 3], activation="relu", seed=0)
history = nn.fit(spiral_model, Xs, ys, loss=nn.cross_entropy,
                 optimizer=nn.Adam(spiral_model.parameters(), lr=0.02),
                 epochs=50, batch_size=20, progress=False)
print(f"{history.epochs} エポック後: 損失 {history.loss[-1]:.3f}、"
      f"正解率 {history.accuracy[-1]:.0%}")

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.5))
ax1.plot(history.loss, label="cross-entropy")
ax1.plot(history.accuracy, label="accuracy")
ax1.set_xlabel("epoch"); ax1.legend(); ax1.set_title("training on the spirals")
plot_boundary(spiral_model, Xs, ys, "Decision regions of the MLP", ax=ax2, classes=3)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## まとめ
#
# * ニューロンは `activation(w·x + b)`。ノートブック1のモデルに入力を増やし、曲げを加えたものです。
# * 1つのニューロンが引ける境界は直線だけです。間に非線形な活性化関数をはさんでニューロンを
#   層に重ねると、曲がった境界を引けるようになります。
# * 2クラスならヒンジ損失が1つの出力を評価します。多クラスなら、ソフトマックスがスコアを確率に変え、
#   交差エントロピーが正解クラスの確率の低さを罰します。
# * 学習の仕組みは、どの大きさでも同じです。予測、損失、`backward()`、更新、そのくり返し。
#
# ノートブック5では、`backward()` の勾配が正しいことをどうやって確かめるのかを見ていきます。
