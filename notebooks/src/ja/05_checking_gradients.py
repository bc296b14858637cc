# %% [markdown]
# # 5. 勾配を検算する
#
# 勾配降下法は、勾配を全面的に信用しています。更新のたびに、重みを `−η × 勾配` だけ動かすのです。
# 勾配が間違っていれば学習もおかしくなりますが、たいていの場合**エラーメッセージは出ません**。
# 損失はそれでも下がることがあり（ただし遅くなる）、あるいは一部の重みが黙ったまま一切学習しない、
# ということが起こります。
#
# 幸い、勾配は独立した「答え合わせ役」と照らし合わせることができます。ノートブック1で使った
# **有限差分**、つまり「入力を少しずらして傾きを測る」方法です。学習に使うには遅すぎますが
# （ノートブック3）、テストには最適です。このノートブックでは、その検算のしくみと精度、
# そしてそれが見つけてくれるバグの種類を見ていきます。
#
# (グラフの文字は、日本語フォントがない環境でも崩れないように英語にしています。)

# %%
import sys, pathlib
sys.path.insert(0, str(pathlib.Path.cwd().parents[1]))  # リポジトリのルート（チェックアウトからそのまま動かすため）

import math
import warnings

import numpy as np
import matplotlib.pyplot as plt

from autograd import Value, gradcheck, vsum

plt.rcParams.update({"figure.figsize": (5, 3.5), "figure.dpi": 90})

# %% [markdown]
# ## 傾きを測る：中心差分
#
# `f` の `x` における傾きは、`h` を小さくしていったときの `(f(x + h) − f(x)) / h` の極限です。
# コンピュータでは極限を取れないので、小さな `h` を1つ選びます。選び方は2通りあります。
#
# * **前進差分** `(f(x + h) − f(x)) / h`。誤差は `h` に比例して小さくなります。
# * **中心差分** `(f(x + h) − f(x − h)) / 2h`。誤差は `h²` に比例して小さくなります
#   （左右の1次の誤差が打ち消し合うため）。
#
# ただし `h` をいくらでも小さくできるわけではありません。小さすぎると `f(x + h)` と `f(x)` の
# ほとんどの桁が一致してしまい、引き算すると丸め誤差ばかりが残ります。
# 下の図は、真の傾きが `cos 1` である `f = sin`、`x = 1` で、この2つの効果を示しています。

# %%
hs = np.logspace(-14, -1, 60)
x0 = 1.0
forward = np.abs((np.sin(x0 + hs) - np.sin(x0)) / hs - np.cos(x0))
central = np.abs((np.sin(x0 + hs) - np.sin(x0 - hs)) / (2 * hs) - np.cos(x0))

plt.loglog(hs, forward, label="forward difference")
plt.loglog(hs, central, label="central difference")
plt.xlabel("step h"); plt.ylabel("error of the slope")
plt.title("Too big: truncation error. Too small: rounding.")
plt.legend()
plt.show()

# %% [markdown]
# 中心差分は、`h` が 10⁻⁶ 付近で誤差 10⁻¹⁰ 以下まで下がります。探しているバグに比べれば、
# これは十分すぎる精度です。間違った勾配はふつう、何倍かずれていたり、符号が逆だったり、
# 項が1つ抜けていたりするもので、10桁目が違う程度ではないからです。
#
# ## `gradcheck`：誤差逆伝播と中心差分の突き合わせ
#
# `autograd.gradcheck(fn, inputs)` は、入力ごとに1つの `Value` を作って `fn` を呼び、
# 誤差逆伝播で勾配を求め、その各成分を中心差分（刻み `eps = 1e-6`）と比べます。
# 結果は表として表示され、すべて一致すれば真（truthy）になります。

# %%
report = gradcheck(lambda x, y: (x * y).tanh() + x.exp() / y, [0.5, 2.0])
print(report)
print("passed:", bool(report))

