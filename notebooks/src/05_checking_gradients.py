# %% [markdown] en
# # 5. Checking gradients
#
# Gradient descent trusts the gradient completely: every update moves the weights by
# `−η × gradient`. If the gradient is wrong, learning goes wrong, and usually **without any
# error message**. The loss may still go down, only more slowly, or some weights may silently
# never learn.
#
# Fortunately a gradient can be checked against an independent oracle: the
# **finite difference** from notebook 1, "nudge the input a little and measure the slope".
# It is too slow to train with (notebook 3), but it is perfect for testing. This notebook
# shows how that check works, how precise it can be, and the kind of bug it catches.

# %% [markdown] ja
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

# %%
import sys, pathlib
# en: the repository root (the folder that holds autograd/): run from a checkout
# ja: リポジトリのルート（autograd/ のあるフォルダ）。チェックアウトからそのまま動かせる
root = next(p for p in pathlib.Path.cwd().resolve().parents if (p / "autograd").is_dir())
sys.path.insert(0, str(root))
LANG = T("en", "ja")  # en: the language of this notebook  ja: このノートブックの言語

import math
import warnings

import numpy as np
import matplotlib.pyplot as plt

from autograd import Value, gradcheck, vsum

from nn.plots import font_settings

plt.rcParams.update({"figure.figsize": (5, 3.5), "figure.dpi": 90, **font_settings(LANG)})

# %% [markdown] en
# ## Measuring a slope: the central difference
#
# The slope of `f` at `x` is the limit of `(f(x + h) − f(x)) / h` as `h` shrinks. On a
# computer we cannot take the limit, so we pick a small `h`. Two choices:
#
# * the **forward difference** `(f(x + h) − f(x)) / h`, whose error shrinks like `h`;
# * the **central difference** `(f(x + h) − f(x − h)) / 2h`, whose error shrinks like `h²`
#   (the first-order errors on both sides cancel).
#
# But `h` cannot be made tiny either: `f(x + h)` and `f(x)` then agree in almost all their
# digits, and subtracting them leaves mostly rounding noise. The plot shows both effects for
# `f = sin` at `x = 1`, where the true slope is `cos 1`.

# %% [markdown] ja
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

plt.loglog(hs, forward, label=T("forward difference", "前進差分"))
plt.loglog(hs, central, label=T("central difference", "中心差分"))
plt.xlabel(T("step h", "刻み幅 h")); plt.ylabel(T("error of the slope", "傾きの誤差"))
plt.title(T("Too big: truncation error. Too small: rounding.",
            "大きすぎると打ち切り誤差、小さすぎると丸め誤差"))
plt.legend()
plt.show()

# %% [markdown] en
# The central difference gets down to an error of 10⁻¹⁰ or less for `h` near 10⁻⁶. That is
# far more precise than any bug we are looking for: a wrong gradient is usually off by a
# factor, a sign, or a missing term, not in the tenth digit.
#
# ## `gradcheck`: backprop against central differences
#
# `autograd.gradcheck(fn, inputs)` calls `fn` with one `Value` per input, runs backprop, and
# compares every component of the gradient with a central difference (step `eps = 1e-6`).
# The report is a table, and it is truthy when everything agrees.

# %% [markdown] ja
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

# %% [markdown] en
# ## The bug gradcheck is made for: `x * x.data`
#
# Suppose we want `x²` and write `x * x.data`. It looks harmless, and the **forward value is
# exactly right**. But `x.data` is a plain float: the engine sees "x times the constant 3",
# not "x times x". Only one of the two paths from `x` exists in the graph, so backprop
# returns `x` (3) instead of `2x` (6).

# %% [markdown] ja
# ## gradcheck が得意とするバグ：`x * x.data`
#
# `x²` を計算したくて、`x * x.data` と書いたとします。一見なんの問題もなさそうで、
# **順伝播の値はまったく正しい**のです。しかし `x.data` はただの浮動小数点数なので、
# エンジンには「x 掛ける x」ではなく「x 掛ける定数 3」に見えます。`x` から出る2本の道のうち
# 1本しかグラフに残らないため、誤差逆伝播は `2x`（6）ではなく `x`（3）を返します。

# %%
x = Value(3.0)
good, bad = x * x, x * x.data
print(T("forward:   x*x =", "順伝播:  x*x ="), good.data, "   x*x.data =", bad.data)
good.backward(); g_good = x.grad; x.grad = 0.0
bad.backward();  g_bad = x.grad
print(T("gradient:  x*x ->", "勾配:    x*x ->"), g_good, "   x*x.data ->", g_bad)

# %%
print(gradcheck(lambda x: x * x.data, [3.0]))

# %% [markdown] en
# The check fails loudly: backprop says 3, the measured slope is 6.
#
# Would we have noticed without it? Here is the line of notebook 1, trained with the
# correct squared error and with the buggy one. Both **run**, both **lower the loss**, both
# print sensible numbers. The bug only halves every gradient, which looks exactly like a
# smaller learning rate. Nothing tells you something is wrong.

