# %% [markdown]
# # 1. Gradient descent by hand
#
# **How does a neural network learn?** In one sentence: it makes a guess, measures how wrong
# the guess was, and shifts its weights a little in the direction that makes the next guess
# less wrong. Then it does that again, thousands of times.
#
# This notebook builds that sentence up from nothing, with only NumPy and a pen. We go
# from intuition, to an analogy, to the maths, and then we watch it happen on the smallest
# problem there is: learning the line `y = 3x`.
#
# The series follows five ideas, in this order:
#
# 1. **what the model predicts**: `ŷ = xW + b`;
# 2. **the loss** measures the error with one number;
# 3. **the gradient** is the direction that reduces the error (a gradient is a slope);
# 4. **the update rule** takes a small step that way, sized by the learning rate η;
# 5. **backprop** is only an efficient way to get that gradient (notebooks 2 and 3).
#
# This notebook covers ideas 1 to 4 completely, by hand.

# %%
import sys, pathlib
sys.path.insert(0, str(pathlib.Path.cwd().parents[0]))  # the repo root: run from a checkout

import numpy as np
import matplotlib.pyplot as plt

plt.rcParams.update({"figure.figsize": (5, 3.5), "figure.dpi": 90})

# %% [markdown]
# ## The intuition
#
# A network is a machine with knobs (its *weights* and *biases*). Feed it an input and it
# produces an output, its prediction. At first the knobs are set at random, so the
# predictions are poor.
#
# Learning means turning the knobs. Not wildly, and not by trying every setting: for each
# knob we ask "if I turn you a little to the right, do the mistakes grow or shrink?" and turn
# it a little the way they shrink. Repeat that often enough and the predictions become good.
#
# ## An analogy: a baby learning to grasp
#
# A baby reaching for a toy does not know the geometry of its own arm. It
#
# 1. reaches out (**predicts**),
# 2. misses by some distance (**the error**),
# 3. changes its movement a little, in the direction that would have missed by less
#    (**the update**),
# 4. and tries again (**repeat**).
#
# The first attempts are close to random. Nobody hands the baby a formula; the small
# corrections, added up over many tries, become a skilled movement. A network learns in the
# same four beats. The rest of this notebook gives each beat its maths.

# %% [markdown]
# ## Idea 1: what the model predicts
#
# Our data come from the rule `y = 3x`, but the model is not told the 3. It is the simplest
# possible network, one input and one output with no activation:
#
# $$\hat y = x\,w + b$$
#
# In a real layer `x` is a row of inputs and `W` a matrix, giving `ŷ = xW + b`. Here both are
# single numbers, which lets us draw everything. The model's whole "knowledge" is the two
# numbers `w` and `b`; learning has to find `w = 3` and `b = 0`.

# %%
rng = np.random.default_rng(0)  # a fixed seed: the same numbers on every run

x = rng.normal(size=100)  # 100 inputs
y = 3 * x                 # the answers the model should learn to give

w = rng.normal()          # the weight starts at a random value
b = 0.0                   # the bias starts at zero
print(f"start: w = {w:.3f}, b = {b:.3f}")

# %%
def predict(x, w, b):
    return x * w + b

xs = np.linspace(-3, 3, 2)
plt.scatter(x, y, s=10, alpha=0.6, label="data: y = 3x")
plt.plot(xs, predict(xs, w, b), "r-", label=f"model at the start: y = {w:.2f}x + {b:.0f}")
plt.xlabel("x"); plt.ylabel("y"); plt.legend(); plt.title("The prediction before learning")
plt.show()

# %% [markdown]
# The red line is the model's current belief. It is too flat: every prediction is off.
#
# ## Idea 2: the loss measures the error
#
# To improve, the model needs one number that says *how wrong* it is. For regression the
# usual choice is the **mean squared error** (MSE):
#
# $$L = \frac{1}{N}\sum_{i=1}^{N} (\hat y_i - y_i)^2$$
#
# Each point contributes the square of its miss. Squaring makes every miss count as
# positive, makes a big miss cost much more than a small one, and gives a smooth curve that
# has a slope everywhere, which is what we need next. For classification one uses
# **cross-entropy** instead (notebook 4), but the role is the same: a single number, lower
# is better, zero when the predictions are perfect.

# %%
def mse(y_hat, y):
    return np.mean((y_hat - y) ** 2)

print(f"loss at the start: {mse(predict(x, w, b), y):.3f}")
print(f"loss if w were 3:  {mse(predict(x, 3.0, 0.0), y):.3f}")

# %% [markdown]
# ## Idea 3: the gradient is the direction that reduces the error
#
# Start in one dimension. Keep `b = 0` and look at the loss as a function of `w` alone:
# for every candidate `w`, how wrong would the model be? That gives a curve, and learning
# means walking down it.

