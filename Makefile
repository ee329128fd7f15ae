# Everything the README promises, from a fresh clone: `make run`, `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed

.PHONY: run test lint bench docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever the package definition or code changes (idempotent).
SOURCES := $(BIN)/python pyproject.toml $(shell find merida_cli -type f -not -path '*/__pycache__/*')
# $(call install,SPEC): the build's notices (editable-install info) go to a log, shown only
# on failure; then byte-compile: startup stays fast even where PYTHONDONTWRITEBYTECODE is set
define install
	$(BIN)/python -m pip install --quiet -e '$(1)' > $(VENV)/install.log 2>&1 \
		|| { cat $(VENV)/install.log; exit 1; }
	$(BIN)/python -m compileall -q merida_cli > /dev/null
endef

# running needs only merida itself; the heavy parts are extras (pyproject.toml)
$(RUN_STAMP): $(SOURCES)
	$(call install,.)
	touch $(RUN_STAMP)

# developing needs every extra and the tools (and so has all that running needs)
$(DEV_STAMP): $(SOURCES)
	$(call install,.[dev])
	touch $(DEV_STAMP) $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/merida pillars

test: $(DEV_STAMP)
	$(BIN)/python -m pytest

lint: $(DEV_STAMP)
	$(BIN)/ruff check merida_cli tests benchmarks scripts

bench: $(DEV_STAMP)
	$(BIN)/python benchmarks/run.py

docs: $(DEV_STAMP)
	$(BIN)/cog -r README.md

clean:
	rm -rf $(VENV) build *.egg-info
