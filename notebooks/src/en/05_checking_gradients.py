# %% [markdown]
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

# %%
import sys, pathlib
sys.path.insert(0, str(pathlib.Path.cwd().parents[0]))  # the repo root: run from a checkout

import math
import warnings

import numpy as np
import matplotlib.pyplot as plt

from autograd import Value, gradcheck, vsum

plt.rcParams.update({"figure.figsize": (5, 3.5), "figure.dpi": 90})

# %% [markdown]
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
# The central difference gets down to an error of 10⁻¹⁰ or less for `h` near 10⁻⁶. That is
# far more precise than any bug we are looking for: a wrong gradient is usually off by a
# factor, a sign, or a missing term, not in the tenth digit.
#
# ## `gradcheck`: backprop against central differences
#
# `autograd.gradcheck(fn, inputs)` calls `fn` with one `Value` per input, runs backprop, and
# compares every component of the gradient with a central difference (step `eps = 1e-6`).
# The report is a table, and it is truthy when everything agrees.

# %%
report = gradcheck(lambda x, y: (x * y).tanh() + x.exp() / y, [0.5, 2.0])
print(report)
print("passed:", bool(report))

# %% [markdown]
# ## The bug gradcheck is made for: `x * x.data`
#
# Suppose we want `x²` and write `x * x.data`. It looks harmless, and the **forward value is
# exactly right**. But `x.data` is a plain float: the engine sees "x times the constant 3",
# not "x times x". Only one of the two paths from `x` exists in the graph, so backprop
# returns `x` (3) instead of `2x` (6).

# %%
x = Value(3.0)
good, bad = x * x, x * x.data
print("forward:   x*x =", good.data, "   x*x.data =", bad.data)
good.backward(); g_good = x.grad; x.grad = 0.0
bad.backward();  g_bad = x.grad
print("gradient:  x*x ->", g_good, "   x*x.data ->", g_bad)

# %%
print(gradcheck(lambda x: x * x.data, [3.0]))

# %% [markdown]
# The check fails loudly: backprop says 3, the measured slope is 6.
#
# Would we have noticed without it? Here is the line of notebook 1, trained with the
# correct squared error and with the buggy one. Both **run**, both **lower the loss**, both
# print sensible numbers. The bug only halves every gradient, which looks exactly like a
# smaller learning rate. Nothing tells you something is wrong.

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
print(f"after 40 epochs: w = {w_right:.4f} (correct)   w = {w_buggy:.4f} (buggy)")

plt.semilogy(right, label="e * e   (correct gradient)")
plt.semilogy(buggy, label="e * e.data   (half the gradient)")
plt.xlabel("epoch"); plt.ylabel("loss"); plt.title("A gradient bug that still 'learns'")
plt.legend()
plt.show()

# %% [markdown]
# ## A worse cousin: a parameter that never learns
#
# The same mistake in another form: leaving the graph by making a **new** `Value` out of a
# number. Say we want to keep a weight in the range [−5, 5] and write
# `Value(min(max(w.data, -5), 5))`. The forward pass is right again, but the clipped value
# is a fresh leaf with no path back to `w`. Backprop gives `w` a gradient of exactly 0, so
# gradient descent never moves it, however long you train.

# %%
def clipped_model(w, b):
    w_clipped = Value(min(max(w.data, -5.0), 5.0))   # the bug: a new leaf, cut off from w
    return vsum((xi * w_clipped + b - yi) ** 2 for xi, yi in zip(xs, ys)) / len(xs)

print(gradcheck(clipped_model, [0.5, 0.0]))

# %% [markdown]
# The weight `w` has an analytic gradient of 0 but a clearly nonzero measured slope: the
# graph has lost the weight. The bias `b` is fine. (Rows are named after the function's
# arguments.)
#
# ## Checking a whole network
#
# A gradcheck is cheap for a handful of inputs, so in tests we check small versions of
# real models: here a 2-2-1 network with `tanh`, all 9 parameters at once, with the loss on
# three points as the output. Every parameter gets its own row.

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
# Writing the network out by hand is fine for nine parameters. For a real model, hand
# `gradcheck` the model's own parameters instead: the function then takes no arguments and
# reads the parameters itself, and `gradcheck` nudges each one in place for its probes and
# puts it back exactly. Each row is named by the parameter's dotted name. A big model has
# too many parameters to probe one by one, so by default a random subset of 64 (drawn from
# `seed=0`) is checked, and the report says how many of how many.

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
# ## Where finite differences cannot help: kinks
#
# `relu(x) = max(0, x)` has no slope at `x = 0`: to the left it is 0, to the right it is 1.
# The central difference straddles the kink and reports 0.5, a slope that exists on neither
# side. Backprop uses a rule (here 0) that is one of the valid one-sided slopes. So at a kink
# a disagreement proves nothing, and `gradcheck` says so with a `NonSmoothWarning` instead of
# a failure. The fix is to check at points away from kinks.

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    report = gradcheck(lambda x: x.relu(), [0.0])
print(report)
print()
print("warning:", caught[0].category.__name__)
print(caught[0].message)

# %% [markdown]
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
