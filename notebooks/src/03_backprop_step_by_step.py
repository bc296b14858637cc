# %% [markdown] en
# # 3. Backprop, step by step
#
# Notebook 2 showed that `backward()` gives the same gradient as the chain rule by hand. Here
# we slow it down and watch it work, one node at a time, with every multiplication written
# out. `autograd.explain(root)` replays what `root.backward()` does and records each step;
# its frames draw the graph as it looks right after step *k*, like the pages of a flip-book.
#
# The whole algorithm fits in one sentence:
#
# > Visit the nodes from the output backwards; at each node, multiply the gradient that has
# > arrived there (**upstream**) by the node's own derivative with respect to each input
# > (**local**), and add the product into that input's gradient.
#
# `parent.grad += upstream × local`. That is all backprop is.

# %% [markdown] ja
# # 3. 誤差逆伝播を一歩ずつ
#
# ノートブック2では、`backward()` が手計算の連鎖律と同じ勾配を出すことを確かめました。
# ここではその動きをスローモーションにして、掛け算を1つ残らず書き出しながら、
# 1ノードずつ観察します。`autograd.explain(root)` は `root.backward()` と同じ処理をなぞり、
# 各ステップを記録してくれます。そのフレームを順に表示すると、ステップ *k* の直後のグラフが
# パラパラ漫画のように見られます。
#
# アルゴリズム全体は、一文で言えてしまいます。
#
# > 出力から逆向きにノードを訪ね、各ノードで、そこに届いた勾配（**上流**）に、
# > 各入力についての自分の微分（**局所**）を掛け、その積をその入力の勾配に足し込む。
#
# `parent.grad += upstream × local`。誤差逆伝播はこれで全部です。

# %%
import sys, pathlib
# en: the repository root (the folder that holds autograd/): run from a checkout
# ja: リポジトリのルート（autograd/ のあるフォルダ）。チェックアウトからそのまま動かせる
root = next(p for p in pathlib.Path.cwd().resolve().parents if (p / "autograd").is_dir())
sys.path.insert(0, str(root))
LANG = T("en", "ja")  # en: the language of this notebook  ja: このノートブックの言語

from IPython.display import display
from autograd import Value, draw_dot, explain, topo_sort

# %% [markdown] en
# ## The example: one prediction and its loss
#
# The same graph as in notebook 2: the model `ŷ = x·w + b` on the point `x = 2`, `y = 6`,
# with `w = 0.5`, `b = 0` and the squared error as the loss.

# %% [markdown] ja
# ## 例：1つの予測とその損失
#
# ノートブック2と同じグラフです。モデル `ŷ = x·w + b` に点 `x = 2`、`y = 6` を与え、
# `w = 0.5`、`b = 0` として、2乗誤差を損失にします。

# %%
def make_loss():
    x, y = Value(2.0, label="x"), Value(6.0, label="y")
    w, b = Value(0.5, label="w"), Value(0.0, label="b")
    xw = x * w;       xw.label = "x·w"
    y_hat = xw + b;   y_hat.label = "ŷ"
    err = y_hat - y;  err.label = "e"
    loss = err ** 2;  loss.label = "L"
    return loss, w, b

loss, w, b = make_loss()
draw_dot(loss, lang=LANG)

# %% [markdown] en
# ## Which node first? The order matters
#
# A node may send its gradient back only once that gradient is **complete**, that is, once
# every node that used it has already sent its share. Otherwise it would pass on a partial
# sum. The order that guarantees this is the **topological order** read backwards: sort the
# nodes so that every node comes after the nodes it was computed from, then walk the list
# from the end. The output comes first, the inputs last.

# %% [markdown] ja
# ## どのノードから始める？ 順番が大事
#
# ノードが自分の勾配を後ろへ送ってよいのは、その勾配が**完成**してから、つまり
# そのノードを使ったすべてのノードが、自分の分をすでに送り終えてからです。
# そうでないと、途中までの和を渡してしまいます。これを保証するのが、**トポロジカル順序**を
# 逆から読む方法です。どのノードも「自分の材料になったノード」より後に来るように並べ、
# そのリストを末尾からたどります。出力が最初で、入力が最後になります。