# %%
ws = np.linspace(-1, 7, 200)
losses = [mse(predict(x, wi, 0.0), y) for wi in ws]

def dloss_dw(w, b):
    """The slope of L in the w direction, worked out with calculus (see below)."""
    return np.mean(2 * (predict(x, w, b) - y) * x)

slope = dloss_dw(w, 0.0)
L0 = mse(predict(x, w, 0.0), y)
near = np.linspace(w - 1.2, w + 1.2, 2)

plt.plot(ws, losses, label="loss L(w), with b = 0")
plt.plot(near, L0 + slope * (near - w), "r--", label=f"slope at w = {w:.2f}: {slope:.2f}")
plt.plot([w], [L0], "ro")
plt.axvline(3, color="gray", lw=0.8, ls=":")
plt.xlabel("w"); plt.ylabel("loss"); plt.legend(); plt.title("The loss as a function of w")
plt.show()

# %% [markdown]
# The slope at the current `w` is negative: going right, the loss goes *down*. So we should
# increase `w`. Had we started right of 3 the slope would be positive and we would decrease
# `w`. In both cases: **move against the slope**. That is all a gradient tells you.
#
# Where does the formula in `dloss_dw` come from? Differentiate the loss with the chain rule.
# Each term is $(x_i w + b - y_i)^2$; its derivative with respect to `w` is
# $2(x_i w + b - y_i)\cdot x_i$ (the outer square, times the inner derivative, $x_i$). With
# respect to `b` the inner derivative is 1:
#
# $$\frac{\partial L}{\partial w} = \frac{1}{N}\sum 2(\hat y_i - y_i)\,x_i \qquad
#   \frac{\partial L}{\partial b} = \frac{1}{N}\sum 2(\hat y_i - y_i)$$
#
# A slope can also be *measured*, without calculus: nudge `w` a little each way and see how
# the loss changes. If the two disagree, the calculus is wrong. (Notebook 5 turns this check
# into a tool.)

# %%
h = 1e-5
measured = (mse(predict(x, w + h, 0.0), y) - mse(predict(x, w - h, 0.0), y)) / (2 * h)
print(f"slope by calculus: {dloss_dw(w, 0.0):.6f}")
print(f"slope by nudging:  {measured:.6f}")

# %% [markdown]
# With two knobs, `w` and `b`, the **gradient** is simply the list of both slopes,
# $(\partial L/\partial w,\ \partial L/\partial b)$. It points in the direction in which the
# loss rises fastest, so we step the opposite way.
#
# ## Idea 4: the update rule and the learning rate η
#
# $$w \leftarrow w - \eta\,\frac{\partial L}{\partial w} \qquad
#   b \leftarrow b - \eta\,\frac{\partial L}{\partial b}$$
#
# The minus sign is "move against the slope". The **learning rate** η (eta) sets the size
# of the step. Too small and learning crawls; too large and each step overshoots the bottom
# of the valley, possibly further every time (notebook 6 shows both).
#
# Here is a single step, with every number printed.

# %%
lr = 0.1  # the learning rate η

y_hat = predict(x, w, b)
loss = mse(y_hat, y)
grad_w = np.mean(2 * (y_hat - y) * x)
grad_b = np.mean(2 * (y_hat - y))
new_w, new_b = w - lr * grad_w, b - lr * grad_b

print(f"w = {w:.4f}   b = {b:.4f}   loss = {loss:.4f}")
print(f"dL/dw = {grad_w:.4f}   dL/db = {grad_b:.4f}")
print(f"w <- {w:.4f} - {lr} * ({grad_w:.4f}) = {new_w:.4f}")
print(f"b <- {b:.4f} - {lr} * ({grad_b:.4f}) = {new_b:.4f}")
print(f"loss after the step: {mse(predict(x, new_w, new_b), y):.4f}")

# %% [markdown]
# One step moved `w` from about 0.5 towards 3 and cut the loss. Learning is nothing more than
# this step in a loop. Each pass of the loop has six beats:
#
# 1. take the inputs `x`;
# 2. predict `ŷ`;
# 3. compute the loss `L`;
# 4. compute the gradient `∂L/∂w, ∂L/∂b`;
# 5. update `w` and `b` a little;
# 6. repeat.

# %%
def train(w, b, lr, epochs):
    """Gradient descent on the MSE of the line x*w + b; returns the path it took."""
    path = []
    for epoch in range(epochs):
        y_hat = predict(x, w, b)                 # 2. predict
        loss = mse(y_hat, y)                     # 3. loss
        grad_w = np.mean(2 * (y_hat - y) * x)    # 4. gradient
        grad_b = np.mean(2 * (y_hat - y))
        path.append((w, b, loss))
        w = w - lr * grad_w                      # 5. update
        b = b - lr * grad_b
    return np.array(path)

