# needs: torch
# (tests/test_notebooks.py reads the line above: without PyTorch this notebook is skipped.)

# %% [markdown] en
# # 8. Graduating to PyTorch
#
# Everything chainrule does, PyTorch does too, with the same names: a model with
# `parameters()`, a loss, `backward()`, an optimizer with `zero_grad()` and `step()`. What
# changes is the unit of work. chainrule's engine handles **one number per node**; PyTorch
# handles a whole **tensor** (a matrix of numbers) per node, on a CPU, a GPU or many of them.
#
# This notebook makes the move concrete:
#
# 1. the same MLP, from the same initial weights, trained with the same loss and the same
#    optimizer in chainrule and in PyTorch, side by side;
# 2. the two loss curves on top of each other: they agree to 1e-10 at every epoch;
# 3. a table that maps each chainrule line to its PyTorch line;
# 4. where to go when one machine is not enough.

# %% [markdown] ja
# # 8. PyTorch へ進む
#
# chainrule でできることは、すべて PyTorch でもできます。しかも名前まで同じです。
# `parameters()` を持つモデル、損失、`backward()`、`zero_grad()` と `step()` を持つ最適化手法。
# 違うのは、1回に扱う単位です。chainrule のエンジンは**1つのノードに1つの数**を持ちますが、
# PyTorch は1つのノードに**テンソル**（数を並べた行列）をまるごと持ち、CPU でも GPU でも、
# 何台もの GPU の上でも計算します。
#
# このノートブックでは、その移行を具体的にやってみます。
#
# 1. 同じ MLP を、同じ初期重みから、同じ損失と同じ最適化手法で、chainrule と PyTorch で並べて学習させる。
# 2. 2本の損失の曲線を重ねて描く。どのエポックでも 1e-10 まで一致する。
# 3. chainrule の1行1行が PyTorch のどの行にあたるかを表にする。
# 4. 1台のマシンで足りなくなったら、どこへ行けばよいか。

# %%
import sys, pathlib
# en: the repository root (the folder that holds autograd/): run from a checkout
# ja: リポジトリのルート（autograd/ のあるフォルダ）。チェックアウトからそのまま動かせる
root = next(p for p in pathlib.Path.cwd().resolve().parents if (p / "autograd").is_dir())
sys.path.insert(0, str(root))
LANG = T("en", "ja")  # en: the language of this notebook  ja: このノートブックの言語

import tempfile

import numpy as np
import matplotlib.pyplot as plt
import torch

import autograd
import nn
from nn.plots import font_settings

# en: our tensors are tiny: one thread is faster than several that wait for each other
# ja: ここで扱うテンソルはとても小さいので、互いを待ち合う複数のスレッドより1スレッドのほうが速い
torch.set_num_threads(1)
plt.rcParams.update({"figure.figsize": (5, 3.5), "figure.dpi": 90, **font_settings(LANG)})
print("PyTorch", torch.__version__)

# %% [markdown] en
# ## The same data, the same model
#
# The data are the moons of notebook 4, 100 points. chainrule takes them as numpy arrays
# and feeds the model one row (a list of floats) at a time; PyTorch takes the whole array
# as one tensor. `torch.tensor` of a float64 numpy array stays float64.
#
# The model is an MLP with two hidden layers of 8 relu neurons and one output, the score of
# class 1. `nn.to_torch(model)` builds the `torch.nn.Sequential` that computes the same
# function with **the same weights**: neuron `j` of a chainrule layer becomes row `j` of a
# `Linear` layer's `weight` matrix, and its bias becomes `bias[j]`.

# %% [markdown] ja
# ## 同じデータ、同じモデル
#
# データはノートブック4の三日月（100点）です。chainrule は numpy の配列として受け取り、
# モデルには1行（浮動小数点数のリスト）ずつ渡します。PyTorch は配列全体を1つのテンソルとして受け取ります。
# float64 の numpy 配列を `torch.tensor` に渡すと、float64 のままです。
#
# モデルは、relu のニューロン8個の隠れ層が2つと、出力（クラス1のスコア）1つの MLP です。
# `nn.to_torch(model)` は、同じ関数を**同じ重み**で計算する `torch.nn.Sequential` を作ります。
# chainrule の層のニューロン `j` の重みは `Linear` 層の `weight` 行列の `j` 行目に、
# バイアスは `bias[j]` になります。

