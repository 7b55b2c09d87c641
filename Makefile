# Two commands on a fresh machine: `make serve` runs regwatch on the default SQLite archive,
# `make test` runs the whole test suite. Both create .venv and install regwatch into it first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install serve demo test lint

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

serve: install
	$(BIN)/regwatch serve

demo: install
	$(BIN)/regwatch demo

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy config crawler storage diffing alerts web scheduler.py cli
