# The two commands of the README. Everything else is in config/launcher.py.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint messages

run: $(STAMP)
	$(BIN)/python -m config.launcher run

# make test ARGS="tests/core -x"
test: $(STAMP)
	$(BIN)/python -m config.launcher test $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

messages: $(STAMP)
	$(BIN)/python -m config.launcher compile-messages

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)
