# %% [markdown] en
# # 2. The Value engine: numbers that remember where they came from
#
# In notebook 1 we found the gradient with a pen: we differentiated the loss and typed the
# two formulas into the training loop. That does not scale. Change the model and you must
# differentiate again; stack layers and the formulas explode.
#
# **Idea 5** says the gradient can be found mechanically: record the computation as a
# **graph**, then apply the chain rule backwards over it. That is backpropagation, and this
# notebook builds it up with `autograd.Value`, a number that remembers how it was made.
#
# By the end, `backward()` will reproduce, to the last digit, the gradient we worked out by
# hand in notebook 1.

# %% [markdown] ja
# # 2. Value エンジン：自分の生い立ちを覚えている数
#
# ノートブック1では、勾配をペンで求めました。損失を微分して、出てきた2つの式を学習ループに
# 書き込んだのです。でもこのやり方は長続きしません。モデルを変えるたびに微分し直しが必要で、
# 層を重ねれば式はあっという間に手に負えなくなります。
#
# **考え方5**によれば、勾配は機械的に求められます。計算の過程を**グラフ**として記録し、
# そのグラフを逆向きにたどりながら連鎖律を当てはめればよいのです。これが誤差逆伝播
# （バックプロパゲーション）で、このノートブックでは `autograd.Value`、
# つまり「自分がどうやって作られたかを覚えている数」を使って組み立てていきます。
#
# 最後には、ノートブック1で手計算した勾配を `backward()` が最後の桁まで再現するのを確かめます。

# %%
import sys, pathlib
# en: the repository root (the folder that holds autograd/): run from a checkout
# ja: リポジトリのルート（autograd/ のあるフォルダ）。チェックアウトからそのまま動かせる
root = next(p for p in pathlib.Path.cwd().resolve().parents if (p / "autograd").is_dir())
sys.path.insert(0, str(root))
LANG = T("en", "ja")  # en: the language of this notebook  ja: このノートブックの言語

from autograd import Value, draw_dot, vsum

# %% [markdown] en
# ## A Value is a number with a memory
#
# Wrap a number in `Value` and compute with it as usual. Each result is a new `Value` that
# also records **which operation** made it (`op`) and **from which inputs** (`parents`).
# Those records, linked together, are the computational graph.

# %% [markdown] ja
# ## Value は「記憶つきの数」
#
# 数を `Value` で包んで、ふつうに計算してみます。計算結果はどれも新しい `Value` で、
# **どの演算で**作られたか（`op`）と、**どの入力から**作られたか（`parents`）を記録しています。
# この記録をつなげたものが計算グラフです。

# %%
a = Value(2.0, label="a")
b = Value(-3.0, label="b")
c = a * b
print(c)
print("op:", repr(c.op), "  parents:", [p.label for p in c.parents])
print(T("a is a leaf (made by no operation): op =",
        "a は葉（どの演算からも作られていない）: op ="), repr(a.op), " parents =", a.parents)

# %% [markdown] en
# ## The graph of one prediction and its loss
#
# Take the model of notebook 1, `ŷ = x·w + b`, and a single data point of `y = 3x`:
# `x = 2`, so the right answer is `y = 6`. The weight starts at `w = 0.5`, the bias at
# `b = 0`. We compute the prediction and the squared error, labelling every step so that
# the picture can name it.

# %% [markdown] ja
# ## 1つの予測と、その損失のグラフ
#
# ノートブック1のモデル `ŷ = x·w + b` に、`y = 3x` のデータ点を1つだけ与えます。
# `x = 2` なので正解は `y = 6` です。重みは `w = 0.5`、バイアスは `b = 0` から始めます。
# 予測と2乗誤差を計算し、図に名前が出るよう、途中の値すべてにラベルを付けておきます。

# %%
x = Value(2.0, label="x")
y = Value(6.0, label="y")
w = Value(0.5, label="w")
b = Value(0.0, label="b")

xw = x * w;        xw.label = "x·w"
y_hat = xw + b;    y_hat.label = "ŷ"
err = y_hat - y;   err.label = "ŷ - y"
loss = err ** 2;   loss.label = "L"

print(T(f"prediction ŷ = {y_hat.data}, error = {err.data}, loss L = {loss.data}",
        f"予測 ŷ = {y_hat.data}, 誤差 = {err.data}, 損失 L = {loss.data}"))
draw_dot(loss, lang=LANG)

