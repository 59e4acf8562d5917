# The README's commands. Python 3.11+ is the only requirement for `make run`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

.PHONY: run test lint check bench worker venv migrate messages messages-check audit-deps fuzz load clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

venv: $(VENV)/.installed

migrate: venv
	$(MANAGE) migrate --no-input

run: migrate
	$(MANAGE) seed_demo
	@echo "SocialCRM on http://127.0.0.1:8000/  (API docs: /api/docs/)"
	$(MANAGE) runserver 127.0.0.1:8000

# The embedded default (no DATABASE_URL) runs on two processes; against the real services
# one process, since the Celery tests share one broker. The 15 slowest tests close the run.
PYTEST_PROCESSES ?= $(if $(DATABASE_URL),0,2)

test: venv
	$(PY) -m pytest -n $(PYTEST_PROCESSES) --durations=15

# ruff, then the apps' layers: no import upward, none of tests/ or bench/ (pyproject.toml).
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

check: venv
	$(MANAGE) makemigrations --check --dry-run
	$(MANAGE) spectacular --validate --fail-on-warn --file /dev/null
	./scripts/check-deploy

# Known vulnerabilities in the installed dependencies (pip-audit; needs PyPI).
audit-deps: venv
	./scripts/audit-deps

worker: venv
	$(VENV)/bin/celery -A socialcrm worker --beat --loglevel=INFO

messages: venv
	$(MANAGE) makemessages -l fr --no-obsolete --ignore=.venv --ignore=var --ignore=tests
	$(MANAGE) compilemessages --ignore=.venv

# Refreshes the catalogue, then names every French string still missing, fuzzy or not compiled.
messages-check: venv
	$(MANAGE) makemessages -l fr --no-obsolete --ignore=.venv --ignore=var --ignore=tests
	$(PY) -m pytest -q tests/people/test_i18n.py

bench: venv
	$(PY) bench/run.py

# Hostile values, then Schemathesis, against gunicorn as every role (own *_fuzz database;
# see scripts/fuzz).
fuzz: venv
	./scripts/fuzz

# A bounded load on gunicorn + Celery worker, loopback only (own *_load database; scripts/load).
load: venv
	./scripts/load

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
