"""Client programs written the way micrograd's users write them, to run on chainrule.

Each module stands for one body of micrograd code that people bring with them: the first
and second halves of the lecture "The spelled-out intro to neural networks and
backpropagation", its exercises, and micrograd's ``demo.ipynb`` and ``trace_graph.ipynb``.
They are our own programs, written to exercise what each of those does.

The engine is the only thing that changes between runs, so it is passed in: ``Value`` is
``autograd.Value`` or ``micrograd.engine.Value``, and ``nn`` is ``nn.micrograd`` or
``micrograd.nn``. Everything else in a client is plain micrograd-style code.
``tests/test_micrograd_compat.py`` runs each client on both engines and compares the numbers.
"""
