# The two commands of the README, and the checks CI runs. Each target sets up what it needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TORCH_WHEEL := $(firstword $(wildcard /opt/wheels/torch-2.13.0+cpu-*.whl))

.PHONY: demo test lint typecheck check bench graphviz clean

$(VENV)/.installed-%:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -e '.[$*]'
	touch $@

## demo: train an MLP on two moons and write its plots, model and graph to runs/moons
demo: $(VENV)/.installed-plots
	$(PY) -m nn --out runs/moons

## graphviz: install Graphviz's `dot` program when it is missing (Debian/Ubuntu, as root)
graphviz:
	@command -v dot >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -q && apt-get install -y -q graphviz; \
	  else echo "Graphviz's dot is missing: install it (apt-get install graphviz, brew install graphviz) for the rendering tests"; fi; }

## test: the whole test suite (unit, property, doctest, CLI smoke and notebooks)
test: $(VENV)/.installed-dev graphviz
	@if [ -n "$(TORCH_WHEEL)" ] && ! $(PY) -c "import torch" 2>/dev/null; then \
	  echo "installing PyTorch from $(TORCH_WHEEL) for the cross-checks (optional)"; \
	  $(PY) -m pip install -q "$(TORCH_WHEEL)" || echo "PyTorch not installed: its tests will skip"; fi
	$(PY) -m pytest -q

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.installed-dev
	$(VENV)/bin/mypy

check: lint typecheck

## bench: the benchmarks against micrograd (installs micrograd into the venv)
bench: $(VENV)/.installed-bench $(VENV)/.installed-dev
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) runs build *.egg-info
