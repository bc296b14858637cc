# %% [markdown] en
# # 4. From one neuron to a multi-layer perceptron
#
# We now have every piece: a model that predicts (idea 1), a loss (idea 2), the gradient
# (idea 3, computed by backprop, idea 5) and the update (idea 4). This notebook puts them to
# work on classification, the task neural networks are best known for.
#
# The advice is to master one layer before many, so we go in three steps:
#
# 1. **one neuron** on two interleaving moons: it can only draw a straight line;
# 2. **a multi-layer perceptron** (MLP) on the same moons: it can bend the line;
# 3. **three classes** on spirals, with softmax and cross-entropy.
#
# The library used here is `nn`: `Neuron`, `MLP`, the losses, `SGD`, `Adam` and `fit`,
# all built on `autograd.Value`.

# %% [markdown] ja
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

# %%
import sys, pathlib
# en: the repository root (the folder that holds autograd/): run from a checkout
# ja: リポジトリのルート（autograd/ のあるフォルダ）。チェックアウトからそのまま動かせる
root = next(p for p in pathlib.Path.cwd().resolve().parents if (p / "autograd").is_dir())
sys.path.insert(0, str(root))
LANG = T("en", "ja")  # en: the language of this notebook  ja: このノートブックの言語

import numpy as np
import matplotlib.pyplot as plt

from autograd import Value, draw_dot
import nn

from nn.plots import font_settings

plt.rcParams.update({"figure.figsize": (5, 3.5), "figure.dpi": 90, **font_settings(LANG)})

# %% [markdown] en
# ## One neuron
#
# A neuron is the model of notebook 1 with more inputs and a bend at the end:
#
# $$\text{out} = \text{activation}(w_1 x_1 + w_2 x_2 + \dots + b) = \text{activation}(w \cdot x + b)$$
#
# The weighted sum is a single `dot` node in the graph, and the activation (here `tanh`) is
# one more. Every parameter is a `Value` named after its place in the model.

# %% [markdown] ja
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
draw_dot(out, lang=LANG)

# %% [markdown] en
# ## The data: two moons
#
# Each point has two coordinates and a class, 0 or 1. The two classes interleave, so no
# straight line separates them perfectly.

# %% [markdown] ja
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
                   linewidth=0.3, label=T(f"class {k}", f"クラス {k}"), zorder=3)

scatter(X, y)
plt.legend(); plt.title("make_moons(100, noise=0.1)")
plt.show()

# %% [markdown] en
# ## A loss for classification: the hinge loss
#
# For two classes the model outputs one **score** `s`: positive means "class 1", negative
# "class 0". Write the label as `t = +1` or `t = −1`. Then `t·s` is positive when the
# prediction is right, and large when it is right with confidence. The **hinge loss**
#
# $$L = \max(0,\ 1 - t\,s)$$
#
# is zero once a point is on the right side with a margin of at least 1, and grows
# linearly the more wrong it is. So only the points that are wrong or barely right produce a
# gradient: the model spends its effort where it is needed.

# %% [markdown] ja
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
plt.xlabel(T("t · s   (right side of 0 = correct)", "t · s   （0 より右なら正解）")); plt.ylabel(T("hinge loss", "ヒンジ損失"))
plt.title(T("Zero once right by a margin of 1", "マージン1以上で正解なら0"))
plt.show()

# %% [markdown] en
# ## Training one neuron
#
# Here is the training loop, written out, with the optimizer `nn.SGD` doing the update
# `p ← p − η·p.grad` for every parameter. It is the six steps of notebook 1, unchanged.
# The neuron is linear (no activation), so its decision boundary, where the score is 0,
# is the straight line `w₁x₁ + w₂x₂ + b = 0`.

