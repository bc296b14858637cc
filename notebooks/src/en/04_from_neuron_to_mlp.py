# %% [markdown]
# # 4. From one neuron to a multi-layer perceptron
#
# We now have every piece: a model that predicts (idea 1), a loss (idea 2), the gradient
# (idea 3, computed by backprop, idea 5) and the update (idea 4). This notebook puts them to
# work on classification, the task neural networks are best known for.
#
# The advice is to master one layer before many, so we go in three steps:
#
# 1. **one neuron** on two interleaving moons: it can only draw a straight line;
# 2. **a multi-layer perceptron** (MLP) on the same moons: it can bend the line;
# 3. **three classes** on spirals, with softmax and cross-entropy.
#
# The library used here is `nn`: `Neuron`, `MLP`, the losses, `SGD`, `Adam` and `fit`,
# all built on `autograd.Value`.

# %%
import sys, pathlib
sys.path.insert(0, str(pathlib.Path.cwd().parents[0]))  # the repo root: run from a checkout

import numpy as np
import matplotlib.pyplot as plt

from autograd import Value, draw_dot
import nn

plt.rcParams.update({"figure.figsize": (5, 3.5), "figure.dpi": 90})

# %% [markdown]
# ## One neuron
#
# A neuron is the model of notebook 1 with more inputs and a bend at the end:
#
# $$\text{out} = \text{activation}(w_1 x_1 + w_2 x_2 + \dots + b) = \text{activation}(w \cdot x + b)$$
#
# The weighted sum is a single `dot` node in the graph, and the activation (here `tanh`) is
# one more. Every parameter is a `Value` named after its place in the model.

# %%
neuron = nn.Neuron(2, activation="tanh", seed=0)
out = neuron([1.0, -2.0])
print([name for name, _ in neuron.named_parameters()])
out.backward()
draw_dot(out)

# %% [markdown]
# ## The data: two moons
#
# Each point has two coordinates and a class, 0 or 1. The two classes interleave, so no
# straight line separates them perfectly.

# %%
X, y = nn.make_moons(100, noise=0.1, seed=0)

def scatter(X, y, ax=None):
    ax = ax or plt.gca()
    for k, marker in zip(range(int(y.max()) + 1), "o^s"):
        ax.scatter(X[y == k, 0], X[y == k, 1], s=14, marker=marker, edgecolor="k",
                   linewidth=0.3, label=f"class {k}", zorder=3)

scatter(X, y)
plt.legend(); plt.title("make_moons(100, noise=0.1)")
plt.show()

# %% [markdown]
# ## A loss for classification: the hinge loss
#
# For two classes the model outputs one **score** `s`: positive means "class 1", negative
# "class 0". Write the label as `t = +1` or `t = −1`. Then `t·s` is positive when the
# prediction is right, and large when it is right with confidence. The **hinge loss**
#
# $$L = \max(0,\ 1 - t\,s)$$
#
# is zero once a point is on the right side with a margin of at least 1, and grows
# linearly the more wrong it is. So only the points that are wrong or barely right produce a
# gradient: the model spends its effort where it is needed.

# %%
margins = np.linspace(-2, 3, 200)
plt.plot(margins, np.maximum(0, 1 - margins))
plt.axvline(0, color="gray", lw=0.8, ls=":")
plt.xlabel("t · s   (right side of 0 = correct)"); plt.ylabel("hinge loss")
plt.title("Zero once right by a margin of 1")
plt.show()

# %% [markdown]
# ## Training one neuron
#
# Here is the training loop, written out, with the optimizer `nn.SGD` doing the update
# `p ← p − η·p.grad` for every parameter. It is the six steps of notebook 1, unchanged.
# The neuron is linear (no activation), so its decision boundary, where the score is 0,
# is the straight line `w₁x₁ + w₂x₂ + b = 0`.

# %%
def train(model, X, y, optimizer, epochs):
    losses = []
    for epoch in range(epochs):
        scores = [model(row) for row in X.tolist()]                # predict
        loss = nn.batch_loss(nn.hinge_loss, scores, y.tolist())    # loss (mean over points)
        optimizer.zero_grad()                                      # forget the old gradient
        loss.backward()                                            # gradient, by backprop
        optimizer.step()                                           # update
        losses.append(loss.data)
    return losses

def accuracy(model, X, y):
    return np.mean((model.predict(X)[:, 0] > 0) == y)

neuron = nn.Neuron(2, activation="linear", seed=0)
neuron_losses = train(neuron, X, y, nn.SGD(neuron.parameters(), lr=0.1), epochs=50)
print(f"one neuron: loss {neuron_losses[-1]:.3f}, accuracy {accuracy(neuron, X, y):.0%}")

# %% [markdown]
# To see what a model has learned, colour the plane by its prediction: evaluate it on a grid
# of points (`model.predict` does this with NumPy, without building any graph) and draw the
# line where the score crosses 0.

# %%
def plot_boundary(model, X, y, title, ax=None, classes=2):
    ax = ax or plt.gca()
    xx, yy = np.meshgrid(np.linspace(X[:, 0].min() - 0.5, X[:, 0].max() + 0.5, 150),
                         np.linspace(X[:, 1].min() - 0.5, X[:, 1].max() + 0.5, 150))
    scores = model.predict(np.column_stack([xx.ravel(), yy.ravel()]))
    if classes == 2:
        region = (scores[:, 0] > 0).reshape(xx.shape)
        ax.contour(xx, yy, scores[:, 0].reshape(xx.shape), levels=[0], colors="k", linewidths=1)
    else:
        region = scores.argmax(axis=1).reshape(xx.shape)
    ax.contourf(xx, yy, region, levels=np.arange(classes + 1) - 0.5,
                colors=["C0", "C1", "C2"][:classes], alpha=0.25)
    scatter(X, y, ax)
    ax.set_title(title)

