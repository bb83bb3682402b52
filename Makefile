# Quick start: `make run` serves the demo at http://127.0.0.1:8000 (PORT=… to change it), with the task worker; `make test` runs everything CI runs.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# PostgreSQL for the second pass of the suite. Locally it is skipped (and said so) when nothing answers there; under CI
# (REQUIRE_POSTGRES=1, set by .ci/run) an unreachable PostgreSQL fails the run instead.
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
REQUIRE_POSTGRES ?= 0
PYTEST_WORKERS ?= 2

.PHONY: rehearse openapi run test lint typecheck checks test-sqlite test-postgres kernel-compiled test-kernel-compiled test-wheel test-production-backends bench bench-intake messages clean backup-rehearsal

$(BIN)/claimbridge: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

# `make run PORT=8010` serves elsewhere; HOST=0.0.0.0 lets a phone on the same network in. The task worker runs
# alongside the server (claimbridge serve): policy loads and photo checks are processed; Ctrl-C stops both.
HOST ?= 127.0.0.1
PORT ?= 8000
RUN_ENV := DEBUG=1 SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} COUNTY_BOUNDARIES_FILE=$${COUNTY_BOUNDARIES_FILE:-tests/data/gansu_longnan_tianshui_counties.geojson}
run: $(BIN)/claimbridge
	mkdir -p var
	$(RUN_ENV) $(BIN)/claimbridge migrate --no-input
	$(RUN_ENV) $(BIN)/claimbridge demo --url http://$(HOST):$(PORT)
	$(RUN_ENV) $(BIN)/claimbridge serve $(HOST):$(PORT)

lint: $(BIN)/claimbridge
	$(BIN)/ruff check src tests bench deploy
	$(BIN)/ruff format --check src tests bench deploy

typecheck: $(BIN)/claimbridge
	$(BIN)/mypy src tests bench deploy

checks: $(BIN)/claimbridge
	DJANGO_SETTINGS_MODULE=tests.settings PYTHONPATH=. $(BIN)/python -m django makemigrations --check --dry-run
	SECRET_KEY=check-deploy-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ ALLOWED_HOSTS=claims.example \
	  $(BIN)/claimbridge check --deploy --fail-level WARNING

test-sqlite: $(BIN)/claimbridge
	@echo "=== test suite on SQLite ==="
	DATABASE_URL= $(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider

test-postgres: $(BIN)/claimbridge
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_TEST_URL)', connect_timeout=3).close()" 2>/dev/null; then \
	  echo "=== test suite on PostgreSQL ($(PG_TEST_URL)) ==="; \
	  DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider; \
	elif [ "$(REQUIRE_POSTGRES)" = "1" ]; then \
	  echo "=== PostgreSQL not reachable at $(PG_TEST_URL): required here (REQUIRE_POSTGRES=1), failing ==="; exit 1; \
	else echo "=== PostgreSQL not reachable at $(PG_TEST_URL): PostgreSQL pass skipped ==="; fi

# The rules kernel compiled with mypyc (see setup.py), built fresh from the sources each time so it is never stale.
KERNEL_BUILD := var/kernel-compiled
kernel-compiled: $(BIN)/claimbridge
	rm -rf $(KERNEL_BUILD) && mkdir -p $(KERNEL_BUILD)
	cp -r src setup.py mypyc.ini $(KERNEL_BUILD)/
	mkdir -p $(KERNEL_BUILD)/tests && cp -r tests/data $(KERNEL_BUILD)/tests/
	cd $(KERNEL_BUILD) && CLAIMBRIDGE_COMPILE_KERNEL=1 $(CURDIR)/$(BIN)/python setup.py -q build_ext --build-lib src >/dev/null

test-kernel-compiled: kernel-compiled
	@echo "=== rules kernel tests against the mypyc-compiled kernel ==="
	CLAIMBRIDGE_EXPECT_COMPILED_KERNEL=1 PYTHONPATH=$(KERNEL_BUILD)/src \
	  $(BIN)/pytest -p no:cacheprovider --import-mode=importlib -o pythonpath=. \
	  $(KERNEL_BUILD)/src/claimbridge/rules/tests

# Production as it will run, under load and faults (deploy/README.md): PostgreSQL, Redis, an S3-compatible server,
# three app processes, two workers; kill -9 of an app process and a worker, a PostgreSQL restart; the promises
# checked and written to var/rehearsal.json. REHEARSE_ARGS="--seconds 300 --tasks db" to vary it.
REHEARSE_ARGS ?=
rehearse: $(BIN)/claimbridge
	$(BIN)/python deploy/rehearse.py $(REHEARSE_ARGS)

