# Everything the README promises, from a fresh clone: `make run`, `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever the package definition or code changes (idempotent).
$(STAMP): $(BIN)/python pyproject.toml $(shell find merida_cli -type f -not -path '*/__pycache__/*')
	@# the build's notices (editable-install info) go to a log, shown only on failure
	$(BIN)/python -m pip install --quiet -e '.[dev]' > $(VENV)/install.log 2>&1 \
		|| { cat $(VENV)/install.log; exit 1; }
	@# byte-compile now: startup stays fast even where PYTHONDONTWRITEBYTECODE is set
	$(BIN)/python -m compileall -q merida_cli > /dev/null
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/merida pillars

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check merida_cli tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

docs: $(STAMP)
	$(BIN)/cog -r README.md

clean:
	rm -rf $(VENV) build *.egg-info
