"""Pictures of the computation graph, drawn with Graphviz.

``draw_dot(root)`` returns a ``graphviz.Digraph``: a box per Value (its name, ``data`` and
``grad``), an oval per operation, and arrows in the direction the forward pass ran. Backprop
runs along the same arrows, backwards. In Jupyter the result displays itself; elsewhere call
``.render()`` or ``.pipe(format="svg")``, or ``write_graph(root, path)``. Building the picture
needs only the ``graphviz`` Python package; turning it into an image needs Graphviz's ``dot``
program, and without it every rendering method raises ``GraphvizNotFoundError``, which says
how to install it.

A network's loss has thousands of nodes, far too many for one readable picture. So by default
only the ``max_nodes`` Values nearest the root are drawn and the rest are summarised in one
box; ``focus=node, depth=k`` draws the neighbourhood of one node instead, ``cluster=True`` boxes
the nodes of each Neuron and Layer together (by their dotted labels, such as
``layers.0.neurons.3.w.1``), and ``color_by_grad=True`` shades every Value by the size of its
gradient, so vanishing (blue) and exploding (red) gradients stand out.

``step=k`` draws backprop in progress, as ``explain(root)`` tells it: the node of step ``k``
highlighted, the arrows that have carried gradient so far in red with the amount they
carried, and only the gradients known so far (the others read ``?``).

The modules: ``graph`` (``draw_dot``), ``layout`` (what to draw, module boxes), ``style``
(colours, cells), ``frames`` (backprop in progress), ``widget`` (a Jupyter slider),
``files`` (``write_graph``) and ``backend`` (Graphviz, checked).
"""

from autograd.draw.backend import GraphvizNotFoundError
from autograd.draw.files import write_graph
from autograd.draw.graph import draw_dot
from autograd.draw.style import grad_color
from autograd.draw.widget import frames_widget

__all__ = ["GraphvizNotFoundError", "draw_dot", "frames_widget", "grad_color", "write_graph"]
