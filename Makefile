# Kuzbib: the two setup commands are `make demo` and `make test`; see README.md.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test bench lint format messages makemessages install worker beat clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Kuzbib needs Python 3.11 ($(PYTHON) not found)" >&2; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

# Compiled catalogues are build output (ignored by git); msgfmt comes with gettext.
messages: $(STAMP)
	@command -v msgfmt >/dev/null || { echo "msgfmt not found: install gettext (apt-get install gettext)" >&2; exit 1; }
	$(PY) manage.py compilemessages --ignore=.venv -v0

demo: messages
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo
	$(PY) manage.py collectstatic --no-input -v0
	@echo "Serving the demo site on http://$(HOST):$(PORT)/ (Ctrl+C stops it)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: messages
	$(BIN)/pytest $(PYTEST_ARGS)

bench: messages
	$(PY) -m bench.run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Russian and English catalogues from the sources.
makemessages: $(STAMP)
	$(PY) manage.py makemessages -l ru -l en --ignore=.venv --ignore=tests --ignore=bench --no-obsolete

# The Celery app defaults to the production settings; the local worker and beat use dev's.
worker: $(STAMP)
	DJANGO_SETTINGS_MODULE=kuzbib_site.settings.dev $(BIN)/celery -A kuzbib_site.celery worker -Q default,files,pdf,mail --loglevel=INFO

beat: $(STAMP)
	DJANGO_SETTINGS_MODULE=kuzbib_site.settings.dev $(BIN)/celery -A kuzbib_site.celery beat --loglevel=INFO

clean:
	rm -rf $(VENV) db.sqlite3 static var
