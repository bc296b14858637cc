# %% [markdown] en
# # 7. From scalars to tensors
#
# Our engine works one number at a time: every `+`, every `*`, every `relu` is a `Value`
# made by a line of Python. That is what makes backprop easy to follow, and it is also why
# a training step is slow: each step builds the same graph again, node by node.
#
# Deep-learning frameworks work with **tensors** instead: arrays of numbers, with one
# operation for a whole array. This notebook shows that this is not a different idea. We
# take the graph our engine builds, let `autograd.compile` look at it, and find that it
# already *is* a handful of tensor operations:
#
# 1. the nodes of one op at one depth are one array operation;
# 2. the `dot` nodes of a layer, one per sample and neuron, are one **matrix product**;
# 3. Python's `sum` over a list is one reduction.
#
# Then we check that the compiled graph gives the same numbers as the engine, and time the
# two against a training step written by hand in numpy.

# %% [markdown] ja
# # 7. スカラーからテンソルへ
#
# 私たちのエンジンは、数を1つずつ扱います。`+` も `*` も `relu` も、1行の Python が作る
# 1つの `Value` です。だから誤差逆伝播を追いかけやすいのですが、そのせいで学習の1ステップは
# 遅くなります。ステップのたびに、同じ計算グラフをノード1つずつ作り直しているからです。
#
# ディープラーニングのフレームワークは、かわりに**テンソル**（数を並べた配列）を扱い、
# 配列全体に1回の演算をします。このノートブックでは、それが別の考え方ではないことを確かめます。
# エンジンが作る計算グラフを `autograd.compile` に調べさせると、そのグラフがもともと
# 少しのテンソル演算の形をしていることが分かります。
#
# 1. 同じ深さにある同じ演算のノードは、1回の配列演算になる。
# 2. 層の `dot` ノード（サンプルとニューロンの組ごとに1つ）は、1回の**行列の積**になる。
# 3. Python の `sum` によるリストの和は、1回の総和になる。
#
# そのあと、コンパイルしたグラフがエンジンと同じ数を出すことを確かめ、NumPy で手書きした
# 学習の1ステップと速さを比べます。

# %%
import sys, pathlib
# en: the repository root (the folder that holds autograd/): run from a checkout
# ja: リポジトリのルート（autograd/ のあるフォルダ）。チェックアウトからそのまま動かせる
root = next(p for p in pathlib.Path.cwd().resolve().parents if (p / "autograd").is_dir())
sys.path.insert(0, str(root))
LANG = T("en", "ja")  # en: the language of this notebook  ja: このノートブックの言語

import statistics
import time

import numpy as np
import matplotlib.pyplot as plt

import autograd
import nn
from nn.plots import font_settings

plt.rcParams.update({"figure.figsize": (6, 3.5), "figure.dpi": 90, **font_settings(LANG)})

# %% [markdown] en
# ## The graph of one training step
#
# micrograd's demo: an MLP with two hidden layers of 16 neurons learns the two moons, with
# the hinge loss and a little L2 regularization, written the way one writes it with
# Python's `sum`. One step over 100 samples builds a graph of thousands of nodes.

# %% [markdown] ja
# ## 学習1ステップの計算グラフ
#
# micrograd のデモと同じ問題です。16個のニューロンの隠れ層を2つ持つ MLP が、2つの三日月
# （moons）をヒンジ損失と少しの L2 正則化で学習します。Python の `sum` を使った、ふつうの
# 書き方です。100個のサンプルで1ステップ分の計算グラフを作ると、ノードは数千個になります。

# %%
X, y = nn.make_moons(100, noise=0.1, seed=0)
model = nn.MLP(2, [16, 16, 1], seed=1337)
ALPHA = 1e-4  # en: the weight of the L2 penalty  ja: L2 正則化の強さ


def demo_loss(model):
    scores = [model(row) for row in X.tolist()]
    losses = [nn.hinge_loss(s, t) for s, t in zip(scores, y.tolist())]
    penalty = sum(p * p for p in model.parameters())
    return sum(losses) * (1.0 / len(losses)) + ALPHA * penalty


