# The two commands of the quick start: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup lint typecheck unit pg-test office-test bench clean

setup: $(STAMP)

# Every package, pip included, installs at its constraints.txt pin (tests/test_pins.py compares the venv with it).
$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

run: setup
	$(BIN)/duban run

lint: setup
	$(BIN)/ruff check bot knowledge handlers tests
	$(BIN)/mypy

unit: setup
	$(BIN)/pytest -q

# The same suite against PostgreSQL (the machine's server, or Debian's package installed when missing),
# started by scripts/with-postgres; skipped loudly when no server can start.
pg-test: setup
	scripts/with-postgres $(BIN)/pytest -q

# Old .doc/.xls imports through LibreOffice (Debian's headless Writer and Calc installed when missing;
# skipped loudly when it cannot be had).
office-test: setup
	scripts/with-libreoffice $(BIN)/pytest -q tests/test_ingest_formats.py

test: lint unit pg-test office-test

bench: setup
	$(BIN)/duban bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
