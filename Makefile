# The two commands of the README, and the checks CI runs. Each target sets up what it needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# PyTorch, optional, for the cross-checks: pinned to its CPU build (the exact version with
# "+cpu"), so pip can never pull a CUDA build. PyPI carries no "+cpu" wheels; where pip does not
# already find one, point it at PyTorch's CPU index, e.g.
#   make test TORCH_INDEX=https://download.pytorch.org/whl/cpu
TORCH ?= torch==2.13.0+cpu
TORCH_INDEX ?=

.PHONY: demo test lint typecheck check bench graphviz fonts chromium torch clean

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

## fonts: install a font with Japanese glyphs when none is there (Debian/Ubuntu, as root)
fonts:
	@fc-list :lang=ja 2>/dev/null | grep -q . || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -q && apt-get install -y -q fontconfig fonts-noto-cjk; \
	  else echo "No Japanese font: install one (apt-get install fonts-noto-cjk) for the Japanese notebooks and plots"; fi; }

## chromium: Debian's Chromium for the browser tests of the explain page and the report
## (Playwright drives this system browser; no browser is ever downloaded)
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -q && apt-get install -y -q chromium; \
	  else echo "Chromium is missing: install it (apt-get install chromium) for the browser tests, which skip without it"; fi; }

## torch: PyTorch for the cross-checks, if pip can get the pinned CPU build (never fails)
torch: $(VENV)/.installed-dev
	@$(PY) -c "import torch" 2>/dev/null || { \
	  echo "installing $(TORCH) for the cross-checks (optional)"; \
	  $(PY) -m pip install -q --only-binary=:all: "$(TORCH)" \
	    $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX)) \
	  || echo "PyTorch not installed: its cross-checks will skip"; }

## test: the whole test suite (unit, property, doctest, CLI smoke and notebooks)
test: $(VENV)/.installed-dev graphviz fonts chromium torch
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