# %%
X, y = nn.make_moons(100, noise=0.1, seed=0)
X_t = torch.tensor(X)                       # en: (100, 2), float64  ja: (100, 2)、float64
y_t = torch.tensor(y, dtype=torch.float64)  # en: labels 0/1 as numbers  ja: 0/1 のラベルを数として

model = nn.MLP(2, [8, 8, 1], seed=0)
torch_model = nn.to_torch(model)
print(torch_model)

neuron = model.layers[0].neurons[3]
print(T("chainrule, layer 0, neuron 3:", "chainrule の層0、ニューロン3:"),
      [round(w.data, 6) for w in neuron.w], round(neuron.b.data, 6))
print(T("PyTorch, Linear 0, row 3:    ", "PyTorch の Linear 0、3行目:   "),
      [round(w, 6) for w in torch_model[0].weight[3].tolist()], round(torch_model[0].bias[3].item(), 6))

with torch.no_grad():
    gap = np.abs(model.predict(X) - torch_model(X_t).numpy()).max()
print(T(f"largest difference between the two models' outputs: {gap:.1e}",
        f"2つのモデルの出力の差の最大値: {gap:.1e}"))
assert gap < 1e-12

# %% [markdown] en
# The parameters of both models are float64, the precision chainrule always computes in.
# PyTorch's own default is float32 (about 7 significant digits), which is enough to train
# networks and faster, but with it the two curves below would differ by as much as 1e-7
# instead of less than 1e-10.
#
# ## Training side by side
#
# Both loops do the same five things per epoch, with all 100 points in every step
# (full-batch gradient descent): the forward pass, the loss (binary cross-entropy on the
# score, averaged over the points), `zero_grad()`, `backward()` and Adam's `step()`.
#
# First chainrule. The forward pass is a Python loop over the rows; for every row, each
# neuron's weighted sum and activation and each loss term become nodes of the
# computational graph.

# %% [markdown] ja
# 2つのモデルのパラメータはどちらも float64 です。chainrule はいつもこの精度で計算します。
# PyTorch の既定は float32（有効数字およそ7桁）で、ネットワークの学習にはそれで十分なうえに
# 速いのですが、float32 だと下の2本の曲線の差は 1e-10 未満に収まらず、1e-7 程度になります。
#
# ## 並べて学習させる
#
# どちらのループも、1エポックごとに同じ5つのことをします。毎ステップ100点すべてを使う
# （全データを使う勾配降下法）ので、1エポックが1ステップです。順伝播、損失
# （スコアに対する2値の交差エントロピーを全点で平均したもの）、`zero_grad()`、`backward()`、
# そして Adam の `step()` です。
#
# まずは chainrule から。順伝播は行についての Python のループです。行ごとに、各ニューロンの
# 重み付きの和と活性化関数、そして損失の各項が、計算グラフのノードになります。

# %%
EPOCHS, LR = 100, 0.05
rows, labels = X.tolist(), y.tolist()

optimizer = nn.Adam(model.parameters(), lr=LR)
chainrule_losses = []
for epoch in range(EPOCHS):
    outputs = [model(row) for row in rows]                                # en: forward  ja: 順伝播
    loss = nn.batch_loss(nn.binary_cross_entropy, outputs, labels)        # en: loss  ja: 損失
    optimizer.zero_grad()
    loss.backward()                                                       # en: backward  ja: 逆伝播
    optimizer.step()
    chainrule_losses.append(loss.data)

print(T(f"chainrule: loss {chainrule_losses[0]:.4f} -> {chainrule_losses[-1]:.6f}",
        f"chainrule: 損失 {chainrule_losses[0]:.4f} -> {chainrule_losses[-1]:.6f}"))