loss = demo_loss(model)
graph = autograd.compile(loss)
print(T(f"the eager graph: {graph.recorded_nodes:,} nodes", f"エンジンの計算グラフ: {graph.recorded_nodes:,} ノード"))
print(T(f"the compiled graph: {len(graph.summary())} groups", f"コンパイルしたグラフ: {len(graph.summary())} グループ"))

# %% [markdown] en
# ## What the compiler found
#
# `compile` records the graph once and sorts its nodes by **depth** (the longest path from
# a leaf) and **op**. Nodes in the same group do not depend on each other, so they can all
# run at once. `summary()` lists the groups: depth, op, how many nodes, and how the group
# runs.

# %% [markdown] ja
# ## コンパイラが見つけたもの
#
# `compile` は計算グラフを一度だけ記録し、ノードを**深さ**（葉からのいちばん長い道のり）と
# **演算**で分けます。同じグループのノードはお互いに依存しないので、全部いっぺんに計算できます。
# `summary()` は、グループごとに深さ、演算、ノードの数、計算のしかたを並べます。

# %%
HOW = {
    "elementwise": T("one array operation", "1回の配列演算"),
    "rows": T("one reduction per row", "行ごとの総和・積"),
    "matmul": T("one matrix product", "1回の行列の積"),
}
print(T("depth  op     nodes   runs as", " 深さ  演算  ノード   計算のしかた"))
for depth, op, count, how in graph.summary():
    print(f"{depth:>5}  {op:<6}{count:>6}   {HOW[how]}")

# %% [markdown] en
# Read it from the top. The 337 `*` at depth 1 are `p * p` of the L2 penalty, one per
# parameter. Beside them are 1,600 `dot` nodes: 100 samples times 16 neurons, each
# `w · x + b`. Then 1,600 `relu`s, one array operation. Depth 2 also holds the 337-term
# `sum` of the penalty, one row, which depth 3 multiplies by `ALPHA`. The last layer's 100
# `dot`s, the hinge loss (`*`, `-`, `relu`) of each sample, Python's `sum` over the 100
# losses, the `1/100` and the `+` of the penalty finish the step.
#
# The `dot` groups are the interesting ones. Each of the 1,600 nodes reads one neuron's
# weights and one sample's inputs. The 16 neurons' weights are the same for every sample,
# and the 100 samples' inputs are the same for every neuron: the nodes fill a table of
# samples × neurons, and that table is the matrix product `X @ W.T`.

# %% [markdown] ja
# 上から読んでいきます。深さ1の 337 個の `*` は、L2 正則化の `p * p` で、パラメータ1つに1つずつです。
# その隣の 1,600 個の `dot` ノードは、100 サンプル × 16 ニューロンの `w · x + b` です。
# 続く 1,600 個の `relu` は、1回の配列演算になります。深さ2には、正則化の 337 項の `sum` も
# 1行としてあり、深さ3でそれに `ALPHA` を掛けます。最後の層の 100 個の `dot`、サンプルごとの
# ヒンジ損失（`*`、`-`、`relu`）、100 個の損失を足す Python の `sum`、`1/100` を掛ける `*`、
# 正則化を足す `+` で、1ステップが終わります。
#
# おもしろいのは `dot` のグループです。1,600 個のノードはそれぞれ、1つのニューロンの重みと、
# 1つのサンプルの入力を読みます。16個のニューロンの重みはどのサンプルでも同じで、100個の
# サンプルの入力はどのニューロンでも同じです。つまりノードは「サンプル × ニューロン」の表を
# 埋めていて、その表こそが行列の積 `X @ W.T` です。

# %%
n = len(X)
for depth, op, count, how in graph.summary():
    if how == "matmul":
        print(T(f"depth {depth}: {count:,} dot nodes, a table of (samples × neurons) = "
                f"({n} × {count // n}) → one matrix product",
                f"深さ {depth}: {count:,} 個の dot ノード、(サンプル × ニューロン) = "
                f"({n} × {count // n}) の表 → 1回の行列の積"))