# %% [markdown] en
# Read the picture left to right: it is the forward pass. Each box holds a value (and, so
# far, a gradient of 0); each small node between boxes is the operation that combined them.
# Nothing in this graph knows calculus as a whole. Every operation knows only its *own*
# derivative: `*` knows that the derivative of `x·w` with respect to `w` is `x`, `**2`
# knows that the derivative of `e²` is `2e`, and so on.
#
# ## The chain rule by hand
#
# We want `dL/dw`: how fast the loss changes when we nudge `w`. There is no direct formula
# in the graph, but there is a path from `w` to `L`, and along it every step has a known rate:
#
# | step | local derivative | value here |
# |---|---|---|
# | `L = e²` | `dL/de = 2e` | 2 · (−5) = −10 |
# | `e = ŷ − y` | `de/dŷ = 1` | 1 |
# | `ŷ = xw + b` | `dŷ/d(xw) = 1` | 1 |
# | `xw = x · w` | `d(xw)/dw = x` | 2 |
#
# The **chain rule** says rates along a path multiply, like gears: if `xw` moves 2 units per
# unit of `w`, and `L` moves −10 units per unit of `xw`, then `L` moves −20 units per unit
# of `w`. So `dL/dw = −10 · 1 · 1 · 2 = −20`, and for the bias, whose path skips the `*`,
# `dL/db = −10 · 1 · 1 = −10`.

# %% [markdown] ja
# 図を左から右へ読むと、それが順伝播（forward）です。四角はそれぞれ値と勾配（今はまだ0）を持ち、
# 四角と四角の間の楕円が、それらを組み合わせた演算です。
# このグラフの中には、全体の微分を知っている者は誰もいません。各演算が知っているのは**自分自身の**
# 微分だけです。`*` は「`x·w` を `w` で微分すると `x`」だと知っていて、`**2` は「`e²` の微分は `2e`」
# だと知っている、という具合です。
#
# ## 連鎖律を手で計算する
#
# 知りたいのは `dL/dw`、つまり `w` を少し動かしたときに損失がどれだけの速さで変わるかです。
# グラフの中にそれを直接与える式はありませんが、`w` から `L` への道はあり、
# その道の一歩一歩の変化率はわかっています。
#
# | 段 | 局所的な微分 | ここでの値 |
# |---|---|---|
# | `L = e²` | `dL/de = 2e` | 2 · (−5) = −10 |
# | `e = ŷ − y` | `de/dŷ = 1` | 1 |
# | `ŷ = xw + b` | `dŷ/d(xw) = 1` | 1 |
# | `xw = x · w` | `d(xw)/dw = x` | 2 |
#
# **連鎖律**とは、道に沿った変化率は掛け算になる、ということです。歯車をイメージしてください。
# `w` が1動くと `xw` は2動き、`xw` が1動くと `L` は −10 動くなら、`w` が1動くと `L` は −20 動きます。
# つまり `dL/dw = −10 · 1 · 1 · 2 = −20`。バイアスは `*` を通らないので、`dL/db = −10 · 1 · 1 = −10` です。

# %%
e = err.data
dL_dw_by_hand = (2 * e) * 1 * 1 * x.data
dL_db_by_hand = (2 * e) * 1 * 1
print(T("by hand:   dL/dw =", "手計算:     dL/dw ="), dL_dw_by_hand, "  dL/db =", dL_db_by_hand)

# %% [markdown] en
# ## The same thing, by `backward()`
#
# `loss.backward()` does exactly that multiplication, for every node at once. It starts at
# `L` with `dL/dL = 1` and walks the graph backwards. At each node it takes the gradient that
# has arrived there (the *upstream* gradient), multiplies it by the node's local derivatives,
# and passes the products to the node's parents. When it is done, every node's `.grad` holds
# `dL/d(node)`.

# %% [markdown] ja
# ## 同じことを `backward()` で
#
# `loss.backward()` は、この掛け算をすべてのノードについて一度に行います。
# まず `L` に `dL/dL = 1` を置き、グラフを逆向きにたどります。各ノードでは、そこに届いた勾配
# （**上流の勾配**）にそのノードの局所的な微分を掛け、その積を親ノードへ渡します。
# 終わったときには、どのノードの `.grad` にも `dL/d(そのノード)` が入っています。

# %%
loss.backward()
print(T("backward:  dL/dw =", "backward:   dL/dw ="), w.grad, "  dL/db =", b.grad)
assert w.grad == dL_dw_by_hand and b.grad == dL_db_by_hand

# %% [markdown] en
# Identical. Now the picture shows a gradient in every box: read it right to left, it is the
# backward pass. Notice that `x` and `y` also received gradients (`dL/dx`, `dL/dy`); the
# engine does not know which leaves are parameters, it simply computes them all.

