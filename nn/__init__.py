"""nn: neurons, layers, MLPs, losses, optimizers, data sets and a training loop on autograd.

The path a network learns by: predict, measure the error (the loss), follow the gradient
(``backward()``), update the parameters (an optimizer's ``step()``), repeat (``fit``).
"""

__all__: list[str] = []
