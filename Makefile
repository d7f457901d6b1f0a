# Klima.Werk measure registry. `make run` and `make test` do all set-up themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
KW := $(BIN)/klimawerk
DEMO_COUNT ?= 20000
DEMO_SEED ?= 1

VENDOR := app/web/static/vendor/versions.json


.PHONY: run run-cluster test test-fast lock lint fmt migrate db-start db-stop data bench bench-cluster
.PHONY: bench-peers soak system-deps assets clean container-check

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV) || { echo "python3-venv is missing: apt-get install python3-venv"; exit 1; }

# Installs are pinned by requirements.lock (pip's constraints; `make lock` renews it) and
# come from pip's cache outside the checkout (~/.cache/pip), so a clean clone is quick.
$(VENV)/.installed: $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c requirements.lock -e '.[dev]'
	touch $@

# Resolve pyproject.toml's ranges anew in a throwaway venv and pin the result.
lock: $(BIN)/python
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install -q --upgrade pip
	.lock-venv/bin/pip install -q '.[dev]'
	{ echo "# pip constraints for every install of the project: \`make lock\` renews them."; \
	  .lock-venv/bin/pip freeze --exclude klimawerk; } > requirements.lock
	rm -rf .lock-venv build

system-deps:
	@bash scripts/system-deps.sh $(SYSTEM_TOOLS)

# The map's libraries: pinned in package-lock.json, fetched from the npm registry and
# copied into the app's static files, so that the map asks no other host for anything.
$(VENDOR): package.json package-lock.json scripts/copy-vendor.mjs
	@bash scripts/system-deps.sh node
	npm ci --no-audit --no-fund --loglevel=error
	node scripts/copy-vendor.mjs

# The map's own modules bundled into one script (esbuild; the modules stay the source).
BUNDLE := app/web/static/vendor/bundle/map.js
$(BUNDLE): $(VENDOR) scripts/bundle-map.mjs $(wildcard app/web/static/map/*.js)
	node scripts/bundle-map.mjs

assets: $(VENDOR) $(BUNDLE)

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

run: data $(BUNDLE)
	$(KW) serve

# Primary + streaming replica + API (one worker per core, reading from the replica) +
# nginx with a tile cache on PORT. Needs the data of `make run` (it loads it if missing).
run-cluster: data $(BUNDLE)
	@bash scripts/system-deps.sh nginx
	bash scripts/run-cluster.sh

TEST_TOOLS ?= gdal chromium poppler nginx

# The independent OGC API - Features suite (ogctests) pins an older httpx and pytest than
# the project's, so it gets a venv of its own; tests/conformance runs it from there.
OGC_VENV := .ogc-venv

$(OGC_VENV)/.installed:
	$(PYTHON) -m venv $(OGC_VENV)
	$(OGC_VENV)/bin/pip install -q ogctests==0.1.15
	touch $@

# Workers of pytest-xdist, each with a database of its own (tests/parallel.py); each test
# file runs on one worker (its module fixtures start once), so the slow files (browser,
# cluster, soak, fuzz, OGC suite, overload) run beside the rest. Most of their time is
# spent waiting on servers, so more workers than cores.
TEST_WORKERS ?= 4
FAST_WORKERS ?= 3
PYTEST_PARALLEL = --dist loadfile --durations=25

test: $(VENV)/.installed $(BUNDLE) $(OGC_VENV)/.installed
	@$(MAKE) --no-print-directory system-deps SYSTEM_TOOLS="$(TEST_TOOLS)"
	$(KW) db start
	$(BIN)/ruff check app tests migrations geodata bench
	npm run --silent lint
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_PARALLEL) -m "not timed" $(PYTEST_ARGS)
	@# The latency drills alone, so that other workers' load does not decide them (exit 5:
	@# PYTEST_ARGS chose none of them).
	$(BIN)/pytest --durations=10 -m timed $(PYTEST_ARGS) || [ $$? -eq 5 ]

# The edit-test loop: everything but the slow groups (`-m "not slow"`), in a minute or two.
test-fast: $(VENV)/.installed $(BUNDLE)
	@$(MAKE) --no-print-directory system-deps SYSTEM_TOOLS="gdal"
	$(KW) db start
	$(BIN)/ruff check app tests migrations geodata bench
	$(BIN)/pytest -n $(FAST_WORKERS) $(PYTEST_PARALLEL) -m "not slow" $(PYTEST_ARGS)

lint: $(VENV)/.installed $(BUNDLE)
	$(BIN)/ruff check app tests migrations geodata bench
	$(BIN)/ruff format --check app tests migrations geodata bench
	npm run --silent lint

fmt: $(VENV)/.installed
	$(BIN)/ruff format app tests migrations geodata bench
	$(BIN)/ruff check --fix app tests migrations geodata bench

bench: $(VENV)/.installed
	@$(MAKE) --no-print-directory system-deps SYSTEM_TOOLS="wrk"
	$(KW) db start
	$(BIN)/python -m bench.guards
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# The replicated topology: 1 worker vs one per core, replica reads, nginx, import lag.
bench-cluster: $(VENV)/.installed
	@$(MAKE) --no-print-directory system-deps SYSTEM_TOOLS="wrk nginx"
	$(KW) db start --replica
	$(BIN)/python -m bench.cluster $(BENCH_ARGS)

# Mixed clients for SOAK_SECONDS (default 60) with a database crash midway, on a
# cluster of its own (.data/soak); fails when an acknowledged write is lost.
soak: $(VENV)/.installed
	$(BIN)/python -m bench.soak $(SOAK_ARGS)

clean: db-stop
	rm -rf .data node_modules app/web/static/vendor test-artifacts .ogc-venv .bench-venv

# The peers run from a throwaway venv, so that their dependencies never meet the project's.
PEER_VENV := .bench-venv
PEERS := tipg==1.6.1 pygeoapi==0.21.0 pygeofilter psycopg2-binary sqlalchemy geoalchemy2 uvicorn

$(PEER_VENV)/.installed:
	$(PYTHON) -m venv $(PEER_VENV)
	$(PEER_VENV)/bin/pip install -q $(PEERS)
	touch $@

bench-peers: $(VENV)/.installed $(PEER_VENV)/.installed
	@$(MAKE) --no-print-directory system-deps SYSTEM_TOOLS="wrk"
	$(KW) db start
	$(BIN)/python -m bench.peers $(BENCH_ARGS)

# Build the image and bring up deploy/compose.yaml with podman; probes /health, /map and a
# tile through nginx (base images made from Debian packages where no registry is reached).
container-check:
	bash scripts/container-check.sh
