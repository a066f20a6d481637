# Kuzbib: the two setup commands are `make demo` and `make test`; see README.md.

# The Pythons Kuzbib runs on (pyproject's requires-python), newest first. PYTHON=python3.12 picks
# one; otherwise the newest that is installed and runs (a pyenv shim may exist without it).
SUPPORTED_PYTHONS := 3.14 3.13 3.12 3.11
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell for v in $(SUPPORTED_PYTHONS); do \
	python$$v -c "" >/dev/null 2>&1 && { echo python$$v; break; }; done)
endif
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test test-fast bench lint format messages makemessages install worker beat clean screenshots

$(STAMP): pyproject.toml
	@if [ -x $(PY) ]; then echo "Using $(VENV) ($$($(PY) --version))"; else \
	  [ -n "$(PYTHON)" ] || { echo "Kuzbib needs Python 3.11 to 3.14: none of python3.11 … python3.14 runs here (install one, or give PYTHON=)" >&2; exit 1; }; \
	  $(PYTHON) -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 15))' 2>/dev/null \
	    || { echo "Kuzbib needs Python 3.11 to 3.14; $(PYTHON) does not run here or is another version" >&2; exit 1; }; \
	  $(PYTHON) -c 'import ensurepip, venv' 2>/dev/null \
	    || { echo "$(PYTHON) has no venv module: apt-get install $(notdir $(PYTHON))-venv" >&2; exit 1; }; \
	  echo "Creating $(VENV) with $(PYTHON) ($$($(PYTHON) --version))"; \
	  $(PYTHON) -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

# Compiled catalogues are build output (ignored by git); msgfmt comes with gettext.
messages: $(STAMP)
	@command -v msgfmt >/dev/null || { echo "msgfmt not found: install gettext (apt-get install gettext)" >&2; exit 1; }
	$(PY) manage.py compilemessages --ignore=.venv -v0

# HOST and PORT say where it serves (make demo PORT=8080): the logins printed and the links in
# the e-mails it prints carry them.
demo: export WAGTAILADMIN_BASE_URL = http://$(HOST):$(PORT)
demo: messages
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo --url http://$(HOST):$(PORT)
	$(PY) manage.py collectstatic --no-input -v0
	@echo "Serving the demo site on http://$(HOST):$(PORT)/ (Ctrl+C stops it)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: messages
	$(BIN)/pytest $(PYTEST_ARGS)

# The inner loop: no browser, no Redis or worker processes, nothing that takes long on its own.
test-fast: messages
	$(BIN)/pytest -m "not browser and not services and not slow" $(PYTEST_ARGS)

# The README's screenshots of every public page type at 1366 and 390 px, from the demo site, by
# the browser test that checks them (it needs chromium, as the suite does).
screenshots: messages
	KUZBIB_SCREENSHOTS=docs/screenshots $(BIN)/pytest tests/browser/test_screenshots.py -p no:cacheprovider $(PYTEST_ARGS)

bench: messages
	$(PY) -m bench.run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Russian and English catalogues from the sources: one per plugin app and the core (in their own
# locale/, so that a site installing them gets the translations) and one for our site (locale/).
APP_CATALOGUES := kuzbib_site/base events contests heroes_archive dynasties periodicals
makemessages: $(STAMP)
	for app in $(APP_CATALOGUES); do \
		(cd $$app && $(CURDIR)/$(PY) $(CURDIR)/manage.py makemessages -l ru -l en --no-obsolete) || exit 1; \
	done
	$(PY) manage.py makemessages -l ru -l en --ignore=.venv --ignore=tests --ignore=bench \
		$(foreach app,$(APP_CATALOGUES),--ignore=$(app)) --no-obsolete

# The Celery app defaults to the production settings; the local worker and beat use dev's.
worker: $(STAMP)
	DJANGO_SETTINGS_MODULE=kuzbib_site.settings.dev $(BIN)/celery -A kuzbib_site.celery worker -Q default,files,pdf,mail --loglevel=INFO

beat: $(STAMP)
	DJANGO_SETTINGS_MODULE=kuzbib_site.settings.dev $(BIN)/celery -A kuzbib_site.celery beat --loglevel=INFO

clean:
	rm -rf $(VENV) db.sqlite3 static var
