# airguard — the two commands of the README, on a fresh machine with only Python and git:
#   make demo   create .venv, install airguard, run the flagship comparison
#   make test   create or update .venv with the test extras, lint, type-check and run all tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
REPS ?= 1100
FLAGSHIP := scenarios/turkey-patriot-vs-s400/scenario.yaml

.PHONY: demo test lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

demo: $(VENV)/.installed-run
	$(BIN)/airguard run $(FLAGSHIP) --reps $(REPS) --out runs/flagship --overwrite
	@echo
	@echo "What integration into NATO's network is worth (patriot-nato minus patriot):"
	$(BIN)/airguard compare runs/flagship/patriot runs/flagship/patriot-nato

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

pytest: $(VENV)/.installed-test
	$(BIN)/python -m pytest

test: lint typecheck pytest

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/flagship_throughput.py

clean:
	rm -rf $(VENV) runs .pytest_cache .mypy_cache .ruff_cache