# %% [markdown] en
# Then PyTorch. The same loop, line for line. The forward pass is one call on the whole
# batch: each `Linear` layer is one matrix product. `BCEWithLogitsLoss` is the same binary
# cross-entropy computed from the score (the "logit"), averaged over the batch, and
# `torch.optim.Adam` uses the same update formula as `nn.Adam`.

# %% [markdown] ja
# 次に PyTorch です。ループは1行ずつ同じです。順伝播はバッチ全体に対する1回の呼び出しで、
# `Linear` 層の1つ1つが1回の行列積になります。`BCEWithLogitsLoss` は、スコア（「ロジット」）から
# 計算する同じ2値の交差エントロピーをバッチで平均したもの、`torch.optim.Adam` は `nn.Adam` と
# 同じ更新式です。

# %%
torch_optimizer = torch.optim.Adam(torch_model.parameters(), lr=LR)
loss_fn = torch.nn.BCEWithLogitsLoss()
torch_losses = []
for epoch in range(EPOCHS):
    outputs = torch_model(X_t).squeeze(1)                                 # en: forward  ja: 順伝播
    loss_t = loss_fn(outputs, y_t)                                        # en: loss  ja: 損失
    torch_optimizer.zero_grad()
    loss_t.backward()                                                     # en: backward  ja: 逆伝播
    torch_optimizer.step()
    torch_losses.append(loss_t.item())

print(T(f"PyTorch:   loss {torch_losses[0]:.4f} -> {torch_losses[-1]:.6f}",
        f"PyTorch:   損失 {torch_losses[0]:.4f} -> {torch_losses[-1]:.6f}"))

# %% [markdown] en
# ## Two curves, one line
#
# The two curves are drawn on top of each other: chainrule as a wide pale band, PyTorch as
# a thin dashed line inside it. On the right, the size of their difference at every epoch.

# %% [markdown] ja
# ## 2本の曲線が1本に重なる
#
# 2本の曲線を重ねて描きます。chainrule は太くて淡い帯、PyTorch はその中の細い破線です。
# 右は、エポックごとの2つの損失の差の大きさです。

# %%
diff = np.abs(np.array(chainrule_losses) - np.array(torch_losses))
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.3))
ax1.semilogy(chainrule_losses, lw=6, alpha=0.35, color="C0", label="chainrule")
ax1.semilogy(torch_losses, "--", lw=1.2, color="C3", label="PyTorch")
ax1.set_xlabel(T("epoch", "エポック")); ax1.set_ylabel(T("loss", "損失"))
ax1.set_title(T("the same training in two libraries", "2つのライブラリで同じ学習"))
ax1.legend()
epochs = np.arange(EPOCHS)
ax2.semilogy(epochs[diff > 0], diff[diff > 0], ".", ms=4, color="C2", label=T("|difference|", "|差|"))
# en: an exact 0 has no place on a log scale: those epochs get a mark on the bottom edge
# ja: ちょうど0は対数目盛りに描けないので、そのエポックには下の縁に印をつける
floor = 1e-21
ax2.plot(epochs[diff == 0], np.full((diff == 0).sum(), floor), "x", ms=4, color="C1",
         label=T("exactly 0", "ちょうど0"))
ax2.axhline(1e-10, color="gray", ls=":", label=T("tolerance 1e-10", "許容誤差 1e-10"))
ax2.set_ylim(floor / 3, 1e-8)
ax2.set_xlabel(T("epoch", "エポック")); ax2.set_ylabel("|chainrule − PyTorch|")
ax2.set_title(T("their difference", "2つの損失の差")); ax2.legend(loc="upper left", fontsize=8)
fig.tight_layout()
plt.show()

print(T(f"largest difference over {EPOCHS} epochs: {diff.max():.1e}; epochs with no difference at all: {(diff == 0).sum()}",
        f"{EPOCHS} エポックでの差の最大値: {diff.max():.1e}、差がちょうど0のエポック: {(diff == 0).sum()}"))
assert diff.max() < 1e-10

# %% [markdown] en
# The differences are at the level of float64's rounding, about 1e-16: the two libraries add
# the same numbers in a different order, and that is all. The trained weights agree too.
# `nn.from_torch` takes the PyTorch model back into a chainrule `MLP`, so we can compare
# every parameter:

# %% [markdown] ja
# 差は float64 の丸め誤差の大きさ、およそ 1e-16 です。2つのライブラリは同じ数を違う順番で足している、
# ただそれだけの違いです。学習後の重みも一致します。`nn.from_torch` で PyTorch のモデルを
# chainrule の `MLP` に戻せば、パラメータを1つずつ比べられます。

# %%
back = nn.from_torch(torch_model)
weight_gap = max(abs(p.data - q.data) for p, q in zip(model.parameters(), back.parameters()))
accuracy = np.mean((model.predict(X)[:, 0] > 0) == y)
print(T(f"{model.num_parameters()} parameters, largest difference after training: {weight_gap:.1e}",
        f"パラメータ {model.num_parameters()} 個、学習後の差の最大値: {weight_gap:.1e}"))
print(T(f"training accuracy: {accuracy:.0%}", f"訓練データの正解率: {accuracy:.0%}"))
assert weight_gap < 1e-10

# %% [markdown] en
# ## Scalars and tensors
#
# The results are the same; the work behind them is not. Count the nodes of the graph that
# `backward()` walks in the last step. chainrule's graph has nodes for every neuron of
# every data point (its weighted sum, one `dot` node, and its relu) and for every term of
# the loss. PyTorch's has a node per *tensor*
# operation (a matrix product, a relu over a whole matrix), plus one per parameter tensor
# where the gradient is collected.

# %% [markdown] ja
# 結果は同じでも、その裏でしている仕事は違います。最後のステップで `backward()` がたどる
# 計算グラフのノードを数えてみましょう。chainrule のグラフには、すべてのデータ点の、すべてのニューロン
# （重み付きの和を計算する `dot` ノード1つと relu）と、損失のすべての項にノードがあります。PyTorch のグラフには、*テンソル*の演算（行列積、
# 行列全体への relu）1つごとのノードと、勾配を集めるパラメータのテンソル1つごとのノードしかありません。

# %%
def torch_graph_size(loss):
    """The nodes of PyTorch's backward graph, found by following next_functions."""
    seen, todo = set(), [loss.grad_fn]
    while todo:
        node = todo.pop()
        if node is not None and node not in seen:
            seen.add(node)
            todo.extend(parent for parent, _ in node.next_functions)
    return len(seen)

print(T(f"chainrule: {len(autograd.topo_sort(loss)):>7,} nodes, each holding one number",
        f"chainrule: ノード {len(autograd.topo_sort(loss)):>7,} 個、どれも数を1つ持つ"))
print(T(f"PyTorch:   {torch_graph_size(loss_t):>7,} nodes, each holding a tensor",
        f"PyTorch:   ノード {torch_graph_size(loss_t):>7,} 個、どれもテンソルを持つ"))