# %% [markdown] ja
# 完全に一致しました。今度はどの四角にも勾配が入っています。右から左へ読むと、それが逆伝播です。
# `x` と `y` にも勾配（`dL/dx`、`dL/dy`）が入っていることに注目してください。
# エンジンはどの葉がパラメータなのかを知らないので、すべて計算してしまうのです。

# %%
draw_dot(loss, lang=LANG)

# %% [markdown] en
# The local derivatives are not hidden: each node will tell you its own, one per parent, in
# the order of `parents`. These are the factors the chain rule multiplies.

# %% [markdown] ja
# 局所的な微分は隠されていません。各ノードに尋ねれば、`parents` と同じ順番で、親ごとに1つずつ
# 教えてくれます。連鎖律が掛け合わせているのは、まさにこの数たちです。

# %%
print(T("node    op   parent   local derivative d(node)/d(parent)",
        "ノード  op   親       局所的な微分 d(ノード)/d(親)"))
for node in (loss, err, y_hat, xw):
    for i, (parent, local) in enumerate(zip(node.parents, node.local_grads())):
        name = parent.label or f"{parent.data:g}"  # en: the constant 2 has no label  ja: 定数 2 にはラベルがない
        first = f"{node.label:6}  {node.op:3}" if i == 0 else " " * 11
        print(f"{first}  {name:7}  {local:g}")

# %% [markdown] en
# And it is the gradient of notebook 1: there we had
# $\partial L/\partial w = \frac{1}{N}\sum 2(\hat y_i - y_i)\,x_i$. With one point (N = 1)
# that is 2 · (1 − 6) · 2 = −20. The engine got there without being told the formula.
#
# ## When a value is used twice, gradients add
#
# In a network, one weight or one activation often feeds several later computations. Each
# use is a separate path back to it, and its gradient is the **sum** over all the paths.
# Take `f = a·a + a`. Calculus says `df/da = 2a + 1`, which is 5 at `a = 2`. The graph has
# three arrows leaving `a`; backprop sends a contribution along each and adds them up:
# 2 + 2 (from the two factors of `a·a`) + 1 (from `+ a`).

# %% [markdown] ja
# そしてこれは、ノートブック1の勾配そのものです。あちらでは
# $\partial L/\partial w = \frac{1}{N}\sum 2(\hat y_i - y_i)\,x_i$ でした。
# 点が1つ（N = 1）なら 2 · (1 − 6) · 2 = −20。エンジンは式を教わらずに同じ答えにたどり着きました。
#
# ## 1つの値を2回使うと、勾配は足し算になる
#
# ネットワークでは、1つの重みや1つの出力が、その後の複数の計算で使われることがよくあります。
# 使われるたびに、そこへ戻る道が1本増えます。そして勾配は、**すべての道の和**になります。
# `f = a·a + a` で確かめましょう。微分すると `df/da = 2a + 1` で、`a = 2` なら 5 です。
# グラフでは `a` から3本の矢印が出ています。逆伝播はそれぞれの道から寄与を送り、足し合わせます。
# `a·a` の2つの因子から 2 + 2、`+ a` から 1 です。

# %%
a = Value(2.0, label="a")
f = a * a + a
f.label = "f"
f.backward()
print(T("df/da by backward:", "backward による df/da:"), a.grad, T("  by calculus: 2a + 1 =", "  微分の公式 2a + 1 ="), 2 * a.data + 1)
draw_dot(f, lang=LANG)

# %% [markdown] en
# That addition has a side effect you must know about when training: `backward()` **adds**
# to `.grad`, it does not overwrite it. Call it twice and every gradient doubles. A training
# loop therefore resets the gradients before each backward pass (`zero_grad()`).

# %% [markdown] ja
# この足し算には、学習のときに知っておくべき副作用があります。`backward()` は `.grad` を
# 上書きせず、**足し込む**のです。2回呼べば、すべての勾配が2倍になります。
# そのため学習ループでは、逆伝播の前に毎回勾配を0に戻します（`zero_grad()`）。

# %%
f.backward()
print(T("after a second backward():", "もう一度 backward() した後:"), a.grad)
f.zero_grad()
f.backward()
print(T("after zero_grad() and backward():", "zero_grad() してから backward() した後:"), a.grad)

# %% [markdown] en
# ## A neuron with a nonlinearity
#
# Real neurons pass `xw + b` through an **activation** such as `tanh`, which bends the
# straight line so that a network can fit curves. It is just one more node with its own
# local derivative, `d tanh(n)/dn = 1 − tanh(n)²`, and the chain rule handles it like the
# rest.