# %%
order = topo_sort(loss)
print(T("forward order (inputs first):",
        "順伝播の順（入力が先）:"), [v.label or v.data for v in order])
print(T("backprop visits:             ",
        "逆伝播が訪ねる順:      "), [v.label for v in reversed(order) if v.parents])

# %% [markdown] en
# Leaves (`x`, `w`, `b`, `y` and the constant 2) are not visited: they were made by no
# operation, so there is nothing behind them to send a gradient to.
#
# ## The table: every multiplication of backprop
#
# `explain(loss)` runs the same walk as `loss.backward()` but writes down each step instead
# of only updating `.grad`. Each line is one product `upstream × local`, sent to one parent;
# the last column is that parent's gradient so far.

# %% [markdown] ja
# 葉（`x`、`w`、`b`、`y` と定数 2）は訪ねられません。どの演算からも作られていないので、
# その先に勾配を送る相手がいないからです。
#
# ## 表：誤差逆伝播のすべての掛け算
#
# `explain(loss)` は `loss.backward()` と同じ道順をたどりますが、`.grad` を更新するだけでなく、
# 各ステップを書き留めます。各行は、1つの親ノードへ送られる1つの積「上流の勾配 × 局所的な微分」
# です。最後の列（親の合計）は、その時点までにその親ノードが受け取った勾配の合計です。

# %%
e = explain(loss, lang=LANG)
print(e)

# %% [markdown] en
# Read it from the top:
#
# * **Step 0**, node `L = e²`. Its upstream is `dL/dL = 1` (the seed). The local derivative
#   of `e²` with respect to `e` is `2e = −10`, so `e` receives 1 × (−10) = −10. (The exponent
#   2 shows up as a constant leaf; its gradient is never used.)
# * **Step 1**, node `e = ŷ − y`. Upstream −10; locals +1 for `ŷ` and −1 for `y`.
# * **Step 2**, node `ŷ = x·w + b`. A sum passes its upstream unchanged to both inputs.
# * **Step 3**, node `x·w`. A product's local derivative with respect to one factor is the
#   other factor: `w` receives −10 × `x` = −20, and `x` receives −10 × `w` = −5.
#
# `dL/dw = −20` and `dL/db = −10`, the numbers of notebook 2.
#
# ## The flip-book: the graph after each step
#
# `e.frame(k)` draws the graph right after step *k*. How to read a frame:
#
# * the highlighted node is the one processed in this step; the title spells out its
#   multiplications;
# * red arrows have already carried gradient, each labelled with the product it carried;
# * `grad ?` means nothing has arrived at that node yet.

# %% [markdown] ja
# 上から読んでいきましょう。
#
# * **ステップ 0**、ノード `L = e²`。上流の勾配は `dL/dL = 1`（出発点）。`e²` を `e` で微分した
#   局所的な微分は `2e = −10` なので、`e` は 1 × (−10) = −10 を受け取ります。
#   （指数の 2 は定数の葉として現れますが、その勾配が使われることはありません。）
# * **ステップ 1**、ノード `e = ŷ − y`。上流は −10、局所的な微分は `ŷ` に +1、`y` に −1。
# * **ステップ 2**、ノード `ŷ = x·w + b`。足し算は、上流の勾配をそのまま両方の入力へ渡します。
# * **ステップ 3**、ノード `x·w`。積を一方の因子で微分すると、もう一方の因子になります。
#   `w` は −10 × `x` = −20、`x` は −10 × `w` = −5 を受け取ります。
#
# `dL/dw = −20`、`dL/db = −10`。ノートブック2と同じ数です。
#
# ## パラパラ漫画：各ステップ直後のグラフ
#
# `e.frame(k)` は、ステップ *k* の直後のグラフを描きます。図の読み方は次のとおりです。
#
# * 色の付いたノードが、このステップで処理されたノードです。タイトルにその掛け算が書かれています。
# * 赤い矢印はすでに勾配を運んだ辺で、運んだ積がラベルになっています。
# * `勾配 ?` は、そのノードにまだ何も届いていないことを表します（`勾配 1 + ?` は途中まで届いたもの）。

