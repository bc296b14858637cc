"""``python -m nn``: train a small network and save its pictures; see :mod:`nn.cli`."""

from nn.cli import main

raise SystemExit(main())
