# %% [markdown]
# # 6. Learning rates and optimizers
#
# Idea 4 was the update rule `w ← w − η·∂L/∂w`. The gradient says *which way*; the learning
# rate η says *how far*. This notebook looks at that one number closely:
#
# 1. what happens when η is too small, about right, too large, and so large that training
#    blows up, and why there is a hard limit;
# 2. why a single η is a compromise when the loss surface is a narrow valley;
# 3. two classic fixes, **momentum** and **Adam**, compared with plain gradient descent
#    (SGD), first on that valley and then on a real network.

# %%
import sys, pathlib
sys.path.insert(0, str(pathlib.Path.cwd().parents[0]))  # the repo root: run from a checkout

import numpy as np
import matplotlib.pyplot as plt

from autograd import Value, vsum
import nn

plt.rcParams.update({"figure.figsize": (5, 3.5), "figure.dpi": 90})

# %% [markdown]
# ## Four learning rates on one parabola
#
# Back to notebook 1 in one dimension: learn `w` in `ŷ = x·w` for data from `y = 3x`. This
# time the parameter is a `Value`, backprop gives the gradient, and `nn.SGD` applies the
# update rule. We try four learning rates, 20 steps each.

# %%
rng = np.random.default_rng(0)
xs = rng.normal(size=100).tolist()
ys = [3 * x for x in xs]

def loss_of(w):
    return vsum((x * w - y) ** 2 for x, y in zip(xs, ys)) / len(xs)

def descend(lr, steps=20, w0=0.5):
    w = Value(w0)
    opt = nn.SGD([w], lr=lr)
    path = []
    for _ in range(steps):
        loss = loss_of(w)
        path.append((w.data, loss.data))
        opt.zero_grad()
        loss.backward()
        opt.step()
    return np.array(path)

rates = {0.05: "too small", 0.5: "about right", 1.0: "too large", 1.2: "diverges"}
paths = {lr: descend(lr) for lr in rates}
for lr, p in paths.items():
    print(f"lr = {lr:<4}  ({rates[lr]:11}):  w after 20 steps = {p[-1, 0]:10.4f},  loss = {p[-1, 1]:.3g}")

# %%
ws = np.linspace(-2, 8, 200)
curve = [loss_of(w).data for w in ws]
fig, axes = plt.subplots(1, 4, figsize=(10, 2.6), sharey=True)
for ax, (lr, p) in zip(axes, paths.items()):
    ax.plot(ws, curve, color="lightgray")
    ax.plot(p[:12, 0], p[:12, 1], "o-", ms=3, lw=1, color="C3")
    ax.set_title(f"lr = {lr}: {rates[lr]}", fontsize=9)
    ax.set_xlim(-2, 8); ax.set_ylim(-1, 26); ax.set_xlabel("w")
axes[0].set_ylabel("loss")
fig.tight_layout()
plt.show()

# %%
for lr, p in paths.items():
    plt.semilogy(p[:, 1], label=f"lr = {lr} ({rates[lr]})")
plt.ylim(1e-6, 1e5)  # "about right" reaches exactly 0 after a dozen steps
plt.xlabel("step"); plt.ylabel("loss"); plt.legend(fontsize=8)
plt.title("Loss curves for four learning rates")
plt.show()

# %% [markdown]
# * **Too small** (0.05): every step goes the right way, but the steps are tiny. After 20
#   steps `w` is still far from 3.
# * **About right** (0.5): a few steps and it is done.
# * **Too large** (1.0): each step overshoots the bottom and lands on the other side. It
#   still gets closer every time, zigzagging, but slowly.
# * **Diverges** (1.2): each overshoot lands *higher* than where it started. The loss grows
#   without limit.
#
# ### Where exactly is the limit?
#
# On a parabola the slope is proportional to the distance from the bottom:
# `∂L/∂w = c·(w − 3)`, where `c` is the curvature (here `c = 2·mean(x²)`). So one step does
#
# $$w - 3 \;\leftarrow\; (w - 3) - \eta\,c\,(w - 3) = (1 - \eta c)\,(w - 3)$$
#
# The distance to the minimum is multiplied by `1 − ηc` at every step. It shrinks when
# `|1 − ηc| < 1`, that is when **η < 2 / c**. Between `1/c` and `2/c` the factor is negative:
# the zigzag. Above `2/c` the distance grows: divergence.

