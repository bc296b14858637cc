# %% [markdown]
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

# %%
import sys, pathlib
sys.path.insert(0, str(pathlib.Path.cwd().parents[0]))  # the repo root: run from a checkout

from IPython.display import display
from autograd import Value, draw_dot, explain, topo_sort

# %% [markdown]
# ## The example: one prediction and its loss
#
# The same graph as in notebook 2: the model `ŷ = x·w + b` on the point `x = 2`, `y = 6`,
# with `w = 0.5`, `b = 0` and the squared error as the loss.

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
draw_dot(loss)

# %% [markdown]
# ## Which node first? The order matters
#
# A node may send its gradient back only once that gradient is **complete**, that is, once
# every node that used it has already sent its share. Otherwise it would pass on a partial
# sum. The order that guarantees this is the **topological order** read backwards: sort the
# nodes so that every node comes after the nodes it was computed from, then walk the list
# from the end. The output comes first, the inputs last.

# %%
order = topo_sort(loss)
print("forward order (inputs first):", [v.label or v.data for v in order])
print("backprop visits:             ", [v.label for v in reversed(order) if v.parents])

# %% [markdown]
# Leaves (`x`, `w`, `b`, `y` and the constant 2) are not visited: they were made by no
# operation, so there is nothing behind them to send a gradient to.
#
# ## The table: every multiplication of backprop
#
# `explain(loss)` runs the same walk as `loss.backward()` but writes down each step instead
# of only updating `.grad`. Each line is one product `upstream × local`, sent to one parent;
# the last column is that parent's gradient so far.

# %%
e = explain(loss)
print(e)

# %% [markdown]
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

# %%
for k in range(len(e)):
    print(f"after step {k}: node {e.name(e[k].node)}, upstream {e[k].upstream:g}")
    display(e.frame(k))

# %% [markdown]
# ## The steps are data
#
# Each step is an object you can inspect: the node, its upstream gradient, and one
# contribution per parent. We can check the rule `product = upstream × local` on every line,
# and check that the replay agrees with `backward()`. (`explain` keeps its own tally, so it
# never changes `.grad`.)

# %%
step = e[3]
print("node:", e.name(step.node), "  upstream:", step.upstream)
for parent, local, product in step.contributions:
    print(f"  to {e.name(parent)}: {step.upstream:g} × {local:g} = {product:g}")

assert all(c.product == s.upstream * c.local for s in e for c in s.contributions)

print("before backward(): w.grad =", w.grad)
loss.backward()
print("after backward():  w.grad =", w.grad, "  explain says", e.grads[w])

# %% [markdown]
# ## When paths meet: partial and complete gradients
#
# In the example above every node was used once. Now let `a` be used twice:
# `g = a·b` and `f = g + a`. Then `df/da = b + 1`, the sum of two paths. Backprop reaches
# `a` twice: first from `f` (the direct path, contributing 1), then from `g` (contributing
# `b`). Between the two steps `a`'s gradient is only partial, drawn as `grad 1 + ?`; that
# is exactly why `a` must not be processed until both have run.

# %%
a, b2 = Value(2.0, label="a"), Value(-3.0, label="b")
g = a * b2; g.label = "g"
f = g + a;  f.label = "f"
e2 = explain(f)
print(e2)

# %%
for k in range(len(e2)):
    snap = e2.after(k)
    state = "complete" if a in snap.complete else "partial"
    print(f"after step {k}: a has received {snap.grads.get(a, 0.0):g} ({state})")
    display(e2.frame(k))

# %% [markdown]
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

# %%
def f100(xs):
    total = xs[0] * xs[1]
    for i in range(1, len(xs) - 1):
        total = total + xs[i] * xs[i + 1]
    return total

inputs = [Value(0.01 * i) for i in range(100)]
out = f100(inputs)
nodes = len([v for v in topo_sort(out) if v.parents])
print(f"one forward pass computes {nodes} nodes")
print(f"backprop:            {nodes} forward + {nodes} backward steps = {2 * nodes}")
print(f"finite differences:  2 × 100 forward passes × {nodes} nodes = {2 * 100 * nodes}")

# %% [markdown]
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