# %% [markdown] ja
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
        scores = [model(row) for row in X.tolist()]                # en: predict  ja: 予測
        loss = nn.batch_loss(nn.hinge_loss, scores, y.tolist())    # en: loss (mean over points)  ja: 損失（全点の平均）
        optimizer.zero_grad()                                      # en: forget the old gradient  ja: 前回の勾配を消す
        loss.backward()                                            # en: gradient, by backprop  ja: 誤差逆伝播で勾配を求める
        optimizer.step()                                           # en: update  ja: 更新
        losses.append(loss.data)
    return losses

def accuracy(model, X, y):
    return np.mean((model.predict(X)[:, 0] > 0) == y)

neuron = nn.Neuron(2, activation="linear", seed=0)
neuron_losses = train(neuron, X, y, nn.SGD(neuron.parameters(), lr=0.1), epochs=50)
print(T(f"one neuron: loss {neuron_losses[-1]:.3f}, accuracy {accuracy(neuron, X, y):.0%}",
        f"ニューロン1つ: 損失 {neuron_losses[-1]:.3f}、正解率 {accuracy(neuron, X, y):.0%}"))

# %% [markdown] en
# To see what a model has learned, colour the plane by its prediction: evaluate it on a grid
# of points (`model.predict` does this with NumPy, without building any graph) and draw the
# line where the score crosses 0.

# %% [markdown] ja
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

plot_boundary(neuron, X, y, T(f"One linear neuron: {accuracy(neuron, X, y):.0%} correct",
                              f"線形ニューロン1つ: 正解率 {accuracy(neuron, X, y):.0%}"))
plt.show()

# %% [markdown] en
# The neuron has found the best straight line, and it is not good enough: the tips of each
# moon reach into the other's side. No amount of training will fix that. The model, not the
# learning, is the limit.
#
# ## A multi-layer perceptron
#
# Stack neurons in **layers**: every neuron of a layer sees all the outputs of the layer
# before. The hidden layers use the `relu` activation, `max(0, z)`: each hidden neuron
# draws its own line and switches on only on one side of it, and the next layer combines
# these pieces into a bent boundary. Here is a tiny MLP, 2 inputs → 2 hidden neurons → 1
# output, drawn with each neuron boxed (`cluster=True`).

# %% [markdown] ja
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
draw_dot(tiny([1.0, -2.0]), cluster=True, lang=LANG)

# %% [markdown] en
# For the moons we use two hidden layers of 16 neurons. The training loop is exactly the
# same; only the model changed. Gradient descent with **momentum** (notebook 6 explains it)
# gets there in fewer steps.

# %% [markdown] ja
# 三日月には、16個のニューロンからなる隠れ層を2つ使います。学習ループはまったく同じで、
# 変わったのはモデルだけです。**モーメンタム**付きの勾配降下法（ノートブック6で説明します）を使うと、
# 少ないステップでたどり着けます。

# %%
model = nn.MLP(2, [16, 16, 1], activation="relu", seed=0)
print(model)
print(T("parameters:", "パラメータ数:"), model.num_parameters())

mlp_losses = train(model, X, y, nn.SGD(model.parameters(), lr=0.1, momentum=0.9), epochs=60)
print(T(f"MLP: loss {mlp_losses[-1]:.3f}, accuracy {accuracy(model, X, y):.0%}",
        f"MLP: 損失 {mlp_losses[-1]:.3f}、正解率 {accuracy(model, X, y):.0%}"))

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.5))
ax1.plot(neuron_losses, label=T("one neuron", "ニューロン1つ"))
ax1.plot(mlp_losses, label="MLP 16-16")
ax1.set_xlabel(T("epoch", "エポック")); ax1.set_ylabel(T("hinge loss", "ヒンジ損失")); ax1.legend(); ax1.set_title(T("loss curves", "損失の曲線"))
plot_boundary(model, X, y, T(f"MLP: {accuracy(model, X, y):.0%} correct",
                             f"MLP: 正解率 {accuracy(model, X, y):.0%}"), ax=ax2)
fig.tight_layout()
plt.show()

