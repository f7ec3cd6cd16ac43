# The two set-up commands: `make run` and `make test`. Both work on a fresh machine.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PROM := $(VENV)/bin/prom
PROM_TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=
export PROM_TEST_DATABASE_URL

.PHONY: run test install test-sqlite test-postgres clean chromium

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

ASSETS := prom_service/static/vendor/.built
ASSET_SOURCES := package.json package-lock.json frontend/build.mjs $(wildcard frontend/*.scss) \
	$(wildcard prom_service/channels/web/templates/*/*.html) $(wildcard prom_service/static/patient/*.js) \
	$(wildcard prom_service/workspace/templates/*/*.html) $(wildcard prom_service/workspace/*.py)

# The patient pages' CSS: NHS.UK frontend from npm, compiled and purged against our templates.
$(ASSETS): $(ASSET_SOURCES)
	npm ci --no-audit --no-fund
	npm run build
	touch $@

# The browser tests drive Debian's Chromium (never a downloaded one); without it they skip, or fail under CI.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if command -v apt-get >/dev/null 2>&1; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else echo "chromium: /usr/bin/chromium is missing and apt-get is unavailable: browser tests will not run"; fi; \
	fi

install: $(VENV)/.installed $(ASSETS) chromium

## make run: migrate the embedded SQLite database, load the demo, serve on http://127.0.0.1:5000
run: install
	$(PROM) db upgrade
	$(PROM) demo load
	$(PROM) run --host 127.0.0.1 --port 5000

## make test: every test on SQLite, then the database tests again on PostgreSQL
test: install test-sqlite test-postgres

test-sqlite: install
	@echo "=== test suite on SQLite ==="
	PROM_TEST_DATABASE_URL=sqlite $(PY) -m pytest $(PYTEST_ARGS)

test-postgres: install
	@if $(PY) -m tests.postgres_check; then \
	  echo "=== test suite on PostgreSQL ($(PROM_TEST_DATABASE_URL)) ==="; \
	  $(PY) -m pytest $(PYTEST_ARGS); \
	elif [ "$$PROM_REQUIRE_POSTGRES" = "1" ]; then \
	  echo "PostgreSQL is required (PROM_REQUIRE_POSTGRES=1) but is not reachable: failing."; exit 1; \
	else \
	  echo "PostgreSQL run SKIPPED: set PROM_REQUIRE_POSTGRES=1 to make this an error."; \
	fi

clean:
	rm -rf $(VENV) var *.egg-info
