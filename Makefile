# Two commands do all the set-up on a fresh machine with Python >= 3.12: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Runtime and development dependencies are pinned apart (requirements/runtime.txt, requirements/dev.txt); a
# checkout installs both, production only the first.
REQS   := requirements/runtime.txt requirements/dev.txt
STAMP  := $(VENV)/.installed-$(shell cat $(REQS) | sha1sum | cut -c1-12)
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install migrate demo serve production test test-only fuzz lint types check clean

$(STAMP): $(REQS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements/dev.txt
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput -v0

demo: migrate
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py collectstatic --noinput -v0
	@echo ""
	@echo "  平安 Ping'an demo: http://$(HOST):$(PORT)/   (API docs: http://$(HOST):$(PORT)/api/docs/)"
	@echo "  Demo accounts:     $(BIN)/python manage.py demo_accounts   (add --json for machines)"
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT) --noreload

serve: install
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Serve the site for real (docs/deployment.md): refuses unsafe settings, migrates, collects static files, then
# runs gunicorn, the task worker and the scheduler, and stops them all if one ends.
production:
	$(BIN)/python scripts/serve_production.py

test: install test-only

test-only:
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

# Schemathesis against the OpenAPI document, longer than the suite's bounded run: more examples per operation
# and the coverage phase (every boundary of every parameter). See docs/api-fuzzing.md.
FUZZ_EXAMPLES ?= 100
fuzz: install
	PINGAN_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) PINGAN_FUZZ_COVERAGE=1 $(BIN)/python -m pytest -n 2 -q tests/test_api_fuzz.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy with the django-stubs and DRF plugins (configuration in pyproject.toml): strict on core and regions,
# every function annotated in the geography, the kinds and the product apps.
types: install
	$(BIN)/mypy pingan

clean:
	rm -rf $(VENV) var
