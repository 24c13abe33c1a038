# The two commands: `make run` and `make test`. Each sets up what it needs.
# `make stack`: the production-shaped stack (PostgreSQL, Redis, gunicorn, Celery worker and beat).
PY := .venv/bin/python

.PHONY: run test stack setup-run setup-test setup-stack bench

# Migrate, load the demo, then serve with the quick start's scheduler (Celery beat, no broker).
run: setup-run
	$(PY) scripts/run.py

# Lint and format first (seconds), then the four runs; the duration is printed at the end.
test: setup-test
	@start=$$(date +%s); \
	$(PY) -m ruff check . && $(PY) -m ruff format --check . && $(PY) scripts/run_tests.py; \
	status=$$?; echo "make test: $$(( $$(date +%s) - start )) s"; exit $$status

stack: setup-stack
	$(PY) scripts/stack.py

# Every benchmark runs even when an earlier one misses its budget; the exit status says if any did.
bench: setup-test
	@status=0; for b in run lifecycle audits pdf reminders evidence_batch duplicates pages login; do $(PY) bench/$$b.py || status=1; done; exit $$status

setup-run:
	@scripts/setup run

setup-test:
	@scripts/setup test

setup-stack:
	@scripts/setup stack

# docs/permissions.md from the authorization table (tests/authorization_table.py).
.PHONY: permissions-doc
permissions-doc:
	$(PY) scripts/permissions_doc.py
