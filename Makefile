# The two commands of the README: `make demo` and `make test`. Both make their own venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.seedgen-installed
DEMO_DIR ?= build/demo

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-test.txt -e .
	touch $(STAMP)

demo: $(STAMP)
	mkdir -p $(DEMO_DIR)
	SEEDGEN_DEMO_DB=$(DEMO_DIR)/demo.sqlite3 $(BIN)/seedgen demo --profile profiles/blog.yaml --output $(DEMO_DIR)/blog.json

test: $(STAMP)
	$(BIN)/ruff check seedgen tests factories bench
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/export_memory.py
	$(BIN)/python bench/insert_memory.py
	$(BIN)/python bench/insert_speed.py
	$(BIN)/python bench/copy_limit.py
	$(BIN)/python bench/mysql_load_data.py

clean:
	rm -rf $(VENV) build
