# Klima.Werk measure registry. `make run` and `make test` do all set-up themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
KW := $(BIN)/klimawerk
DEMO_COUNT ?= 20000
DEMO_SEED ?= 1

VENDOR := app/web/static/vendor/versions.json

.PHONY: run test lint fmt migrate db-start db-stop data bench system-deps assets clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV) || { echo "python3-venv is missing: apt-get install python3-venv"; exit 1; }

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

system-deps:
	@bash scripts/system-deps.sh $(SYSTEM_TOOLS)

# The map's libraries: pinned in package-lock.json, fetched from the npm registry and
# copied into the app's static files, so that the map asks no other host for anything.
$(VENDOR): package.json package-lock.json scripts/copy-vendor.mjs
	@bash scripts/system-deps.sh node
	npm ci --no-audit --no-fund --loglevel=error
	node scripts/copy-vendor.mjs

assets: $(VENDOR)

db-start: $(VENV)/.installed system-deps
	$(KW) db start

db-stop:
	$(KW) db stop

migrate: db-start
	$(KW) db migrate

data: migrate
	$(KW) load boundaries
	$(KW) load demo --count $(DEMO_COUNT) --seed $(DEMO_SEED)
	$(KW) load demo-baselines

run: data $(VENDOR)
	$(KW) serve

TEST_TOOLS ?= gdal chromium

test: $(VENV)/.installed $(VENDOR)
	@$(MAKE) --no-print-directory system-deps SYSTEM_TOOLS="$(TEST_TOOLS)"
	$(KW) db start
	$(BIN)/ruff check app tests migrations geodata bench
	npm run --silent lint
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed $(VENDOR)
	$(BIN)/ruff check app tests migrations geodata bench
	$(BIN)/ruff format --check app tests migrations geodata bench
	npm run --silent lint

fmt: $(VENV)/.installed
	$(BIN)/ruff format app tests migrations geodata bench
	$(BIN)/ruff check --fix app tests migrations geodata bench

bench: $(VENV)/.installed
	@$(MAKE) --no-print-directory system-deps SYSTEM_TOOLS="wrk"
	$(KW) db start
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean: db-stop
	rm -rf .data node_modules app/web/static/vendor test-artifacts