# %%
c = 2 * np.mean(np.square(xs))
print(f"curvature c = {c:.3f},  so training converges only for lr < 2/c = {2 / c:.3f}")
for lr in rates:
    print(f"lr = {lr:<4}  factor 1 - lr*c = {1 - lr * c:+.3f}")

# %% [markdown]
# When training does blow up, the numbers become too large for a float. `nn.fit` checks the
# loss and the parameters after every step and stops with an error that says what happened
# and what to try, instead of quietly filling the model with `inf` and `nan`.

# %%
X_line, y_line = nn.make_linear(100, seed=0)
line_model = nn.MLP(1, [1], seed=0)
try:
    nn.fit(line_model, X_line, y_line, loss=nn.mse_loss,
           optimizer=nn.SGD(line_model.parameters(), lr=10.0), epochs=500, progress=False)
except FloatingPointError as err:
    print("FloatingPointError:", err)

# %% [markdown]
# ## One learning rate, two directions
#
# With more than one parameter, each direction of the loss surface has its own curvature,
# and the **steepest** direction sets the limit `η < 2/c_max` for all of them. If another
# direction is much flatter, progress along it crawls.
#
# This happens, for example, when the inputs are on a large scale. Take `y = 3x` again but
# with `x` ten times larger: the loss is very steep in `w` (whose input is `x`) and flat in
# `b` (whose input is always 1). The loss surface over (w, b) becomes a long, narrow valley.

# %%
x_big = (10 * np.random.default_rng(0).normal(size=50)).tolist()
y_big = [3 * x for x in x_big]

def valley_loss(w, b):
    return vsum((x * w + b - y) ** 2 for x, y in zip(x_big, y_big)) / len(x_big)

def run(make_optimizer, steps=60, start=(2.0, 3.0)):
    w, b = Value(start[0]), Value(start[1])
    opt = make_optimizer([w, b])
    path = []
    for _ in range(steps):
        loss = valley_loss(w, b)
        path.append((w.data, b.data, loss.data))
        opt.zero_grad()
        loss.backward()
        opt.step()
    return np.array(path)

c_w, c_b = 2 * np.mean(np.square(x_big)), 2.0
print(f"curvature along w: {c_w:.0f},  along b: {c_b:.0f}  ->  lr must stay below {2 / c_w:.4f}")

# %% [markdown]
# ## Momentum and Adam
#
# **SGD with momentum** treats the parameters like a heavy ball rolling downhill. It keeps a
# running *velocity*, `v ← μ·v + gradient`, and steps along the velocity, `w ← w − η·v`.
# Gradient components that flip sign from step to step (the zigzag across the valley)
# cancel out in `v`; components that keep pointing the same way (along the valley floor)
# add up, up to `1/(1 − μ)` times. With μ = 0.8, steady directions move 5 times faster.
#
# **Adam** gives every parameter its own step size. It keeps a running average of each
# parameter's gradient (like momentum) and of its *squared* gradient, and divides the first
# by the square root of the second. A parameter with large gradients takes steps no larger
# than one with small gradients: each moves about η per step in the direction it should go.
# The steep `w` and the flat `b` move at comparable speeds.
#
# All three run on the valley below, each with a learning rate chosen to be about as large
# as it can stably be.