# %% [markdown] ja
# ## 非線形な活性化関数をもつニューロン
#
# 本物のニューロンは、`xw + b` を `tanh` のような**活性化関数**に通します。
# 活性化関数が直線を曲げてくれるので、ネットワークは曲線を表せるようになります。
# これもグラフの中では、自分の局所的な微分 `d tanh(n)/dn = 1 − tanh(n)²` をもつノードが
# 1つ増えるだけで、連鎖律はほかのノードと同じように扱います。

# %%
x1, x2 = Value(2.0, label="x1"), Value(-2.0, label="x2")
w1, w2 = Value(0.5, label="w1"), Value(0.25, label="w2")
bias = Value(0.3, label="b")
n = x1 * w1 + x2 * w2 + bias; n.label = "n"
o = n.tanh();                 o.label = "o"
o.backward()

print(f"o = tanh({n.data:.4f}) = {o.data:.4f}")
print(T(f"do/dn by hand: 1 - o² = {1 - o.data ** 2:.4f};   by backward: {n.grad:.4f}",
        f"do/dn   手計算: 1 - o² = {1 - o.data ** 2:.4f};   backward: {n.grad:.4f}"))
print(T(f"do/dw1 by hand: (1 - o²)·x1 = {(1 - o.data ** 2) * x1.data:.4f};   by backward: {w1.grad:.4f}",
        f"do/dw1  手計算: (1 - o²)·x1 = {(1 - o.data ** 2) * x1.data:.4f};   backward: {w1.grad:.4f}"))
draw_dot(o, lang=LANG)

# %% [markdown] en
# ## Notebook 1 again, without any calculus
#
# Here is the training loop of notebook 1, on 20 points of `y = 3x`, with the gradient now
# coming from `backward()`. Compare it with the hand-made loop: steps 4 (`grad_w = ...`,
# `grad_b = ...`) have become one line, and nothing in it depends on the model being a
# straight line.

# %% [markdown] ja
# ## もう一度ノートブック1を、今度は微分なしで
#
# ノートブック1の学習ループを、`y = 3x` の20点で、勾配だけを `backward()` に任せて書き直します。
# 手作りのループと見比べてください。ステップ4（`grad_w = ...`、`grad_b = ...`）が1行になり、
# モデルが直線であることに依存する部分はどこにもなくなりました。

# %%
import random
random.seed(0)
xs = [random.gauss(0, 1) for _ in range(20)]
ys = [3 * xi for xi in xs]

w, b = Value(0.5, label="w"), Value(0.0, label="b")
lr = 0.1
for epoch in range(60):
    loss = vsum((xi * w + b - yi) ** 2 for xi, yi in zip(xs, ys)) / len(xs)  # en: predict + loss  ja: 予測と損失
    w.grad = b.grad = 0.0                                                      # en: zero the grads  ja: 勾配を0に戻す
    loss.backward()                                                            # en: the gradient  ja: 勾配
    if epoch % 10 == 0:
        print(f"epoch {epoch:2d}   loss = {loss.data:.6f}   w = {w.data:.4f}   b = {b.data:+.4f}")
    w.data -= lr * w.grad                                                      # en: update  ja: 更新
    b.data -= lr * b.grad
print(T(f"learned:  w = {w.data:.4f}   b = {b.data:+.4f}",
        f"学習結果:  w = {w.data:.4f}   b = {b.data:+.4f}"))

# %% [markdown] en
# ## Summary
#
# * A `Value` records the operation and inputs that made it; together they form the
#   computational graph of the forward pass.
# * Each operation knows only its own local derivative.
# * `backward()` starts from the loss with gradient 1 and, walking backwards, multiplies
#   the upstream gradient by each local derivative and adds the products into the parents:
#   that is the chain rule, with sums where paths meet.
# * The result is the same gradient we derived by hand, for every node at once.
#
# Notebook 3 slows `backward()` down and watches it one node at a time.

# %% [markdown] ja
# ## まとめ
#
# * `Value` は、自分を作った演算と入力を記録します。それらがつながって、順伝播の計算グラフになります。
# * 各演算が知っているのは、自分自身の局所的な微分だけです。
# * `backward()` は損失から勾配1で出発して逆向きにたどり、上流の勾配と局所的な微分の積を
#   親に足し込んでいきます。これが連鎖律で、道が合流するところでは和になります。
# * 結果は、手で導いた勾配とまったく同じもので、しかもすべてのノードについて一度に得られます。
#
# ノートブック3では、`backward()` をスローモーションにして、1ノードずつ動きを観察します。