# %%
for k in range(len(e)):
    print(T(f"after step {k}: node {e.name(e[k].node)}, upstream {e[k].upstream:g}",
            f"ステップ {k} の後: ノード {e.name(e[k].node)}、上流の勾配 {e[k].upstream:g}"))
    display(e.frame(k))

# %% [markdown] en
# ## The steps are data
#
# Each step is an object you can inspect: the node, its upstream gradient, and one
# contribution per parent. We can check the rule `product = upstream × local` on every line,
# and check that the replay agrees with `backward()`. (`explain` keeps its own tally, so it
# never changes `.grad`.)

# %% [markdown] ja
# ## ステップはデータとして扱える
#
# 各ステップは、中身を調べられるオブジェクトです。ノード、その上流の勾配、そして親ごとの寄与が
# 入っています。すべての行で `product = upstream × local` が成り立つことや、このなぞり直しが
# `backward()` と一致することを確かめられます。（`explain` は自分で別に集計するので、
# `.grad` を書き換えることはありません。）

# %%
step = e[3]
print(T("node:", "ノード:"), e.name(step.node), T("  upstream:", "  上流の勾配:"), step.upstream)
for parent, local, product in step.contributions:
    print(T(f"  to {e.name(parent)}: {step.upstream:g} × {local:g} = {product:g}",
            f"  {e.name(parent)} へ: {step.upstream:g} × {local:g} = {product:g}"))

assert all(c.product == s.upstream * c.local for s in e for c in s.contributions)

print(T("before backward(): w.grad =", "backward() の前: w.grad ="), w.grad)
loss.backward()
print(T("after backward():  w.grad =", "backward() の後: w.grad ="), w.grad, T("  explain says", "  explain の値:"), e.grads[w])

# %% [markdown] en
# ## When paths meet: partial and complete gradients
#
# In the example above every node was used once. Now let `a` be used twice:
# `g = a·b` and `f = g + a`. Then `df/da = b + 1`, the sum of two paths. Backprop reaches
# `a` twice: first from `f` (the direct path, contributing 1), then from `g` (contributing
# `b`). Between the two steps `a`'s gradient is only partial, drawn as `grad 1 + ?`; that
# is exactly why `a` must not be processed until both have run.

# %% [markdown] ja
# ## 道が合流するとき：途中の勾配と、完成した勾配
#
# ここまでの例では、どのノードも1回しか使われていませんでした。今度は `a` を2回使います。
# `g = a·b`、`f = g + a` とすると、`df/da = b + 1` で、2本の道の和です。
# 逆伝播は `a` に2回やってきます。まず `f` から（直接の道で、寄与は 1）、次に `g` から（寄与は `b`）。
# 2つのステップの間、`a` の勾配はまだ途中で、図では `勾配 1 + ?` と描かれます。
# だからこそ、両方が済むまで `a` を処理してはいけないのです。

# %%
a, b2 = Value(2.0, label="a"), Value(-3.0, label="b")
g = a * b2; g.label = "g"
f = g + a;  f.label = "f"
e2 = explain(f, lang=LANG)
print(e2)

# %%
for k in range(len(e2)):
    snap = e2.after(k)
    state = T("complete", "完成") if a in snap.complete else T("partial", "途中")
    print(T(f"after step {k}: a has received {snap.grads.get(a, 0.0):g} ({state})",
            f"ステップ {k} の後: a が受け取った勾配は {snap.grads.get(a, 0.0):g}（{state}）"))
    display(e2.frame(k))