# The production install as the README gives it (issue 19): a new venv with only the build tools the README names
# builds the wheel with the compiled kernel (CLAIMBRIDGE_COMPILE_KERNEL=1, --no-build-isolation) from a copy of the
# checkout's files (tracked and new, not ignored: what a clean clone has); another new venv installs that wheel with
# the dependencies it declares, from the package index, and nothing else (no mypy, no dev extras, no source tree);
# tests/wheel_smoke.py then asserts there that the kernel is compiled, decides, and the whole package imports and serves.
WHEEL_BUILD := var/wheel
test-wheel:
	@echo "=== production wheel: build as the README says, install into a new venv, import the compiled kernel ==="
	rm -rf $(WHEEL_BUILD) && mkdir -p $(WHEEL_BUILD)/src $(WHEEL_BUILD)/dist
	git ls-files -co --exclude-standard | grep -v '^var/' | tar -cf - -T - | tar -xf - -C $(WHEEL_BUILD)/src
	$(PYTHON) -m venv $(WHEEL_BUILD)/build-venv
	$(WHEEL_BUILD)/build-venv/bin/pip install --quiet "mypy>=1.13" "setuptools>=77"
	cd $(WHEEL_BUILD)/src && CLAIMBRIDGE_COMPILE_KERNEL=1 ../build-venv/bin/pip wheel --quiet --no-build-isolation \
	  --no-deps --wheel-dir ../dist . >../build.log 2>&1 || { tail -40 ../build.log; exit 1; }
	$(PYTHON) -m venv $(WHEEL_BUILD)/venv
	$(WHEEL_BUILD)/venv/bin/pip install --quiet --no-compile $(WHEEL_BUILD)/dist/claimbridge-*.whl  # no .pyc: half the time
	cd $(WHEEL_BUILD) && venv/bin/python -I src/tests/wheel_smoke.py src/setup.py

# The whole suite on the backends production runs (issue 19, decision 0026): tasks through RQ on Redis (its queues run
# synchronously; one test works a real queue with RQ's worker) and files on S3 (moto's server), both started and
# stopped by tests/production_backends.py (a private redis-server when none answers on 6379). Not part of `make test`:
# it is the suite once more. Extra pytest arguments: PYTEST_ARGS="-m 'not browser'".
PYTEST_ARGS ?=
test-production-backends: $(BIN)/claimbridge
	@echo "=== test suite on RQ (Redis) and S3 (moto) ==="
	$(BIN)/python tests/production_backends.py --workers $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Decisions per second, compiled (what production runs) and pure Python; results in bench/results/.
bench: kernel-compiled
	PYTHONPATH=$(KERNEL_BUILD)/src $(BIN)/python bench/rules.py --out bench/results/rules.json
	$(BIN)/python bench/rules.py --out bench/results/rules-pure-python.json
	$(BIN)/python bench/photos.py --out bench/results/photos.json

# Case intake over HTTP on PostgreSQL (creates and migrates the database named in BENCH_DATABASE_URL).
bench-intake: $(BIN)/claimbridge
	$(BIN)/python bench/intake.py --out bench/results/intake.json

# Backup and restore rehearsed (issue 19): on a throwaway SQLite platform, and on PostgreSQL (the database
# claimbridge_backup_rehearsal) when one answers at 127.0.0.1: migrate, demo, backup, wipe, restore, audit verify,
# evidence_verify, the same rows and files, a tampered backup refused. Summary in var/backup-rehearsal.json.
backup-rehearsal: $(BIN)/claimbridge
	$(BIN)/python -m claimbridge.core.backup_rehearsal --work var/backup-rehearsal --out var/backup-rehearsal.json

# Mutation testing (not part of `make test` or CI; docs/mutation.md): MODULE=settlement|eligibility|scope, or all.
# Scores to bench/results/mutation.json, surviving mutants with their diffs to bench/results/mutation-survivors.txt.
MODULE ?= all
MUTATION_WORKERS ?= 2
.PHONY: mutation
mutation: $(BIN)/claimbridge
	$(BIN)/python bench/mutation.py --module $(MODULE) --max-children $(MUTATION_WORKERS)

test: lint typecheck checks test-sqlite test-postgres test-wheel test-kernel-compiled

# The OpenAPI document as reviewed (docs/openapi.json): rewrite it after changing the API, and review the diff.
openapi: $(BIN)/claimbridge
	DJANGO_SETTINGS_MODULE=tests.settings PYTHONPATH=.:src $(BIN)/python -c "import django, json; django.setup(); \
	from tests.test_api_contract import openapi; \
	open('docs/openapi.json', 'w').write(json.dumps(openapi(), ensure_ascii=False, sort_keys=True, indent=1) + '\n')"

messages: $(BIN)/claimbridge
	cd src/claimbridge && DEBUG=1 ../../$(BIN)/claimbridge makemessages -l zh_Hans --no-obsolete --add-location file
	$(BIN)/python -m claimbridge.core.i18n compile

clean:
	rm -rf $(VENV) var build *.egg-info