# %% [markdown] en
# A graph of thousands of Python objects per step is why chainrule is slow, and it
# is also why it is easy to read: every node is a number you can print and a derivative you
# can check by hand. PyTorch's few nodes each run a compiled loop over a whole matrix (on a
# GPU, thousands of numbers at once). The chain rule that connects them is the same.
#
# ## From one line to the other
#
# Each line of the chainrule loop has its PyTorch twin. The left column is what you wrote in
# notebooks 4 to 6; the right column is what you will write from now on.
#
# | step | chainrule | PyTorch |
# |---|---|---|
# | data | `X, y = nn.make_moons(100, noise=0.1, seed=0)` (numpy), rows as `X.tolist()` | `X_t = torch.tensor(X)`, `y_t = torch.tensor(y, dtype=torch.float64)` |
# | minibatches | `for Xb, yb in nn.minibatches(X, y, 32, seed=epoch):` | `for Xb, yb in DataLoader(TensorDataset(X_t, y_t), batch_size=32, shuffle=True):` |
# | model | `model = nn.MLP(2, [8, 8, 1], seed=0)` | `torch.nn.Sequential(Linear(2, 8), ReLU(), Linear(8, 8), ReLU(), Linear(8, 1))`, or `nn.to_torch(model)` |
# | parameters | `model.parameters()`: a list of `Value`s | `model.parameters()`: an iterator of tensors |
# | forward | `outputs = [model(row) for row in rows]` | `outputs = model(X_t).squeeze(1)`: the whole batch at once |
# | loss | `loss = nn.batch_loss(nn.binary_cross_entropy, outputs, labels)` | `loss = torch.nn.BCEWithLogitsLoss()(outputs, y_t)` |
# | optimizer | `optimizer = nn.Adam(model.parameters(), lr=0.05)` | `optimizer = torch.optim.Adam(model.parameters(), lr=0.05)` |
# | zero_grad | `optimizer.zero_grad()` | `optimizer.zero_grad()` |
# | backward | `loss.backward()` | `loss.backward()` |
# | step | `optimizer.step()` | `optimizer.step()` |
# | a number out | `loss.data`, `p.grad` (floats) | `loss.item()`; `p.grad` is a tensor |
# | no_grad | `with autograd.no_grad():` | `with torch.no_grad():` |
# | predict | `model.predict(X)` (numpy, no graph) | `with torch.no_grad(): model(X_t)` |
# | save | `nn.save(model, "moons.json")` | `torch.save(model.state_dict(), "moons.pt")` |
# | load | `model = nn.load("moons.json")` | `model.load_state_dict(torch.load("moons.pt"))` |
# | convert | `nn.from_torch(torch_model)` gives a chainrule `MLP` | `nn.to_torch(model)` gives a `Sequential` |
#
# Two differences hide in the similar lines. `zero_grad()` in PyTorch sets the gradients to
# `None` rather than 0 (both mean "nothing accumulated yet"). And `torch.save` writes with
# Python's pickle, so `torch.load` is only safe on files you trust; recent versions load only
# tensors by default (`weights_only=True`). chainrule writes plain JSON.
#
# The last rows, run: evaluation without a graph, then a save and a load in each library.

# %% [markdown] ja
# 1ステップごとに何千個もの Python のオブジェクトでできたグラフを作ること。これが chainrule が遅い理由で、
# 同時に読みやすい理由でもあります。どのノードも、print できる1つの数であり、手で確かめられる1つの微分です。
# PyTorch の少数のノードは、それぞれが行列全体についてコンパイル済みのループを回します
# （GPU なら何千もの数を同時に計算します）。それらをつなぐ連鎖律は同じです。
#
# ## 1行ずつの対応
#
# chainrule のループの各行には、PyTorch の対になる行があります。左の列はノートブック4〜6で書いてきたもの、
# 右の列はこれから書くものです。
#
# | やること | chainrule | PyTorch |
# |---|---|---|
# | データ | `X, y = nn.make_moons(100, noise=0.1, seed=0)`（numpy）、行は `X.tolist()` | `X_t = torch.tensor(X)`、`y_t = torch.tensor(y, dtype=torch.float64)` |
# | ミニバッチ | `for Xb, yb in nn.minibatches(X, y, 32, seed=epoch):` | `for Xb, yb in DataLoader(TensorDataset(X_t, y_t), batch_size=32, shuffle=True):` |
# | モデル | `model = nn.MLP(2, [8, 8, 1], seed=0)` | `torch.nn.Sequential(Linear(2, 8), ReLU(), Linear(8, 8), ReLU(), Linear(8, 1))`、または `nn.to_torch(model)` |
# | パラメータ | `model.parameters()`：`Value` のリスト | `model.parameters()`：テンソルのイテレータ |
# | 順伝播 | `outputs = [model(row) for row in rows]` | `outputs = model(X_t).squeeze(1)`：バッチ全体を一度に |
# | 損失 | `loss = nn.batch_loss(nn.binary_cross_entropy, outputs, labels)` | `loss = torch.nn.BCEWithLogitsLoss()(outputs, y_t)` |
# | 最適化手法 | `optimizer = nn.Adam(model.parameters(), lr=0.05)` | `optimizer = torch.optim.Adam(model.parameters(), lr=0.05)` |
# | 勾配のリセット | `optimizer.zero_grad()` | `optimizer.zero_grad()` |
# | 逆伝播 | `loss.backward()` | `loss.backward()` |
# | 更新 | `optimizer.step()` | `optimizer.step()` |
# | 数を取り出す | `loss.data`、`p.grad`（float） | `loss.item()`。`p.grad` はテンソル |
# | 勾配を記録しない | `with autograd.no_grad():` | `with torch.no_grad():` |
# | 予測 | `model.predict(X)`（numpy、グラフなし） | `with torch.no_grad(): model(X_t)` |
# | 保存 | `nn.save(model, "moons.json")` | `torch.save(model.state_dict(), "moons.pt")` |
# | 読み込み | `model = nn.load("moons.json")` | `model.load_state_dict(torch.load("moons.pt"))` |
# | 変換 | `nn.from_torch(torch_model)` で chainrule の `MLP` に | `nn.to_torch(model)` で `Sequential` に |
#
# 似た行に、違いが2つ隠れています。PyTorch の `zero_grad()` は勾配を 0 ではなく `None` にします
# （どちらも「まだ何も足されていない」という意味です）。また `torch.save` は Python の pickle で書くので、
# `torch.load` は信頼できるファイルにだけ使ってください。最近の版は既定でテンソルだけを読み込みます
# （`weights_only=True`）。chainrule はただの JSON で書きます。
#
# 表の最後のほうの行を実際に動かしてみます。グラフを作らない評価と、それぞれのライブラリでの保存と読み込みです。

