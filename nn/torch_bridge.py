"""Take a chainrule MLP to PyTorch and back, with the same weights, in float64.

A chainrule layer of neurons is a ``torch.nn.Linear``: neuron ``j``'s weights ``w`` are row
``j`` of the Linear's ``weight`` matrix and its bias ``b`` is ``bias[j]``. The layer's
activation becomes the module that follows the Linear (``relu`` -> ``nn.ReLU``, ``tanh`` ->
``nn.Tanh``, ``sigmoid`` -> ``nn.Sigmoid``; ``linear`` adds nothing). PyTorch is optional:
it is imported only here, when asked for (``pip install 'chainrule[torch]'``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nn.layers import MLP, Layer, Neuron
from nn.module import Module

__all__ = ["from_torch", "to_torch"]

# chainrule activation name <-> torch.nn module class name.
_TO_TORCH = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid"}
_FROM_TORCH = {torch_name: name for name, torch_name in _TO_TORCH.items()}


def _torch() -> Any:
    try:
        import torch
    except ImportError as err:
        raise ImportError(
            "this needs PyTorch, which chainrule does not require; install the 'torch' "
            "extra: pip install 'chainrule[torch]'"
        ) from err
    return torch


def _layers(model: Module) -> list[tuple[list[list[float]], list[float], str]]:
    """(weights, biases, activation) per layer, read through the model's public attributes."""
    if isinstance(model, MLP):
        return [row for layer in model.layers for row in _layers(layer)]
    if isinstance(model, Layer):
        neurons = list(model.neurons)
        return [([[w.data for w in n.w] for n in neurons], [n.b.data for n in neurons],
                 model.activation)]  # fmt: skip
    if isinstance(model, Neuron):
        return [([[w.data for w in model.w]], [model.b.data], model.activation)]
    raise TypeError(
        f"to_torch() converts an MLP, Layer or Neuron, got {type(model).__name__}; for a "
        "custom module, write its torch.nn.Module by hand and copy named_parameters() over"
    )


def to_torch(model: Module) -> Any:
    """A ``torch.nn.Sequential`` in float64 computing what ``model`` computes, same weights.

    The result is a fresh copy: training it does not change ``model``. Each chainrule layer
    becomes a ``Linear`` followed by its activation module (none for ``linear``).

    >>> import nn, torch  # doctest: +SKIP
    >>> model = nn.MLP(2, [4, 3], seed=0)  # doctest: +SKIP
    >>> nn.to_torch(model)  # doctest: +SKIP
    Sequential(
      (0): Linear(in_features=2, out_features=4, bias=True)
      (1): ReLU()
      (2): Linear(in_features=4, out_features=3, bias=True)
    )
    """
    torch = _torch()
    modules = []
    for weights, biases, activation in _layers(model):
        linear = torch.nn.Linear(len(weights[0]), len(weights), dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(weights, dtype=torch.float64))
            linear.bias.copy_(torch.tensor(biases, dtype=torch.float64))
        modules.append(linear)
        if activation != "linear":
            modules.append(getattr(torch.nn, _TO_TORCH[activation])())
    return torch.nn.Sequential(*modules)


def from_torch(seq: Any) -> MLP:
    """A chainrule ``MLP`` with the weights of a stack of ``Linear`` and activation modules.

    ``seq`` is a ``torch.nn.Sequential`` (or one ``Linear``) whose modules are ``Linear``
    layers, each followed by at most one of ``ReLU``, ``Tanh``, ``Sigmoid`` or ``Identity``.
    The hidden layers must share one activation (an ``MLP`` has one ``activation`` and one
    ``output_activation``). The weights are copied as float64.

    >>> import nn, torch  # doctest: +SKIP
    >>> from torch.nn import Linear, Sequential, Tanh  # doctest: +SKIP
    >>> seq = Sequential(Linear(2, 4), Tanh(), Linear(4, 1))  # doctest: +SKIP
    >>> nn.from_torch(seq).activation  # doctest: +SKIP
    'tanh'
    """
    torch = _torch()
    modules = [seq] if isinstance(seq, torch.nn.Linear) else _children(seq, torch)
    stack: list[tuple[Any, str]] = []  # (Linear, activation)
    for k, module in enumerate(modules):
        kind = type(module).__name__
        if isinstance(module, torch.nn.Linear):
            if module.bias is None:
                raise ValueError(
                    f"from_torch(): module {k} is a Linear without bias; chainrule's neurons "
                    "always have one (make it with bias=True)"
                )
            if stack and stack[-1][0].out_features != module.in_features:
                raise ValueError(
                    f"from_torch(): module {k} takes {module.in_features} inputs but the "
                    f"Linear before it gives {stack[-1][0].out_features}"
                )
            stack.append((module, "linear"))
        elif kind in _FROM_TORCH or kind == "Identity":
            if not stack or stack[-1][1] != "linear":
                raise ValueError(
                    f"from_torch(): module {k} ({kind}) must follow a Linear, and a Linear "
                    "takes at most one activation"
                )
            if kind != "Identity":
                stack[-1] = (stack[-1][0], _FROM_TORCH[kind])
        else:
            known = ", ".join(["Linear", *_FROM_TORCH, "Identity"])
            raise ValueError(
                f"from_torch(): module {k} is a {kind}, which chainrule has no layer for; "
                f"it converts stacks of {known}"
            )
    if not stack:
        raise ValueError("from_torch(): the Sequential has no Linear layer")
    hidden = {activation for _, activation in stack[:-1]}
    if len(hidden) > 1:
        raise ValueError(
            f"from_torch(): the hidden layers use different activations {sorted(hidden)}; "
            "a chainrule MLP has one activation for all hidden layers"
        )
    model = MLP(
        stack[0][0].in_features,
        [linear.out_features for linear, _ in stack],
        activation=hidden.pop() if hidden else "relu",
        output_activation=stack[-1][1],
    )
    for layer, (linear, _) in zip(model.layers, stack):
        weight = linear.weight.detach().to(torch.float64).tolist()
        bias = linear.bias.detach().to(torch.float64).tolist()
        for neuron, row, b in zip(layer.neurons, weight, bias):
            _assign(neuron.w, row)
            neuron.b.data = b
    return model


def _children(seq: Any, torch: Any) -> list[Any]:
    if not isinstance(seq, torch.nn.Sequential):
        raise TypeError(
            f"from_torch() takes a torch.nn.Sequential or Linear, got {type(seq).__name__}"
        )
    return list(seq)


def _assign(weights: Sequence[Any], row: list[float]) -> None:
    for w, value in zip(weights, row):
        w.data = float(value)