# %% [markdown]
# ## gradcheck が得意とするバグ：`x * x.data`
#
# `x²` を計算したくて、`x * x.data` と書いたとします。一見なんの問題もなさそうで、
# **順伝播の値はまったく正しい**のです。しかし `x.data` はただの浮動小数点数なので、
# エンジンには「x 掛ける x」ではなく「x 掛ける定数 3」に見えます。`x` から出る2本の道のうち
# 1本しかグラフに残らないため、誤差逆伝播は `2x`（6）ではなく `x`（3）を返します。

# %%
x = Value(3.0)
good, bad = x * x, x * x.data
print("順伝播:  x*x =", good.data, "   x*x.data =", bad.data)
good.backward(); g_good = x.grad; x.grad = 0.0
bad.backward();  g_bad = x.grad
print("勾配:    x*x ->", g_good, "   x*x.data ->", g_bad)

# %%
print(gradcheck(lambda x: x * x.data, [3.0]))

# %% [markdown]
# 検算ははっきり失敗します。誤差逆伝播は 3 と言い、測った傾きは 6 です。
#
# では、検算なしで気づけたでしょうか。ノートブック1の直線を、正しい2乗誤差と、
# バグのある2乗誤差で学習させてみます。どちらも**動き**、どちらも**損失が下がり**、
# どちらももっともらしい数を表示します。このバグはすべての勾配を半分にするだけなので、
# 学習率を小さくしたのとまったく同じに見えるのです。何かがおかしいと教えてくれるものはありません。

# %%
rng = np.random.default_rng(0)
xs = rng.normal(size=20).tolist()
ys = [3 * xi for xi in xs]

def train(square, epochs=40, lr=0.1):
    w, b = Value(0.5), Value(0.0)
    losses = []
    for _ in range(epochs):
        errs = [xi * w + b - yi for xi, yi in zip(xs, ys)]
        loss = vsum(square(e) for e in errs) / len(xs)
        w.grad = b.grad = 0.0
        loss.backward()
        w.data -= lr * w.grad
        b.data -= lr * b.grad
        losses.append(loss.data)
    return losses, w.data

right, w_right = train(lambda e: e * e)
buggy, w_buggy = train(lambda e: e * e.data)
print(f"40 エポック後: w = {w_right:.4f}（正しい）   w = {w_buggy:.4f}（バグあり）")

plt.semilogy(right, label="e * e   (correct gradient)")
plt.semilogy(buggy, label="e * e.data   (half the gradient)")
plt.xlabel("epoch"); plt.ylabel("loss"); plt.title("A gradient bug that still 'learns'")
plt.legend()
plt.show()

# %% [markdown]
# ## もっとたちの悪い親戚：学習しないパラメータ
#
# 同じ間違いの別の形が、数から**新しい** `Value` を作ってグラフの外に出てしまうことです。
# 重みを [−5, 5] の範囲に収めたくて、`Value(min(max(w.data, -5), 5))` と書いたとしましょう。
# 順伝播はやはり正しいのですが、切り詰めた値は `w` への道を持たない新しい葉です。
# 誤差逆伝播は `w` にちょうど 0 の勾配を与えるので、どれだけ長く学習しても、勾配降下法は `w` を動かしません。

# %%
def clipped_model(w, b):
    w_clipped = Value(min(max(w.data, -5.0), 5.0))   # バグ：w から切り離された新しい葉
    return vsum((xi * w_clipped + b - yi) ** 2 for xi, yi in zip(xs, ys)) / len(xs)

print(gradcheck(clipped_model, [0.5, 0.0]))

# %% [markdown]
# 重み `w` は、解析的な勾配が 0 なのに、測った傾きははっきり 0 ではありません。
# グラフが重みを見失っているのです。バイアス `b` は問題ありません。（表の各行には、関数の引数の名前が付きます。）
#
# ## ネットワーク全体を検算する
#
# 入力が少なければ gradcheck は安くすむので、テストでは本物のモデルの小さな版を検算します。
# ここでは `tanh` を使った 2-2-1 のネットワークで、3点での損失を出力として、
# 9個のパラメータをまとめて調べます。パラメータごとに1行ずつ並びます。