# %%
with autograd.no_grad():
    score = model(rows[0])
with torch.no_grad():
    score_t = torch_model(X_t[:1])
print(T(f"no_grad: chainrule {score.data:+.6f} (a graph? {bool(score.parents)}),  PyTorch {score_t.item():+.6f} (a graph? {score_t.grad_fn is not None})",
        f"no_grad: chainrule {score.data:+.6f}（グラフあり? {bool(score.parents)}）、PyTorch {score_t.item():+.6f}（グラフあり? {score_t.grad_fn is not None}）"))

with tempfile.TemporaryDirectory() as folder:
    folder = pathlib.Path(folder)
    nn.save(model, folder / "moons.json")
    loaded = nn.load(folder / "moons.json")
    torch.save(torch_model.state_dict(), folder / "moons.pt")
    loaded_t = nn.to_torch(nn.MLP(2, [8, 8, 1], seed=1))  # en: other weights, then overwritten  ja: 別の重みを、読み込みで上書きする
    loaded_t.load_state_dict(torch.load(folder / "moons.pt", weights_only=True))

with torch.no_grad():
    gap = np.abs(loaded.predict(X) - loaded_t(X_t).numpy()).max()
print(T(f"after a save and a load, the two models still agree to {gap:.1e}",
        f"保存して読み込んだあとも、2つのモデルの差は {gap:.1e}"))
assert gap < 1e-10

# %% [markdown] en
# ## When one machine is not enough
#
# chainrule stops here: it trains on one CPU core, in one Python process, and it does not try
# to be distributed. Its job is to show how learning works, one number at a time. When a
# model or a data set outgrows one machine, PyTorch is where to go, and its standard tool for
# that is **DistributedDataParallel** (DDP). The idea fits in four lines:
#
# 1. **Replicas.** Start one process per GPU (on one machine or many). Each holds a full copy
#    of the model, with the same initial weights.
# 2. **Shards.** Each process gets a different part of every batch: with 4 processes and a
#    batch of 256, each computes the forward pass, the loss and `backward()` on its own 64 rows.
# 3. **All-reduce.** During `backward()`, DDP averages every gradient over all processes
#    (an *all-reduce*: every process sends its gradients and receives the average), while
#    the rest of the backward pass is still running.
# 4. **The same step.** Every process now holds the same averaged gradient, so the optimizer
#    takes the same step everywhere, and the replicas stay identical without ever sending
#    their weights.
#
# Why is the averaged gradient the right one? Because the loss is a mean over the rows, its
# gradient is the mean of the shards' gradients when the shards are equal in size. We can
# check that with chainrule on two "replicas", each with half of the moons:

