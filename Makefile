# The README's two commands: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app villagetracker
CATALOGUES := villagetracker/translations
PYTEST_ARGS ?=
# Test processes (pytest-xdist): one per core, at most 4; JOBS=0 runs in this process.
JOBS ?= auto
# sqlite (default) or postgres: a throwaway PostgreSQL cluster for the run (.ci/with-postgres)
DB ?= sqlite
ifeq ($(DB),postgres)
WITH_DB := PG_SETTINGS="-c fsync=off -c full_page_writes=off" .ci/with-postgres
else ifneq ($(DB),sqlite)
$(error DB must be sqlite or postgres)
endif

.PHONY: run test audit bench install install-test translations messages lint format clean

## run: install, migrate, load the regions and demo logins, then serve on 127.0.0.1:5000
## with a job worker beside the server (its queue in instance/jobs.sqlite3); Ctrl-C
## stops both
run: install
	VILLAGETRACKER_ENV=development $(FLASK) db upgrade
	VILLAGETRACKER_ENV=development $(FLASK) regions load
	VILLAGETRACKER_ENV=development $(FLASK) demo
	VILLAGETRACKER_ENV=development $(FLASK) jobs work --workers 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	VILLAGETRACKER_ENV=development $(FLASK) run --host 127.0.0.1 --port 5000

## test: the whole suite (browser tests need Debian's chromium); DB=postgres for PostgreSQL
test: install-test
	$(WITH_DB) $(BIN)/pytest -n $(JOBS) --maxprocesses 4 $(PYTEST_ARGS)

## audit: pip-audit over the installed packages against PyPI's advisories; where those
## cannot be reached it says so and fails (.ci/audit) rather than pass having checked nothing
audit: install-test $(VENV)/.installed-audit
	.ci/audit

## bench: the national benchmark (needs Debian's wrk; about 10 minutes a database):
## both databases by default, DB=sqlite or DB=postgres for one; first the hostile
## spreadsheets (bench/hostile.py), a regency's 852 villages registered from one
## file (bench/village_import.py) and the spreadsheet readers and writers
## (bench/spreadsheet_formats.py); then, on each database, the pages (bench/run.py)
## and imports of 10,000 and 83,762 reports in the real job worker
## (bench/job_import.py); see bench/RESULTS.md
bench: install-test $(VENV)/.installed-bench
	$(BIN)/python bench/hostile.py
	$(BIN)/python bench/village_import.py
	$(BIN)/python bench/spreadsheet_formats.py
ifeq ($(origin DB),file)
	$(BIN)/python bench/run.py --db sqlite
	$(BIN)/python bench/job_import.py --db sqlite
	.ci/with-postgres $(BIN)/python bench/run.py --db postgres
	.ci/with-postgres $(BIN)/python bench/job_import.py --db postgres
else ifeq ($(DB),postgres)
	.ci/with-postgres $(BIN)/python bench/run.py --db postgres
	.ci/with-postgres $(BIN)/python bench/job_import.py --db postgres
else
	$(BIN)/python bench/run.py --db sqlite
	$(BIN)/python bench/job_import.py --db sqlite
endif

install: $(VENV)/.installed translations
install-test: $(VENV)/.installed-test translations

# The setuptools a new venv starts with (65.5 on Python 3.11) has published advisories.
$(VENV)/.created:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip 'setuptools>=83'
	touch $@

$(VENV)/.installed: $(VENV)/.created setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test,postgres,server]'
	touch $@

$(VENV)/.installed-bench: $(VENV)/.installed-test
	$(BIN)/pip install --quiet -e '.[test,postgres,server,bench]'
	touch $@

$(VENV)/.installed-audit: $(VENV)/.installed
	$(BIN)/pip install --quiet --upgrade pip 'setuptools>=83' -e '.[audit]'
	touch $@

## translations: compile the .po catalogues into the .mo files Flask-Babel reads
translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d $(CATALOGUES)

## messages: extract the strings from code and templates and merge them into the catalogues
messages: $(VENV)/.installed
	$(BIN)/pybabel extract --no-location -F babel.cfg -k _l -o $(VENV)/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i $(VENV)/messages.pot -d $(CATALOGUES)

lint: install-test
	$(BIN)/ruff check villagetracker tests bench
	$(BIN)/ruff format --check villagetracker tests bench

format: install-test
	$(BIN)/ruff format villagetracker tests
	$(BIN)/ruff check --fix villagetracker tests

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache .hypothesis
