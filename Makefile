# Two commands for a new user: `make demo` and `make test`. Both create .venv and install what they need.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP_FLAGS ?= --disable-pip-version-check -q

.PHONY: demo test test-fast lint install dev clean

$(BIN)/muniaudit: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install $(PIP_FLAGS) -e .
	@touch $@

$(VENV)/.dev: $(BIN)/muniaudit
	$(BIN)/pip install $(PIP_FLAGS) -e '.[dev]'
	@touch $@

install: $(BIN)/muniaudit

dev: $(VENV)/.dev

## Serve the bundled fictional sites on loopback, crawl, audit and write the reports to demo-out/
demo: $(BIN)/muniaudit
	$(BIN)/muniaudit demo --out demo-out

## The whole test suite (slow, PostgreSQL and browser tests included; they skip with a reason if absent)
test: $(VENV)/.dev
	$(BIN)/python -m pytest

test-fast: $(VENV)/.dev
	$(BIN)/python -m pytest -m "not slow"

## Style (ruff) and the doors between the rooms (import-linter contract in pyproject.toml; docs/architecture.md)
lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-logo

clean:
	rm -rf $(VENV) demo-out demo-out-datos test-artifacts .pytest_cache
