# Two commands for a newcomer on a fresh machine:
#   make assessment   set up everything, then build the demo assessment into outputs/<year>/
#   make test         set up everything, then lint and run the tests
# Each creates the environment if it is missing. Nothing is downloaded from outside the
# package registries (PyPI, npm, Debian).

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: assessment test setup system-deps lint notebooks-clean clean benchmark backtest-update

assessment: setup
	$(PY) pipeline.py

test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest

setup: $(STAMP) node_modules/.installed system-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	-$(VENV)/bin/nbstripout --install --attributes .gitattributes 2>/dev/null
	touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --silent
	touch $@

# Debian's Chromium draws the PDF's chart images (Kaleido) and runs the browser tests.
system-deps:
	@if command -v chromium >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation >/dev/null; \
	else echo "Chromium not found: install it (sudo apt-get install chromium) to make the PDF."; fi

benchmark: setup
	$(PY) benchmarks/run.py

# Accept a deliberate change to the demo's published tables: rebuild the reviewed copy.
backtest-update: setup
	SV_BACKTEST_UPDATE=1 $(PY) -m pytest tests/backtest -q

notebooks-clean: setup
	$(VENV)/bin/nbstripout notebooks/*.ipynb notebooks/**/*.ipynb

clean:
	rm -rf build test-outputs