# %% [markdown] en
# A picture of the same thing: how many Python operations a step makes, node by node in
# the engine, and group by group in the compiled graph (counting each Python `sum`, a chain
# of `+` in the engine, as the one node it becomes).

# %% [markdown] ja
# 同じことを図にします。1ステップで Python が行う演算の数を、エンジン（ノード1つずつ）と
# コンパイルしたグラフ（グループ1つずつ）で比べます（Python の `sum` は、エンジンでは `+` の
# 連なりですが、ここではそれがまとまった1つのノードとして数えます）。

# %%
depths = sorted({d for d, *_ in graph.summary()})
nodes_at = [sum(c for d, _, c, _ in graph.summary() if d == k) for k in depths]
groups_at = [sum(1 for d, *_ in graph.summary() if d == k) for k in depths]
fig, ax = plt.subplots()
ax.bar(np.array(depths) - 0.2, nodes_at, width=0.4, label=T("nodes (engine)", "ノード（エンジン）"))
ax.bar(np.array(depths) + 0.2, groups_at, width=0.4, label=T("groups (compiled)", "グループ（コンパイル後）"))
ax.set_yscale("log")
ax.set_xlabel(T("depth in the graph", "計算グラフの深さ"))
ax.set_ylabel(T("operations per step", "1ステップの演算の数"))
ax.set_title(T("The same step: one node at a time, or one group at a time", "同じステップを、ノードごとに、またはグループごとに"))
ax.legend()
plt.show()

# %% [markdown] en
# ## The same numbers
#
# A compiled graph keeps the parameters as they are: `forward()` reads their `.data`, and
# `backward()` adds into their `.grad`, so the optimizer does not notice the difference.
# Let us train five steps with the compiled graph, then build a fresh eager graph and
# compare the loss and all 337 gradients.

# %% [markdown] ja
# ## 同じ数が出る
#
# コンパイルしたグラフは、パラメータをそのまま使います。`forward()` はパラメータの `.data` を読み、
# `backward()` は `.grad` に足し込むので、最適化手法から見れば何も変わりません。コンパイルした
# グラフで5ステップ学習してから、エンジンで新しく計算グラフを作り、損失と 337 個すべての
# 勾配を比べてみます。

# %%
opt = nn.SGD(model.parameters(), lr=0.5)
for _ in range(5):
    graph.forward()
    opt.zero_grad()
    graph.backward()
    opt.step()

params = model.parameters()
value = graph.forward()
opt.zero_grad()
graph.backward()
compiled_grads = np.array([p.grad for p in params])

eager = demo_loss(model)
opt.zero_grad()
eager.backward()
eager_grads = np.array([p.grad for p in params])

print(T(f"loss: compiled {value:.15f}, eager {eager.data:.15f}", f"損失: コンパイル {value:.15f}、エンジン {eager.data:.15f}"))
worst = np.max(np.abs(compiled_grads - eager_grads) / np.maximum(np.abs(eager_grads), 1e-300))
print(T(f"largest relative difference of the 337 gradients: {worst:.1e}", f"337 個の勾配の相対誤差の最大値: {worst:.1e}"))
assert abs(value - eager.data) <= 1e-12 * abs(eager.data)
np.testing.assert_allclose(compiled_grads, eager_grads, rtol=1e-12, atol=1e-15)

# %% [markdown] en
# The differences are rounding: a matrix product adds its terms in another order than the
# engine's `dot`. Nothing else changed.

# %% [markdown] ja
# 違いは丸め誤差だけです。行列の積は、エンジンの `dot` とは別の順番で項を足すからです。
# それ以外は何も変わっていません。

# %% [markdown] en
# ## The speed, side by side
#
# Three ways to take one SGD step on the same problem:
#
# * **engine**: build the graph, `backward()`, step (what notebooks 2 to 6 did);
# * **compiled**: the graph built once; `forward()`, `backward()`, step;
# * **numpy by hand**: the same network written as matrix products, with the gradients
#   worked out on paper, as frameworks do it.
#
# Each is timed over a few steps with `time.perf_counter`; the median is printed. Times
# depend on the machine, so take the ratios, not the numbers.

