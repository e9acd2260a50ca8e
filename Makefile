# Two commands for a newcomer on a fresh machine:
#   make assessment   set up everything, then build the demo assessment into outputs/kent_medway/<year>/
#   make test         set up everything, then lint and run the tests
# Each creates the environment if it is missing. Nothing is downloaded from outside the
# package registries (PyPI, npm, Debian).

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: assessment test setup system-deps git-filter lint notebooks-clean clean benchmark benchmark-fanout backtest-update

assessment: setup
	$(PY) pipeline.py

test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest

setup: $(STAMP) node_modules/.installed system-deps git-filter

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
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

benchmark-fanout: setup
	$(PY) benchmarks/fanout.py

# Accept a deliberate change to the demo's published tables: rebuild the reviewed copy.
backtest-update: setup
	SV_BACKTEST_UPDATE=1 $(PY) -m pytest tests/backtest -q

# Notebooks are committed in one canonical form, which the git filter, `make notebooks-clean`
# and a save from JupyterLab followed by either all agree on: outputs, execution counts and
# language_info stripped, cell ids kept (nbstripout would otherwise renumber them), the
# kernelspec as JupyterLab writes it. A fresh clone is therefore clean, and `git status` stays
# quick because the filter only runs on a notebook that has really changed.
NBSTRIPOUT       = "$(or $(realpath $(VENV)),$(abspath $(VENV)))/bin/python" -m nbstripout --keep-id
NBSTRIPOUT_KEYS  = metadata.language_info metadata.widgets cell.metadata.execution

git-filter:
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
		git config filter.nbstripout.clean '$(NBSTRIPOUT)'; \
		git config filter.nbstripout.smudge cat; \
		git config filter.nbstripout.required true; \
		git config filter.nbstripout.extrakeys '$(NBSTRIPOUT_KEYS)'; \
		git config diff.ipynb.textconv '$(NBSTRIPOUT) -t'; \
		git update-index -q --refresh >/dev/null || true; \
	fi

# JupyterLab saves outputs (and autosaves every two minutes): this strips them from the
# notebooks, never from JupyterLab's own .ipynb_checkpoints/ copies (ignored by git and tests).
notebooks-clean:
	@test -x $(VENV)/bin/nbstripout || { echo "run 'make setup' first"; exit 1; }
	find notebooks -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' -print0 \
		| xargs -0 $(NBSTRIPOUT) --extra-keys '$(NBSTRIPOUT_KEYS)'

clean:
	rm -rf build test-outputs