# %% [markdown] ja
# ## 1台のマシンで足りなくなったら
#
# chainrule はここまでです。1つの CPU コアの上の1つの Python プロセスで学習し、分散させることは
# 目指していません。chainrule の役目は、学習のしくみを1つずつの数で見せることです。モデルやデータが
# 1台のマシンに収まらなくなったら PyTorch に進みましょう。そのための標準の道具が
# **DistributedDataParallel**（DDP）です。考え方は4行に収まります。
#
# 1. **レプリカ（複製）。** GPU 1つにつき1つのプロセスを起動します（1台のマシンでも、何台でも）。
#    どのプロセスもモデルの完全なコピーを、同じ初期重みで持ちます。
# 2. **分担。** 各プロセスはバッチの別々の部分を受け持ちます。プロセスが4つでバッチが256行なら、
#    それぞれが自分の64行について順伝播、損失、`backward()` を計算します。
# 3. **all-reduce。** `backward()` の途中で、DDP はすべての勾配を全プロセスで平均します
#    （*all-reduce*：各プロセスが自分の勾配を送り、平均を受け取る）。逆伝播の残りの計算と同時に進みます。
# 4. **同じ更新。** どのプロセスも同じ平均の勾配を持つので、最適化手法はどこでも同じ一歩を進みます。
#    重みを送り合わなくても、レプリカはずっと同じままです。
#
# 平均した勾配が正しい勾配なのはなぜでしょうか。損失は行についての平均なので、分担する行数が
# 等しければ、その勾配は各分担の勾配の平均になるからです。chainrule で確かめてみましょう。
# 三日月のデータを半分ずつ持つ2つの「レプリカ」を使います。

# %%
def gradients(replica, X_part, y_part):
    """The gradient of the mean loss over (X_part, y_part), one number per parameter."""
    replica.zero_grad()
    outputs = [replica(row) for row in X_part.tolist()]
    nn.batch_loss(nn.binary_cross_entropy, outputs, y_part.tolist()).backward()
    return np.array([p.grad for p in replica.parameters()])

world_size = 2
replicas = [nn.MLP(2, [8, 8, 1]) for _ in range(world_size)]
for replica in replicas:
    replica.load_state_dict(model.state_dict())  # en: the same weights everywhere  ja: どのレプリカも同じ重み
# en: replica r takes rows r, r + 2, r + 4, ... (as PyTorch's DistributedSampler does)
# ja: レプリカ r は r, r + 2, r + 4, ... 行目を受け持つ（PyTorch の DistributedSampler と同じ）
shards = [gradients(replicas[r], X[r::world_size], y[r::world_size]) for r in range(world_size)]
all_reduced = sum(shards) / world_size
full_batch = gradients(model, X, y)
gap = np.abs(all_reduced - full_batch).max()
print(T(f"all-reduced gradient vs full-batch gradient: largest difference {gap:.1e}",
        f"all-reduce した勾配と全データの勾配: 差の最大値 {gap:.1e}"))
assert gap < 1e-12

# %% [markdown] en
# A sketch of the same training with DDP. It is not run here: it needs several processes,
# started by PyTorch's launcher `torchrun`, which tells each one its rank (its number) and
# the world size.
#
# ```python
# # train_ddp.py; run with:  torchrun --nproc_per_node=4 train_ddp.py
# import torch
# import torch.distributed as dist
# from torch.nn.parallel import DistributedDataParallel as DDP
# from torch.utils.data import DataLoader, TensorDataset
# from torch.utils.data.distributed import DistributedSampler
#
# dist.init_process_group("gloo")           # "nccl" on GPUs; torchrun gives rank and size
# dataset = TensorDataset(X_t, y_t)
# sampler = DistributedSampler(dataset)     # this process's share of the rows
# loader = DataLoader(dataset, batch_size=64, sampler=sampler)
# model = DDP(make_model())                 # copies rank 0's weights to every replica
# optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
# loss_fn = torch.nn.BCEWithLogitsLoss()
#
# for epoch in range(epochs):
#     sampler.set_epoch(epoch)              # a new shuffle each epoch, the same in every process
#     for Xb, yb in loader:
#         loss = loss_fn(model(Xb).squeeze(1), yb)
#         optimizer.zero_grad()
#         loss.backward()                   # the gradients are all-reduced (averaged) here
#         optimizer.step()                  # the same step in every process
#
# if dist.get_rank() == 0:                  # the replicas are equal: one of them saves
#     torch.save(model.module.state_dict(), "model.pt")
# dist.destroy_process_group()
# ```
#
# Apart from the setup, the loop is the one you wrote above: DDP hides the all-reduce inside
# `backward()`. When the model itself is too big for one GPU, PyTorch's
# FullyShardedDataParallel (FSDP) goes one step further and splits the weights, gradients and
# optimizer state across the processes too.
#
# ## Summary
#
# * `nn.to_torch(model)` gives a PyTorch model with the same weights; `nn.from_torch` goes back.
# * The same model, loss and optimizer give the same loss curve in both libraries, to float64
#   rounding: chainrule computes what PyTorch computes.
# * The loop is the same five lines. What changes is the unit: chainrule's graph holds one
#   number per node, PyTorch's a tensor per node, and that is what makes PyTorch fast.
# * For more than one machine, PyTorch's DistributedDataParallel runs replicas that average
#   their gradients with an all-reduce. chainrule stays on one machine, on purpose.

