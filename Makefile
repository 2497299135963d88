# Two commands set up a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
export FITLAKE_HOME ?= ./lakehouse

# Data set used by `make run`: the generator's small scale, one seed, so reruns are byte-identical.
SCALE ?= small
SEED  ?= 7

.PHONY: run test lint format clean help debian-packages

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

# Debian packages the tests need: chromium (the dashboard's browser test; Playwright never downloads a browser here)
# and npm (fetches the Compose specification's schema). Installed with apt-get when missing: as root, or through sudo;
# otherwise the line says what to run. A `chromium-browser` on the PATH will do (GitHub's Ubuntu runners have one; their
# apt `chromium` is a snap stub).
DEBIAN_PACKAGES := chromium npm

debian-packages:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do \
		command -v $$p >/dev/null 2>&1 || command -v $$p-browser >/dev/null 2>&1 || echo $$p; done); \
	[ -z "$$missing" ] || { \
		if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; \
		else echo "the tests need: apt-get install -y $$missing (as root)" >&2; exit 1; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; }

test: $(VENV)/.installed-dev $(CHECKOV_VENV)/bin/checkov debian-packages
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