# %% [markdown] en
# ## Why "efficient"?
#
# Backprop is not the only way to get a gradient. The slope-by-nudging of notebook 1 works
# for any function: nudge one input up and down, run the whole computation twice, and
# divide. But it needs **two full forward passes per input**. A network with a million
# weights would need two million forward passes for a single gradient.
#
# Backprop needs **one forward pass and one backward pass**, whatever the number of inputs,
# because each node is visited once and sends its products to all its parents at the same
# time. Let us count node evaluations for a function of 100 inputs.

# %% [markdown] ja
# ## なぜ「効率的」なのか
#
# 勾配を求める方法は誤差逆伝播だけではありません。ノートブック1の「少しずらして傾きを測る」方法は、
# どんな関数にも使えます。入力を1つ上下にずらし、計算全体を2回やり直して割り算すればよいのです。
# ただしそれには、**入力1つにつき順伝播2回**が必要です。重みが100万個あるネットワークなら、
# 勾配1回分に200万回の順伝播がかかります。
#
# 誤差逆伝播に必要なのは、入力がいくつあっても**順伝播1回と逆伝播1回**だけです。
# 各ノードは1回だけ訪ねられ、すべての親への積を同時に送るからです。
# 入力が100個の関数で、ノードの計算回数を数えてみましょう。

# %%
def f100(xs):
    total = xs[0] * xs[1]
    for i in range(1, len(xs) - 1):
        total = total + xs[i] * xs[i + 1]
    return total

inputs = [Value(0.01 * i) for i in range(100)]
out = f100(inputs)
nodes = len([v for v in topo_sort(out) if v.parents])
print(T(f"one forward pass computes {nodes} nodes", f"順伝播1回で計算するノード: {nodes} 個"))
print(T(f"backprop:            {nodes} forward + {nodes} backward steps = {2 * nodes}",
        f"誤差逆伝播:  順伝播 {nodes} + 逆伝播 {nodes} = {2 * nodes}"))
print(T(f"finite differences:  2 × 100 forward passes × {nodes} nodes = {2 * 100 * nodes}",
        f"有限差分:    2 × 100 回の順伝播 × {nodes} ノード = {2 * 100 * nodes}"))

# %% [markdown] en
# A factor of 100 here; for a real network, a factor of millions. Backprop is the same chain
# rule you use by hand, organised so that no product is ever computed twice.
#
# ## Summary
#
# * Backprop visits the nodes in reverse topological order, so that each node's gradient is
#   complete before it is passed on.
# * At each node: `parent.grad += upstream × local`, one product per parent.
# * Where paths meet, the products add up.
# * One backward pass gives the gradient with respect to every input at once, which is why
#   it is the efficient way to get the gradient that gradient descent needs.
#
# Notebook 4 uses this engine to train real networks: one neuron, then a multi-layer
# perceptron that learns to separate two moons and three spirals.

# %% [markdown] ja
# ここでは100倍の差、本物のネットワークなら何百万倍もの差になります。誤差逆伝播は、
# 手で使うのと同じ連鎖律を、同じ積を二度と計算しないように整理したものなのです。
#
# ## まとめ
#
# * 誤差逆伝播はトポロジカル順序の逆順にノードを訪ねます。そうすれば、各ノードの勾配は
#   先へ渡される前に必ず完成しています。
# * 各ノードでは `parent.grad += upstream × local`。親1つにつき積1つです。
# * 道が合流するところでは、積が足し合わされます。
# * 1回の逆伝播で、すべての入力についての勾配が一度に得られます。だからこそ、
#   勾配降下法が必要とする勾配を求める「効率的な方法」なのです。
#
# ノートブック4では、このエンジンで本物のネットワークを学習させます。
# 1つのニューロンから始めて、2つの三日月と3本のらせんを見分ける多層パーセプトロンへ進みます。