# %%
runs = {
    "SGD, lr=0.009": run(lambda p: nn.SGD(p, lr=0.009)),
    "momentum 0.8, lr=0.003": run(lambda p: nn.SGD(p, lr=0.003, momentum=0.8)),
    "Adam, lr=0.1": run(lambda p: nn.Adam(p, lr=0.1)),
}
W, B = np.meshgrid(np.linspace(1.5, 4.5, 150), np.linspace(-1, 3.5, 150))
xb, yb = np.array(x_big)[:, None, None], np.array(y_big)[:, None, None]
surface = np.mean((xb * W + B - yb) ** 2, axis=0)

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.5))
ax1.contour(W, B, surface, levels=np.geomspace(0.05, 200, 12), cmap="viridis", linewidths=0.7)
for name, p in runs.items():
    ax1.plot(p[:, 0], p[:, 1], ".-", ms=3, lw=1, label=name)
    ax2.semilogy(p[:, 2], label=name)
ax1.plot([3], [0], "k*", ms=10)
ax1.set_xlabel("w"); ax1.set_ylabel("b"); ax1.set_title("paths in the valley")
ax2.set_xlabel("step"); ax2.set_ylabel("loss"); ax2.set_title("loss curves")
ax2.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# * **SGD** (blue) first drops straight into the valley along the steep `w` direction, then
#   creeps down the flat `b` direction: its learning rate cannot grow without diverging in `w`.
# * **Momentum** (orange) zigzags at first, then gathers speed along the valley floor and
#   overtakes SGD.
# * **Adam** (green) heads diagonally for the minimum, moving `w` and `b` at similar speeds,
#   and gets there first. Because its steps stay about η long, it then circles around the
#   minimum instead of settling exactly; a smaller η (or one that decays) fixes that.
#
# In practice, one also removes the cause: scaling the inputs to a similar range
# (normalisation) makes the valley round again, and then every optimizer does well.
#
# ## On a real network
#
# Finally the three optimizers train the same MLP (16-16, relu, same initial weights) on the
# moons of notebook 4 with the hinge loss, for 30 epochs of full-batch gradient descent.

# %%
X, y = nn.make_moons(100, noise=0.1, seed=0)
optimizers = {
    "SGD, lr=0.1": lambda p: nn.SGD(p, lr=0.1),
    "momentum 0.9, lr=0.1": lambda p: nn.SGD(p, lr=0.1, momentum=0.9),
    "Adam, lr=0.02": lambda p: nn.Adam(p, lr=0.02),
}
histories = {}
for name, make in optimizers.items():
    model = nn.MLP(2, [16, 16, 1], seed=0)
    histories[name] = nn.fit(model, X, y, loss=nn.hinge_loss, optimizer=make(model.parameters()),
                             epochs=30, progress=False)
    print(f"{name:22}  final loss {histories[name].loss[-1]:.3f}   "
          f"accuracy {histories[name].accuracy[-1]:.0%}")

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.2))
for name, h in histories.items():
    ax1.plot(h.loss, label=name)
    ax2.plot(h.accuracy, label=name)
ax1.set_xlabel("epoch"); ax1.set_title("hinge loss"); ax1.legend(fontsize=8)
ax2.set_xlabel("epoch"); ax2.set_title("training accuracy")
fig.tight_layout()
plt.show()

# %% [markdown]
# Plain SGD is the slowest; momentum and Adam reach a clearly lower loss and a higher
# accuracy in the same number of epochs. Which one wins depends on the problem and on the learning rate; a reasonable
# default is Adam with η around 0.001 to 0.01 for large networks (a little higher for our
# small ones), or SGD with momentum 0.9 and a tuned η.
#
# ## Summary
#
# * The learning rate multiplies every step. Too small crawls, too large zigzags, and beyond
#   `2 / curvature` the loss grows without limit.
# * With many parameters, the steepest direction sets the limit, so flat directions crawl.
# * **Momentum** averages gradients over steps: the zigzag cancels and steady directions
#   speed up.
# * **Adam** scales each parameter's step by the size of its recent gradients, so steep and
#   flat directions progress alike.
# * None of them changes *what* is learned, only how fast and how steadily gradient descent
#   gets there. The gradient itself still comes from backprop, one `backward()` per step.
