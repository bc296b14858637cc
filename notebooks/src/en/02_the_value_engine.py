# %% [markdown]
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

# %%
import sys, pathlib
sys.path.insert(0, str(pathlib.Path.cwd().parents[0]))  # the repo root: run from a checkout

from autograd import Value, draw_dot, vsum

# %% [markdown]
# ## A Value is a number with a memory
#
# Wrap a number in `Value` and compute with it as usual. Each result is a new `Value` that
# also records **which operation** made it (`op`) and **from which inputs** (`parents`).
# Those records, linked together, are the computational graph.

# %%
a = Value(2.0, label="a")
b = Value(-3.0, label="b")
c = a * b
print(c)
print("op:", repr(c.op), "  parents:", [p.label for p in c.parents])
print("a is a leaf (made by no operation): op =", repr(a.op), " parents =", a.parents)

# %% [markdown]
# ## The graph of one prediction and its loss
#
# Take the model of notebook 1, `ŷ = x·w + b`, and a single data point of `y = 3x`:
# `x = 2`, so the right answer is `y = 6`. The weight starts at `w = 0.5`, the bias at
# `b = 0`. We compute the prediction and the squared error, labelling every step so that
# the picture can name it.

# %%
x = Value(2.0, label="x")
y = Value(6.0, label="y")
w = Value(0.5, label="w")
b = Value(0.0, label="b")

xw = x * w;        xw.label = "x·w"
y_hat = xw + b;    y_hat.label = "ŷ"
err = y_hat - y;   err.label = "ŷ - y"
loss = err ** 2;   loss.label = "L"

print(f"prediction ŷ = {y_hat.data}, error = {err.data}, loss L = {loss.data}")
draw_dot(loss)

# %% [markdown]
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

# %%
e = err.data
dL_dw_by_hand = (2 * e) * 1 * 1 * x.data
dL_db_by_hand = (2 * e) * 1 * 1
print("by hand:   dL/dw =", dL_dw_by_hand, "  dL/db =", dL_db_by_hand)

# %% [markdown]
# ## The same thing, by `backward()`
#
# `loss.backward()` does exactly that multiplication, for every node at once. It starts at
# `L` with `dL/dL = 1` and walks the graph backwards. At each node it takes the gradient that
# has arrived there (the *upstream* gradient), multiplies it by the node's local derivatives,
# and passes the products to the node's parents. When it is done, every node's `.grad` holds
# `dL/d(node)`.

# %%
loss.backward()
print("backward:  dL/dw =", w.grad, "  dL/db =", b.grad)
assert w.grad == dL_dw_by_hand and b.grad == dL_db_by_hand

# %% [markdown]
# Identical. Now the picture shows a gradient in every box: read it right to left, it is the
# backward pass. Notice that `x` and `y` also received gradients (`dL/dx`, `dL/dy`); the
# engine does not know which leaves are parameters, it simply computes them all.

# %%
draw_dot(loss)

# %% [markdown]
# The local derivatives are not hidden: each node will tell you its own, one per parent, in
# the order of `parents`. These are the factors the chain rule multiplies.

# %%
print("node    op   parent   local derivative d(node)/d(parent)")
for node in (loss, err, y_hat, xw):
    for i, (parent, local) in enumerate(zip(node.parents, node.local_grads())):
        name = parent.label or f"{parent.data:g}"  # the constant 2 has no label
        first = f"{node.label:6}  {node.op:3}" if i == 0 else " " * 11
        print(f"{first}  {name:7}  {local:g}")

# %% [markdown]
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

# %%
a = Value(2.0, label="a")
f = a * a + a
f.label = "f"
f.backward()
print("df/da by backward:", a.grad, "  by calculus: 2a + 1 =", 2 * a.data + 1)
draw_dot(f)

# %% [markdown]
# That addition has a side effect you must know about when training: `backward()` **adds**
# to `.grad`, it does not overwrite it. Call it twice and every gradient doubles. A training
# loop therefore resets the gradients before each backward pass (`zero_grad()`).

# %%
f.backward()
print("after a second backward():", a.grad)
f.zero_grad()
f.backward()
print("after zero_grad() and backward():", a.grad)

# %% [markdown]
# ## A neuron with a nonlinearity
#
# Real neurons pass `xw + b` through an **activation** such as `tanh`, which bends the
# straight line so that a network can fit curves. It is just one more node with its own
# local derivative, `d tanh(n)/dn = 1 − tanh(n)²`, and the chain rule handles it like the
# rest.

# %%
x1, x2 = Value(2.0, label="x1"), Value(-2.0, label="x2")
w1, w2 = Value(0.5, label="w1"), Value(0.25, label="w2")
bias = Value(0.3, label="b")
n = x1 * w1 + x2 * w2 + bias; n.label = "n"
o = n.tanh();                 o.label = "o"
o.backward()

print(f"o = tanh({n.data:.4f}) = {o.data:.4f}")
print(f"do/dn by hand: 1 - o² = {1 - o.data ** 2:.4f};   by backward: {n.grad:.4f}")
print(f"do/dw1 by hand: (1 - o²)·x1 = {(1 - o.data ** 2) * x1.data:.4f};   by backward: {w1.grad:.4f}")
draw_dot(o)

# %% [markdown]
# ## Notebook 1 again, without any calculus
#
# Here is the training loop of notebook 1, on 20 points of `y = 3x`, with the gradient now
# coming from `backward()`. Compare it with the hand-made loop: steps 4 (`grad_w = ...`,
# `grad_b = ...`) have become one line, and nothing in it depends on the model being a
# straight line.

# %%
import random
random.seed(0)
xs = [random.gauss(0, 1) for _ in range(20)]
ys = [3 * xi for xi in xs]

w, b = Value(0.5, label="w"), Value(0.0, label="b")
lr = 0.1
for epoch in range(60):
    loss = vsum((xi * w + b - yi) ** 2 for xi, yi in zip(xs, ys)) / len(xs)  # predict + loss
    w.grad = b.grad = 0.0                                                      # zero the grads
    loss.backward()                                                            # the gradient
    if epoch % 10 == 0:
        print(f"epoch {epoch:2d}   loss = {loss.data:.6f}   w = {w.data:.4f}   b = {b.data:+.4f}")
    w.data -= lr * w.grad                                                      # update
    b.data -= lr * b.grad
print(f"learned:  w = {w.data:.4f}   b = {b.data:+.4f}")

# %% [markdown]
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