# %% [markdown] ja
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
print(T(f"after 40 epochs: w = {w_right:.4f} (correct)   w = {w_buggy:.4f} (buggy)",
        f"40 エポック後: w = {w_right:.4f}（正しい）   w = {w_buggy:.4f}（バグあり）"))

plt.semilogy(right, label=T("e * e   (correct gradient)", "e * e   （正しい勾配）"))
plt.semilogy(buggy, label=T("e * e.data   (half the gradient)", "e * e.data   （勾配が半分）"))
plt.xlabel(T("epoch", "エポック")); plt.ylabel(T("loss", "損失")); plt.title(T("A gradient bug that still 'learns'", "それでも「学習」してしまう勾配のバグ"))
plt.legend()
plt.show()

# %% [markdown] en
# ## A worse cousin: a parameter that never learns
#
# The same mistake in another form: leaving the graph by making a **new** `Value` out of a
# number. Say we want to keep a weight in the range [−5, 5] and write
# `Value(min(max(w.data, -5), 5))`. The forward pass is right again, but the clipped value
# is a fresh leaf with no path back to `w`. Backprop gives `w` a gradient of exactly 0, so
# gradient descent never moves it, however long you train.

# %% [markdown] ja
# ## もっとたちの悪い親戚：学習しないパラメータ
#
# 同じ間違いの別の形が、数から**新しい** `Value` を作ってグラフの外に出てしまうことです。
# 重みを [−5, 5] の範囲に収めたくて、`Value(min(max(w.data, -5), 5))` と書いたとしましょう。
# 順伝播はやはり正しいのですが、切り詰めた値は `w` への道を持たない新しい葉です。
# 誤差逆伝播は `w` にちょうど 0 の勾配を与えるので、どれだけ長く学習しても、勾配降下法は `w` を動かしません。

# %%
def clipped_model(w, b):
    w_clipped = Value(min(max(w.data, -5.0), 5.0))   # en: the bug: a new leaf, cut off from w  ja: バグ：w から切り離された新しい葉
    return vsum((xi * w_clipped + b - yi) ** 2 for xi, yi in zip(xs, ys)) / len(xs)

print(gradcheck(clipped_model, [0.5, 0.0]))

# %% [markdown] en
# The weight `w` has an analytic gradient of 0 but a clearly nonzero measured slope: the
# graph has lost the weight. The bias `b` is fine. (Rows are named after the function's
# arguments.)
#
# ## Checking a whole network
#
# A gradcheck is cheap for a handful of inputs, so in tests we check small versions of
# real models: here a 2-2-1 network with `tanh`, all 9 parameters at once, with the loss on
# three points as the output. Every parameter gets its own row.

# %% [markdown] ja
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

# %% [markdown] en
# Writing the network out by hand is fine for nine parameters. For a real model, hand
# `gradcheck` the model's own parameters instead: the function then takes no arguments and
# reads the parameters itself, and `gradcheck` nudges each one in place for its probes and
# puts it back exactly. Each row is named by the parameter's dotted name. A big model has
# too many parameters to probe one by one, so by default a random subset of 64 (drawn from
# `seed=0`) is checked, and the report says how many of how many.

# %% [markdown] ja
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

# %% [markdown] en
# ## Where finite differences cannot help: kinks
#
# `relu(x) = max(0, x)` has no slope at `x = 0`: to the left it is 0, to the right it is 1.
# The central difference straddles the kink and reports 0.5, a slope that exists on neither
# side. Backprop uses a rule (here 0) that is one of the valid one-sided slopes. So at a kink
# a disagreement proves nothing, and `gradcheck` says so with a `NonSmoothWarning` instead of
# a failure. The fix is to check at points away from kinks.

# %% [markdown] ja
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

# %% [markdown] en
# ## Summary
#
# * A wrong gradient rarely crashes. It makes training slower, or leaves some weights
#   untouched, and the loss curve can still look fine.
# * The central difference `(f(x + h) − f(x − h)) / 2h` with `h ≈ 10⁻⁶` is an independent,
#   precise oracle for smooth functions.
# * `gradcheck(fn, inputs)` compares backprop with it for every input and prints a table;
#   `gradcheck(loss, dict(model.named_parameters()))` does it for a model's parameters.
# * The classic bug is leaving the graph through `.data` (or a new `Value`): the forward
#   value stays right while a path for the gradient disappears.
# * At kinks (relu, abs at 0) finite differences mean nothing; check elsewhere.
#
# The engine's own tests (`tests/autograd/test_ops.py`) check every operation against this
# oracle and against closed-form derivatives. Notebook 6 goes back to training and asks how
# big the steps should be.

# %% [markdown] ja
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
