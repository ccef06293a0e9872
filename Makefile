# The two commands of the quick start: `make dev` (local stack) and `make test` (the suite).
# Both create .venv on first use and reinstall when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# checkov lives in its own venv: its pinned dependencies would fight the project's (boto3, cfn-lint, ...).
CHECKOV_VERSION := 3.3.30
CHECK_VENV := .venv-check
CHECK_STAMP := $(CHECK_VENV)/.installed-$(CHECKOV_VERSION)

.PHONY: dev test lint check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

dev: $(STAMP)
	$(PY) -m infra.local dev

test: $(STAMP)
	$(PY) -m pytest -n 2

# checkov over infra/template.yaml (settings in .checkov.yaml); fails on any unskipped finding.
$(CHECK_STAMP):
	$(PYTHON) -m venv $(CHECK_VENV)
	$(CHECK_VENV)/bin/pip install --quiet 'checkov==$(CHECKOV_VERSION)'
	touch $(CHECK_STAMP)

check: $(CHECK_STAMP)
	CKV_SKIP_PACKAGE_UPDATE_CHECK=true $(CHECK_VENV)/bin/checkov --config-file .checkov.yaml

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) $(CHECK_VENV) .ruff_cache build *.egg-info
