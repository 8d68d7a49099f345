# airguard — the two commands of the README, on a fresh machine with only Python and git:
#   make demo   create .venv, install airguard, run the flagship comparison and its placement
#               and exposure studies, write the report
#   make test   create or update .venv with the test extras, lint, type-check, check the
#               architecture contract and run all tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
REPS ?= 1100
FLAGSHIP_DIR := scenarios/turkey-patriot-vs-s400
FLAGSHIP := $(FLAGSHIP_DIR)/scenario.yaml
PLACEMENT_REPS ?= 100

.PHONY: demo test lint typecheck architecture pytest bench clean browser-deps docs

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
	@echo
	@echo "Where four Patriot batteries best protect the assets (placement study):"
	$(BIN)/airguard optimize $(FLAGSHIP) --variant patriot --system patriot --units 4 \
	  --candidates $(FLAGSHIP_DIR)/placement.yaml --reps $(PLACEMENT_REPS) \
	  --out runs/flagship/placement.json
	@echo
	@echo "What an S-400 at Murted sees of allied training flights (exposure study):"
	$(BIN)/airguard exposure $(FLAGSHIP_DIR)/exposure.yaml --rcs all --out runs/flagship/exposure
	@echo
	@echo "How long the SEAD package's aircraft fly in each S-400 battalion's reach (exposure study):"
	$(BIN)/airguard exposure $(FLAGSHIP) --variant s-400-sead --out runs/flagship/exposure-sead
	@echo
	$(BIN)/airguard report runs/flagship --placement runs/flagship/placement.json \
	  --exposure runs/flagship/exposure --exposure runs/flagship/exposure-sead \
	  --robustness $(FLAGSHIP_DIR)/robustness.json --out runs/flagship/report.html
	@echo "Open the report (works offline): $(CURDIR)/runs/flagship/report.html"

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

# The architecture contract (pyproject.toml, [tool.importlinter]): the layers of the data
# flow, and no import cycles.
architecture: $(VENV)/.installed-test
	$(BIN)/lint-imports

# The browser tests (tests/browser) drive Debian's chromium through Playwright's
# executable_path (never Playwright's own browser download): install it if it is missing.
# Country borders need nothing here: Natural Earth ships inside the package.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo "installing Debian's chromium for the browser tests"; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

pytest: $(VENV)/.installed-test browser-deps
	$(BIN)/python -m pytest

test: lint typecheck architecture pytest

# The documentation site (mkdocs.yml) into site/. --strict fails on a broken link or a
# missing API object; tests/test_docs_site.py builds it the same way in `make test`.
docs: $(VENV)/.installed-test
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/flagship_throughput.py

clean:
	rm -rf $(VENV) runs .pytest_cache .mypy_cache .ruff_cache