plot_boundary(neuron, X, y, f"One linear neuron: {accuracy(neuron, X, y):.0%} correct")
plt.show()

# %% [markdown]
# The neuron has found the best straight line, and it is not good enough: the tips of each
# moon reach into the other's side. No amount of training will fix that. The model, not the
# learning, is the limit.
#
# ## A multi-layer perceptron
#
# Stack neurons in **layers**: every neuron of a layer sees all the outputs of the layer
# before. The hidden layers use the `relu` activation, `max(0, z)`: each hidden neuron
# draws its own line and switches on only on one side of it, and the next layer combines
# these pieces into a bent boundary. Here is a tiny MLP, 2 inputs → 2 hidden neurons → 1
# output, drawn with each neuron boxed (`cluster=True`).

# %%
tiny = nn.MLP(2, [2, 1], seed=0)
draw_dot(tiny([1.0, -2.0]), cluster=True)

# %% [markdown]
# For the moons we use two hidden layers of 16 neurons. The training loop is exactly the
# same; only the model changed. Gradient descent with **momentum** (notebook 6 explains it)
# gets there in fewer steps.

# %%
model = nn.MLP(2, [16, 16, 1], activation="relu", seed=0)
print(model)
print("parameters:", model.num_parameters())

mlp_losses = train(model, X, y, nn.SGD(model.parameters(), lr=0.1, momentum=0.9), epochs=60)
print(f"MLP: loss {mlp_losses[-1]:.3f}, accuracy {accuracy(model, X, y):.0%}")

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.5))
ax1.plot(neuron_losses, label="one neuron")
ax1.plot(mlp_losses, label="MLP 16-16")
ax1.set_xlabel("epoch"); ax1.set_ylabel("hinge loss"); ax1.legend(); ax1.set_title("loss curves")
plot_boundary(model, X, y, f"MLP: {accuracy(model, X, y):.0%} correct", ax=ax2)
fig.tight_layout()
plt.show()

# %% [markdown]
# The boundary now bends around the tips of the moons. The loss of the single neuron levels
# off early, while the MLP's keeps falling.
#
# ## Three classes: softmax and cross-entropy
#
# With more than two classes the model outputs **one score per class**. Two steps turn the
# scores into a loss:
#
# 1. **softmax** turns scores `z` into probabilities: $p_k = e^{z_k} / \sum_j e^{z_j}$.
#    Every `p_k` is positive and they add up to 1; the largest score gets the largest share.
# 2. **cross-entropy** is $L = -\log p_{\text{correct}}$: zero when the model puts all its
#    probability on the right class, large when it is confidently wrong.
#
# Its gradient with respect to the scores is remarkably simple: `p − onehot(correct)`.
# Raise the right class's score, lower the others in proportion to their probability.

# %%
scores = [Value(2.0), Value(1.0), Value(-1.0)]
probs = np.exp([s.data for s in scores]) / np.exp([s.data for s in scores]).sum()
print("scores:       ", [s.data for s in scores])
print("softmax:      ", probs.round(3), " (sum", probs.sum().round(6), ")")
for label in range(3):
    print(f"if the class is {label}: cross-entropy = -log {probs[label]:.3f} = "
          f"{nn.cross_entropy(scores, label).data:.3f}")

loss = nn.cross_entropy(scores, 0)
loss.backward()
print("gradient for class 0:", [round(s.grad, 3) for s in scores],
      " = p - [1, 0, 0]:", (probs - [1, 0, 0]).round(3))

# %% [markdown]
# The spirals: three arms winding out of the centre, one per class. Here we let `nn.fit`
# run the loop (the same six steps, in minibatches of 20 points) with the **Adam**
# optimizer, and ask it for a history of the loss and the accuracy.

# %%
Xs, ys = nn.make_spirals(120, n_classes=3, noise=0.05, seed=0)
spiral_model = nn.MLP(2, [16, 16, 3], activation="relu", seed=0)
history = nn.fit(spiral_model, Xs, ys, loss=nn.cross_entropy,
                 optimizer=nn.Adam(spiral_model.parameters(), lr=0.02),
                 epochs=50, batch_size=20, progress=False)
print(f"after {history.epochs} epochs: loss {history.loss[-1]:.3f}, "
      f"accuracy {history.accuracy[-1]:.0%}")

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.5))
ax1.plot(history.loss, label="cross-entropy")
ax1.plot(history.accuracy, label="accuracy")
ax1.set_xlabel("epoch"); ax1.legend(); ax1.set_title("training on the spirals")
plot_boundary(spiral_model, Xs, ys, "Decision regions of the MLP", ax=ax2, classes=3)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Summary
#
# * A neuron is `activation(w·x + b)`: the model of notebook 1 with more inputs and a bend.
# * One neuron draws a straight boundary. Layers of neurons with a nonlinearity between them
#   can draw curved ones.
# * For two classes the hinge loss scores one output; for several classes softmax turns
#   scores into probabilities and cross-entropy punishes a low probability on the right one.
# * The learning is the same at every size: predict, loss, `backward()`, update, repeat.
#
# Notebook 5 asks how we know that `backward()` got the gradient right.