# %%
points = [([0.5, -1.0], 1.0), ([-0.3, 0.8], -1.0), ([1.2, 0.1], 0.5)]

def network_loss(w11, w12, w21, w22, b1, b2, v1, v2, c):
    total = 0
    for (x1, x2), target in points:
        h1 = (w11 * x1 + w12 * x2 + b1).tanh()
        h2 = (w21 * x1 + w22 * x2 + b2).tanh()
        out = v1 * h1 + v2 * h2 + c
        total = total + (out - target) ** 2
    return total / len(points)

params = np.random.default_rng(1).normal(size=9).tolist()
print(gradcheck(network_loss, params))

# %% [markdown]
# パラメータが 9 個なら、ネットワークを手で書き下しても構いません。本物のモデルでは、
# モデル自身のパラメータを `gradcheck` に渡しましょう。このとき関数は引数を取らず、
# パラメータを自分で読みます。`gradcheck` は差分をとるたびにパラメータをその場で少し動かし、
# 終わればぴったり元の値に戻します。表の各行には、パラメータのドット区切りの名前が付きます。
# 大きなモデルではパラメータが多すぎて一つずつ調べきれないので、既定ではランダムに選んだ
# 64 個（`seed=0` から選びます）だけを調べ、全体の何個のうち何個を調べたかを表示します。

# %%
import nn

model = nn.MLP(2, [2, 1], activation="tanh", seed=0)

def model_loss():
    outputs = [model(x) for x, _ in points]
    return nn.batch_loss(nn.mse_loss, outputs, [t for _, t in points])

print(gradcheck(model_loss, dict(model.named_parameters())))

big = nn.MLP(2, [16, 16, 1], activation="tanh", seed=0)
report = gradcheck(lambda: nn.batch_loss(nn.mse_loss, [big(x) for x, _ in points],
                                         [t for _, t in points]),
                   dict(big.named_parameters()), sample=5)
print(report)

# %% [markdown]
# ## 有限差分が役に立たない場所：折れ目
#
# `relu(x) = max(0, x)` は `x = 0` で傾きを持ちません。左では 0、右では 1 です。
# 中心差分は折れ目をまたいでしまい、どちら側にも存在しない 0.5 という傾きを報告します。
# 誤差逆伝播は、片側の傾きのどちらか（ここでは 0）を採用する約束になっています。
# つまり折れ目の上では、食い違っても何の証明にもなりません。そこで `gradcheck` は失敗とせず、
# `NonSmoothWarning` という警告でそれを伝えます。対策は、折れ目から離れた点で検算することです。

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    report = gradcheck(lambda x: x.relu(), [0.0])
print(report)
print()
print("warning:", caught[0].category.__name__)
print(caught[0].message)

# %% [markdown]
# ## まとめ
#
# * 間違った勾配でプログラムが落ちることはめったにありません。学習が遅くなったり、一部の重みが
#   動かなくなったりするだけで、損失の曲線はそれでも普通に見えることがあります。
# * 中心差分 `(f(x + h) − f(x − h)) / 2h` は、`h ≈ 10⁻⁶` とすれば、なめらかな関数に対する
#   独立で精密な答え合わせ役になります。
# * `gradcheck(fn, inputs)` は、すべての入力について誤差逆伝播とそれを比べ、表にして見せてくれます。
#   モデルのパラメータなら `gradcheck(loss, dict(model.named_parameters()))` で調べられます。
# * 典型的なバグは、`.data`（や新しい `Value`）を通ってグラフの外に出てしまうことです。
#   順伝播の値は正しいまま、勾配の通り道だけが消えます。
# * 折れ目（`x = 0` での relu や abs）では有限差分は意味を持ちません。別の点で検算しましょう。
#
# エンジン自身のテスト（`tests/autograd/test_ops.py`）も、すべての演算をこの答え合わせ役と、
# 公式どおりの導関数とで確かめています。ノートブック6では学習に戻り、一歩の大きさをどう決めるかを考えます。