# %% [markdown] ja
# ## 速さを並べて比べる
#
# 同じ問題で SGD の1ステップを進める、3つの方法です。
#
# * **エンジン**: 計算グラフを作り、`backward()` して、更新する（ノートブック2〜6のやり方）。
# * **コンパイル**: 計算グラフは一度だけ作り、`forward()`、`backward()`、更新。
# * **NumPy で手書き**: 同じネットワークを行列の積で書き、勾配は紙の上で求めておく。
#   フレームワークのやり方です。
#
# それぞれ数ステップを `time.perf_counter` で測り、中央値を表示します。時間はマシンによって
# 変わるので、数そのものより比を見てください。

# %%
def median_time(step, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def eager_step():
    loss = demo_loss(model)
    opt.zero_grad()
    loss.backward()
    opt.step()


def compiled_step():
    graph.forward()
    opt.zero_grad()
    graph.backward()
    opt.step()


# en: the same network as numpy arrays: W holds one neuron's weights per row
# ja: 同じネットワークを NumPy の配列にする。W の1行が1つのニューロンの重み
Ws = [np.array([[w.data for w in nrn.w] for nrn in layer.neurons]) for layer in model.layers]
bs = [np.array([nrn.b.data for nrn in layer.neurons]) for layer in model.layers]
t = 2.0 * y - 1.0  # en: labels as -1/+1  ja: ラベルを -1/+1 にする


def numpy_step(lr=0.5):
    h0 = X
    z1 = h0 @ Ws[0].T + bs[0]; h1 = np.maximum(z1, 0.0)
    z2 = h1 @ Ws[1].T + bs[1]; h2 = np.maximum(z2, 0.0)
    z3 = (h2 @ Ws[2].T + bs[2])[:, 0]
    margin = 1.0 - t * z3
    loss = np.mean(np.maximum(margin, 0.0)) + ALPHA * sum((W * W).sum() + (b * b).sum() for W, b in zip(Ws, bs))
    dz3 = (-t * (margin > 0.0) / len(X))[:, None]
    dz2 = (dz3 @ Ws[2]) * (z2 > 0.0)
    dz1 = (dz2 @ Ws[1]) * (z1 > 0.0)
    for W, b, dz, h in zip(Ws, bs, (dz1, dz2, dz3), (h0, h1, h2)):
        W -= lr * (dz.T @ h + 2 * ALPHA * W)
        b -= lr * (dz.sum(axis=0) + 2 * ALPHA * b)
    return loss


# en: first, the hand-written step is the same step: its loss equals the compiled one's
# ja: まず、手書きのステップが同じステップであることを確かめる。損失がコンパイル版と同じになる
assert abs(numpy_step(lr=0.0) - graph.forward()) <= 1e-12

times = {
    T("engine", "エンジン"): median_time(eager_step, 5),
    T("compiled", "コンパイル"): median_time(compiled_step, 50),
    T("numpy by hand", "NumPy で手書き"): median_time(numpy_step, 200),
}
fastest = min(times.values())
for name, seconds in times.items():
    print(T(f"{name:>14}: {seconds * 1e3:8.3f} ms per step ({seconds / fastest:5.0f}× numpy)",
            f"{name}: 1ステップ {seconds * 1e3:.3f} ms（NumPy の {seconds / fastest:.0f} 倍）"))

# %%
fig, ax = plt.subplots(figsize=(6, 2.5))
ax.barh(list(times), [s * 1e3 for s in times.values()], color=["tab:gray", "tab:blue", "tab:green"])
ax.set_xscale("log")
ax.invert_yaxis()
ax.set_xlabel(T("milliseconds per step (log scale)", "1ステップのミリ秒（対数目盛）"))
ax.set_title(T("One SGD step on the moons", "moons での SGD の1ステップ"))
plt.show()

# %% [markdown] en
# ## Training with it
#
# `nn.fit(..., compile=True)` does this for minibatches: it builds the graph of one batch
# once, with leaves for the inputs *and for the targets*, and feeds every minibatch into it.
# The history and the parameters are the engine's, to rounding.

# %% [markdown] ja
# ## これで学習する
#
# `nn.fit(..., compile=True)` は、同じことをミニバッチで行います。1つのバッチの計算グラフを、
# 入力と*正解ラベル*を葉にして一度だけ作り、そこへミニバッチを次々に流し込みます。
# 損失の記録もパラメータも、丸め誤差を除いてエンジンと同じになります。

# %%
results = {}
for compiled in (False, True):
    net = nn.MLP(2, [16, 16, 1], seed=1)
    start = time.perf_counter()
    history = nn.fit(net, X, y, loss=nn.hinge_loss, optimizer=nn.SGD(net.parameters(), lr=0.1),
                     epochs=10, batch_size=20, l2=ALPHA, progress=False, compile=compiled)
    results[compiled] = (history, time.perf_counter() - start, [p.data for p in net.parameters()])

(h_eager, s_eager, p_eager), (h_comp, s_comp, p_comp) = results[False], results[True]
np.testing.assert_allclose(h_comp.loss, h_eager.loss, rtol=1e-9)
np.testing.assert_allclose(p_comp, p_eager, rtol=1e-9, atol=1e-12)
print(T(f"10 epochs: engine {s_eager:.2f} s, compiled {s_comp:.2f} s (the compile included)",
        f"10 エポック: エンジン {s_eager:.2f} 秒、コンパイル {s_comp:.2f} 秒（コンパイルの時間を含む）"))
print(T(f"final loss: {h_eager.loss[-1]:.6f} and {h_comp.loss[-1]:.6f}",
        f"最後の損失: {h_eager.loss[-1]:.6f} と {h_comp.loss[-1]:.6f}"))

# %% [markdown] en
# ## Why frameworks work with tensors
#
# Nothing in the compiled graph was invented: the groups were in the scalar graph all along.
# A layer applied to a batch *is* a matrix product, because every sample meets the same
# weights; an activation applied to a layer *is* one array operation, because its nodes do
# not depend on each other. The tensor is the shape the scalar graph already had.
#
# A framework writes that shape down from the start, so it never builds the thousands of
# nodes at all: `X @ W.T` is one node whose gradient is two more matrix products. What it
# gives up is what our engine is for: every number has a name you can print, draw and step
# through.
#
# A recording has one limit, which tracing compilers such as `torch.jit.trace` share: it
# replays the path the first run took. A Python `if` on `.data`, or a label used to pick an
# output, is frozen in; `graph.verify(build)` compares a replay with a fresh eager graph
# and names the first node that differs. That is why `fit(compile=True)` feeds the targets
# as leaves.

# %% [markdown] ja
# ## フレームワークがテンソルを使う理由
#
# コンパイルしたグラフには、新しく作られたものは何もありません。グループは、はじめから
# スカラーの計算グラフの中にありました。バッチに層をかけることは、そのまま行列の積です。
# どのサンプルも同じ重みに出会うからです。層に活性化関数をかけることは、そのまま1回の配列演算です。
# そのノードどうしは依存しないからです。テンソルとは、スカラーの計算グラフがもともと持っていた形なのです。
#
# フレームワークはその形を最初から書くので、数千個のノードをそもそも作りません。`X @ W.T` は
# 1つのノードで、その勾配はさらに2回の行列の積です。そのかわりに失うのは、このエンジンの
# 目的そのものです。すべての数に名前があり、表示したり、描いたり、一歩ずつ追いかけたりできることです。
#
# 記録には1つ限界があり、`torch.jit.trace` のようなトレース型のコンパイラにも同じ限界があります。
# 最初の実行がたどった道をそのまま再生するのです。`.data` を見る Python の `if` や、出力を
# 選ぶのに使ったラベルは、そのとき値のまま固定されます。`graph.verify(build)` は再生と新しく
# 作ったエンジンの計算グラフを比べて、最初に違うノードを教えてくれます。`fit(compile=True)` が
# 正解ラベルを葉として流し込むのは、このためです。
