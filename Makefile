# bantin: the commands the README gives. `make demo` and `make test` set themselves up from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TOOLS := .venv-tools
TOOLS_STAMP := $(TOOLS)/.installed

.PHONY: install tools demo test lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

# pywb and wacz, which the tests replay and validate the archive's WARC and WACZ files with.
tools: $(TOOLS_STAMP)

$(TOOLS_STAMP): tools/archive-tools.txt
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --upgrade pip
	$(TOOLS)/bin/pip install --quiet -r tools/archive-tools.txt
	touch $(TOOLS_STAMP)

demo: $(STAMP)
	$(BIN)/bantin demo

test: $(STAMP) $(TOOLS_STAMP)
	$(BIN)/ruff check .
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) $(TOOLS) build *.egg-info archive.db archive.db-wal archive.db-shm

bench: $(STAMP)
	$(BIN)/pip install --quiet trafilatura
	$(BIN)/python -m bench.run