# %% [markdown] en
# The boundary now bends around the tips of the moons. The loss of the single neuron levels
# off early, while the MLP's keeps falling.
#
# ## Three classes: softmax and cross-entropy
#
# With more than two classes the model outputs **one score per class**. Two steps turn the
# scores into a loss:
#
# 1. **softmax** turns scores `z` into probabilities: $p_k = e^{z_k} / \sum_j e^{z_j}$.
#    Every `p_k` is positive and they add up to 1; the largest score gets the largest share.
# 2. **cross-entropy** is $L = -\log p_{\text{correct}}$: zero when the model puts all its
#    probability on the right class, large when it is confidently wrong.
#
# Its gradient with respect to the scores is remarkably simple: `p − onehot(correct)`.
# Raise the right class's score, lower the others in proportion to their probability.

# %% [markdown] ja
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
print(T("scores:       ", "スコア:        "), [s.data for s in scores])
print(T("softmax:      ", "ソフトマックス:"), probs.round(3), T(" (sum", "（合計"), probs.sum().round(6), T(")", "）"))
for label in range(3):
    ce = nn.cross_entropy(scores, label).data
    print(T(f"if the class is {label}: cross-entropy = -log {probs[label]:.3f} = {ce:.3f}",
            f"正解がクラス {label} なら: 交差エントロピー = -log {probs[label]:.3f} = {ce:.3f}"))

loss = nn.cross_entropy(scores, 0)
loss.backward()
print(T("gradient for class 0:", "正解がクラス 0 のときの勾配:"), [round(s.grad, 3) for s in scores],
      " = p - [1, 0, 0]:", (probs - [1, 0, 0]).round(3))

# %% [markdown] en
# The spirals: three arms winding out of the centre, one per class. Here we let `nn.fit`
# run the loop (the same six steps, in minibatches of 20 points) with the **Adam**
# optimizer, and ask it for a history of the loss and the accuracy.

# %% [markdown] ja
# らせんのデータは、中心から渦を巻いて伸びる3本の腕で、腕1本が1クラスです。
# ここではループを `nn.fit` に任せ（中身は同じ6段階で、20点ずつのミニバッチで回します）、
# 最適化手法には **Adam** を使います。`fit` は損失と正解率の履歴を返してくれます。

# %%
Xs, ys = nn.make_spirals(120, n_classes=3, noise=0.05, seed=0)
spiral_model = nn.MLP(2, [16, 16, 3], activation="relu", seed=0)
history = nn.fit(spiral_model, Xs, ys, loss=nn.cross_entropy,
                 optimizer=nn.Adam(spiral_model.parameters(), lr=0.02),
                 epochs=50, batch_size=20, progress=False)
loss, acc = history.loss[-1], history.accuracy[-1]
print(T(f"after {history.epochs} epochs: loss {loss:.3f}, accuracy {acc:.0%}",
        f"{history.epochs} エポック後: 損失 {loss:.3f}、正解率 {acc:.0%}"))

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.5))
ax1.plot(history.loss, label=T("cross-entropy", "交差エントロピー"))
ax1.plot(history.accuracy, label=T("accuracy", "正解率"))
ax1.set_xlabel(T("epoch", "エポック")); ax1.legend(); ax1.set_title(T("training on the spirals", "らせんデータの学習"))
plot_boundary(spiral_model, Xs, ys, T("Decision regions of the MLP",
                                      "MLP の決定領域"), ax=ax2, classes=3)
fig.tight_layout()
plt.show()

# %% [markdown] en
# ## Summary
#
# * A neuron is `activation(w·x + b)`: the model of notebook 1 with more inputs and a bend.
# * One neuron draws a straight boundary. Layers of neurons with a nonlinearity between them
#   can draw curved ones.
# * For two classes the hinge loss scores one output; for several classes softmax turns
#   scores into probabilities and cross-entropy punishes a low probability on the right one.
# * The learning is the same at every size: predict, loss, `backward()`, update, repeat.
#
# Notebook 5 asks how we know that `backward()` got the gradient right.

# %% [markdown] ja
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
