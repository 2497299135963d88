# Two commands set up a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
export FITLAKE_HOME ?= ./lakehouse

# Data set used by `make run`: the generator's small scale, one seed, so reruns are byte-identical.
SCALE ?= small
SEED  ?= 7

.PHONY: run test lint format clean help

help:
	@echo "make run    create .venv, install, generate data, run the whole pipeline, print a summary"
	@echo "make test   create .venv, install with dev extras, run ruff and the whole test suite"
	@echo "make clean  remove the lakehouse folder ($(FITLAKE_HOME))"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# A stamp per install flavour, remade whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[local]"
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[local,dev]"
	@touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/fitlake generate --scale $(SCALE) --seed $(SEED)
	$(BIN)/fitlake run

# checkov pins packaging and ships its own `hcl2` module (bc-python-hcl2), which clashes with python-hcl2
# in .venv; so it gets a virtualenv of its own, made once (about 30 s), used by tests/terraform.
CHECKOV_VERSION := 3.3.30
CHECKOV_VENV    := .venv-checkov

$(CHECKOV_VENV)/bin/checkov:
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet checkov==$(CHECKOV_VERSION)

test: $(VENV)/.installed-dev $(CHECKOV_VENV)/bin/checkov
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf "$(FITLAKE_HOME)"
