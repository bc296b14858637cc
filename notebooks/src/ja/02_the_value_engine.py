# %% [markdown]
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
sys.path.insert(0, str(pathlib.Path.cwd().parents[1]))  # リポジトリのルート（チェックアウトからそのまま動かすため）

from autograd import Value, draw_dot, vsum

# %% [markdown]
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
print("a は葉（どの演算からも作られていない）: op =", repr(a.op), " parents =", a.parents)

# %% [markdown]
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

print(f"予測 ŷ = {y_hat.data}, 誤差 = {err.data}, 損失 L = {loss.data}")
draw_dot(loss)

# %% [markdown]
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
print("手計算:     dL/dw =", dL_dw_by_hand, "  dL/db =", dL_db_by_hand)

# %% [markdown]
# ## 同じことを `backward()` で
#
# `loss.backward()` は、この掛け算をすべてのノードについて一度に行います。
# まず `L` に `dL/dL = 1` を置き、グラフを逆向きにたどります。各ノードでは、そこに届いた勾配
# （**上流の勾配**）にそのノードの局所的な微分を掛け、その積を親ノードへ渡します。
# 終わったときには、どのノードの `.grad` にも `dL/d(そのノード)` が入っています。

# %%
loss.backward()
print("backward:   dL/dw =", w.grad, "  dL/db =", b.grad)
assert w.grad == dL_dw_by_hand and b.grad == dL_db_by_hand

# %% [markdown]
# 完全に一致しました。今度はどの四角にも勾配が入っています。右から左へ読むと、それが逆伝播です。
# `x` と `y` にも勾配（`dL/dx`、`dL/dy`）が入っていることに注目してください。
# エンジンはどの葉がパラメータなのかを知らないので、すべて計算してしまうのです。

# %%
draw_dot(loss)

# %% [markdown]
# 局所的な微分は隠されていません。各ノードに尋ねれば、`parents` と同じ順番で、親ごとに1つずつ
# 教えてくれます。連鎖律が掛け合わせているのは、まさにこの数たちです。

# %%
print("ノード  op   親       局所的な微分 d(ノード)/d(親)")
for node in (loss, err, y_hat, xw):
    for i, (parent, local) in enumerate(zip(node.parents, node.local_grads())):
        name = parent.label or f"{parent.data:g}"  # 定数 2 にはラベルがない
        first = f"{node.label:6}  {node.op:3}" if i == 0 else " " * 11
        print(f"{first}  {name:7}  {local:g}")

# %% [markdown]
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
print("backward による df/da:", a.grad, "  微分の公式 2a + 1 =", 2 * a.data + 1)
draw_dot(f)

# %% [markdown]
# この足し算には、学習のときに知っておくべき副作用があります。`backward()` は `.grad` を
# 上書きせず、**足し込む**のです。2回呼べば、すべての勾配が2倍になります。
# そのため学習ループでは、逆伝播の前に毎回勾配を0に戻します（`zero_grad()`）。

# %%
f.backward()
print("もう一度 backward() した後:", a.grad)
f.zero_grad()
f.backward()
print("zero_grad() してから backward() した後:", a.grad)

# %% [markdown]
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
print(f"do/dn   手計算: 1 - o² = {1 - o.data ** 2:.4f};   backward: {n.grad:.4f}")
print(f"do/dw1  手計算: (1 - o²)·x1 = {(1 - o.data ** 2) * x1.data:.4f};   backward: {w1.grad:.4f}")
draw_dot(o)

# %% [markdown]
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
    loss = vsum((xi * w + b - yi) ** 2 for xi, yi in zip(xs, ys)) / len(xs)  # 予測と損失
    w.grad = b.grad = 0.0                                                      # 勾配を0に戻す
    loss.backward()                                                            # 勾配
    if epoch % 10 == 0:
        print(f"epoch {epoch:2d}   loss = {loss.data:.6f}   w = {w.data:.4f}   b = {b.data:+.4f}")
    w.data -= lr * w.grad                                                      # 更新
    b.data -= lr * b.grad
print(f"学習結果:  w = {w.data:.4f}   b = {b.data:+.4f}")

# %% [markdown]
# ## まとめ
#
# * `Value` は、自分を作った演算と入力を記録します。それらがつながって、順伝播の計算グラフになります。
# * 各演算が知っているのは、自分自身の局所的な微分だけです。
# * `backward()` は損失から勾配1で出発して逆向きにたどり、上流の勾配と局所的な微分の積を
#   親に足し込んでいきます。これが連鎖律で、道が合流するところでは和になります。
# * 結果は、手で導いた勾配とまったく同じもので、しかもすべてのノードについて一度に得られます。
#
# ノートブック3では、`backward()` をスローモーションにして、1ノードずつ動きを観察します。
