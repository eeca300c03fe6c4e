# The two commands of the README: `make demo` and `make test`. Both make their own venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.seedgen-installed
DEMO_DIR ?= build/demo
CHROMIUM ?= /usr/bin/chromium

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-test.txt -e .
	touch $(STAMP)

demo: $(STAMP)
	mkdir -p $(DEMO_DIR)
	SEEDGEN_DEMO_DB=$(DEMO_DIR)/demo.sqlite3 $(BIN)/seedgen demo --profile profiles/blog.yaml --output $(DEMO_DIR)/blog.json

# The browser test (tests/contrib/test_e2e_browser.py) drives Debian's Chromium: Playwright's own
# browser download cannot be fetched everywhere. As root (CI) make installs it; otherwise it says how.
$(CHROMIUM):
	@if [ "$$(id -u)" -eq 0 ]; then \
		echo "installing Debian's chromium for the browser test"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	else \
		echo "$(CHROMIUM) is missing: 'sudo apt-get install chromium' for the browser test (it skips until then)"; \
	fi

test: $(STAMP) $(CHROMIUM)
	$(BIN)/ruff check seedgen tests factories bench
	SEEDGEN_CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -r bench/requirements.txt
	$(BIN)/python bench/export_memory.py
	$(BIN)/python bench/insert_memory.py
	$(BIN)/python bench/insert_speed.py
	$(BIN)/python bench/copy_limit.py
	$(BIN)/python bench/sqlite_limit.py
	$(BIN)/python bench/mysql_load_data.py
	$(BIN)/python bench/baselines.py --posts 10000 --with-classic
	$(BIN)/python bench/growth.py

clean:
	rm -rf $(VENV) build
