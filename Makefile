# Two commands on a fresh machine: `make serve` runs regwatch on the default SQLite archive,
# `make test` runs the whole test suite. Both create .venv and install regwatch into it first.
# `make serve PORT=8081` serves on another port; `make demo` keeps its archive in
# ./regwatch-demo.db (DEMO_ARGS="--keep DIR" keeps it elsewhere).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?=
DEMO_ARGS ?=
# pip says nothing unless something fails: errors still reach the terminal. PYTHONWARNINGS
# silences setuptools' notices about editable installs, which are warnings, not errors.
PIP := PYTHONWARNINGS=ignore $(BIN)/python -m pip --quiet --disable-pip-version-check --no-input

.PHONY: install serve demo test lint

$(VENV)/.installed: pyproject.toml
	@echo "installing regwatch into $(VENV) (a minute or two the first time)"
	@$(PYTHON) -m venv $(VENV)
	@$(PIP) install --upgrade pip
	@$(PIP) install -e '.[test]'
	@touch $@

install: $(VENV)/.installed

serve: install
	$(BIN)/regwatch serve $(if $(PORT),--port $(PORT))

demo: install
	$(BIN)/regwatch demo $(DEMO_ARGS)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy config crawler storage diffing alerts web scheduler.py cli