path = train(w, b, lr=0.1, epochs=100)
for epoch in range(0, 100, 10):
    w_e, b_e, loss_e = path[epoch]
    print(f"epoch {epoch:3d}   w = {w_e:.4f}   b = {b_e:+.4f}   loss = {loss_e:.6f}")
print(f"after training:   w = {path[-1, 0]:.4f}   b = {path[-1, 1]:+.4f}")

# %% [markdown]
# `w` arrives at 3 and `b` at 0: the model has found the rule `y = 3x` from the data alone.
#
# ## What actually happened, in pictures
#
# **The loss curve.** The loss falls fast at first, then more and more slowly. On a
# logarithmic axis (right) it is a straight line: every step removes the same *fraction* of
# the remaining error.

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 3))
ax1.plot(path[:, 2]); ax1.set_title("loss"); ax1.set_xlabel("epoch")
ax2.semilogy(path[:, 2]); ax2.set_title("loss (log scale)"); ax2.set_xlabel("epoch")
fig.tight_layout()
plt.show()

# %% [markdown]
# **The path `w` takes.** Each step is η times the slope. Near the bottom of the valley the
# slope is small, so the steps shrink by themselves, and `w` settles on 3 without
# overshooting. Below, the same descent in one dimension (`b` held at 0), drawn on the loss
# curve from before: big steps on the steep part, tiny ones near the minimum.

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 3))
ax1.plot(path[:, 0], label="w")
ax1.plot(path[:, 1], label="b")
ax1.axhline(3, color="gray", lw=0.8, ls=":")
ax1.set_xlabel("epoch"); ax1.set_title("the parameters"); ax1.legend()

w_1d, steps = w, []
for _ in range(12):
    steps.append(w_1d)
    w_1d -= lr * dloss_dw(w_1d, 0.0)
steps = np.array(steps)
ax2.plot(ws, losses, color="lightgray")
ax2.plot(steps, [mse(predict(x, s, 0.0), y) for s in steps], "o-", ms=4, color="C3")
ax2.set_xlim(-0.5, 4.5); ax2.set_ylim(-0.5, 8)
ax2.set_xlabel("w"); ax2.set_title("the first 12 steps on L(w)")
fig.tight_layout()
plt.show()

# %% [markdown]
# **The loss surface and the descent path.** With both `w` and `b` free, the loss is a
# surface over the (w, b) plane: a bowl whose lowest point is (3, 0). The contour lines
# below join points of equal loss, like the height lines of a map. To make the walk visible
# we start from a deliberately bad point, (w, b) = (−1, 2.5). Every step goes across the
# contour lines, straight downhill, because the gradient is always perpendicular to them.

# %%
W, B = np.meshgrid(np.linspace(-2, 5, 120), np.linspace(-2, 3.5, 120))
surface = np.mean((x[:, None, None] * W + B - y[:, None, None]) ** 2, axis=0)

walk = train(-1.0, 2.5, lr=0.1, epochs=30)

plt.contour(W, B, surface, levels=np.geomspace(0.05, 40, 14), cmap="viridis", linewidths=0.8)
plt.plot(walk[:, 0], walk[:, 1], "o-", color="C3", ms=3, label="gradient descent")
plt.plot([3], [0], "k*", ms=12, label="minimum (3, 0)")
plt.xlabel("w"); plt.ylabel("b"); plt.legend(loc="upper left")
plt.title("Contours of the loss over (w, b)")
plt.show()

# %% [markdown]
# ## Try it
#
# * Set `lr = 0.01` or `lr = 1.0` in the loop above. Which one crawls and which one
#   oscillates? Try `lr = 1.2`.
# * Add noise to the data, `y = 3 * x + rng.normal(scale=0.5, size=100)`. Does `w` still reach
#   3 exactly? Why not?
# * Shift the data, `x = rng.normal(size=100) + 3`, and redraw the contour plot. The bowl
#   becomes a long, narrow valley; what does the path do?
#
# ## What comes next
#
# We found the gradient with a pen: differentiate the loss, get two formulas. That works for
# a line with two parameters. A real network has thousands of weights stacked in layers, and
# differentiating it by hand would be slow and error-prone.
#
# **Idea 5** is the way out: **backpropagation** computes exactly the same slopes, for every
# parameter at once, by recording the computation as a graph and running the chain rule
# backwards over it. It is not a new kind of learning, only an efficient way to get the
# gradient. Notebook 2 builds that graph with `autograd.Value`.
