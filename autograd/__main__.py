"""``python -m autograd``: see :mod:`autograd.cli`."""

from autograd.cli import main

raise SystemExit(main())