# %% [markdown] ja
# 同じ学習を DDP で書いたスケッチです。ここでは実行しません。複数のプロセスが必要で、それらは
# PyTorch の起動ツール `torchrun` が立ち上げ、各プロセスに自分のランク（番号）と全体のプロセス数を伝えます。
#
# ```python
# # train_ddp.py。実行は  torchrun --nproc_per_node=4 train_ddp.py
# import torch
# import torch.distributed as dist
# from torch.nn.parallel import DistributedDataParallel as DDP
# from torch.utils.data import DataLoader, TensorDataset
# from torch.utils.data.distributed import DistributedSampler
#
# dist.init_process_group("gloo")           # GPU なら "nccl"。ランクとプロセス数は torchrun が渡す
# dataset = TensorDataset(X_t, y_t)
# sampler = DistributedSampler(dataset)     # このプロセスが受け持つ行
# loader = DataLoader(dataset, batch_size=64, sampler=sampler)
# model = DDP(make_model())                 # ランク0の重みを全レプリカにコピーする
# optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
# loss_fn = torch.nn.BCEWithLogitsLoss()
#
# for epoch in range(epochs):
#     sampler.set_epoch(epoch)              # エポックごとに並べ替える。並びはどのプロセスでも同じ
#     for Xb, yb in loader:
#         loss = loss_fn(model(Xb).squeeze(1), yb)
#         optimizer.zero_grad()
#         loss.backward()                   # ここで勾配が all-reduce（平均）される
#         optimizer.step()                  # どのプロセスでも同じ更新
#
# if dist.get_rank() == 0:                  # レプリカはみな同じなので、1つだけが保存する
#     torch.save(model.module.state_dict(), "model.pt")
# dist.destroy_process_group()
# ```
#
# 準備の部分を除けば、ループは上で書いたものと同じです。DDP は all-reduce を `backward()` の中に
# 隠しています。モデルそのものが1つの GPU に収まらないときは、PyTorch の FullyShardedDataParallel（FSDP）が
# さらに一歩進んで、重み、勾配、最適化手法の状態もプロセスに分けて持ちます。
#
# ## まとめ
#
# * `nn.to_torch(model)` は同じ重みを持つ PyTorch のモデルを作り、`nn.from_torch` で戻せます。
# * 同じモデル、同じ損失、同じ最適化手法なら、2つのライブラリの損失の曲線は float64 の丸め誤差の範囲で一致します。
#   chainrule は PyTorch と同じものを計算しています。
# * ループは同じ5行です。変わるのは単位で、chainrule のグラフは1つのノードに1つの数、PyTorch は
#   1つのノードに1つのテンソルを持ちます。それが PyTorch の速さの理由です。
# * 2台以上のマシンを使うなら、PyTorch の DistributedDataParallel が、勾配を all-reduce で平均し合う
#   レプリカを動かします。chainrule は、あえて1台のマシンにとどまります。
