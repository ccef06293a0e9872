# The two commands of the quick start: `make dev` (local stack) and `make test` (the suite).
# Both create .venv on first use and reinstall when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# checkov lives in its own venv: its pinned dependencies would fight the project's (boto3, cfn-lint, ...).
# The tool venvs sit under .cache/, which `sam build` leaves out of the code it packages (the repo root is the
# functions' CodeUri; .venv is left out too): in the root they would add 500 MB to every function.
CHECKOV_VERSION := 3.3.30
CHECK_VENV := .cache/venv-check
CHECK_STAMP := $(CHECK_VENV)/.installed-$(CHECKOV_VERSION)
# SAM CLI in a third venv, for the same reason (it pins its own boto3, cfn-lint, ...).
SAM_VERSION := 1.170.0
SAM_VENV := .cache/venv-sam
SAM_STAMP := $(SAM_VENV)/.installed-$(SAM_VERSION)

.PHONY: dev test lint check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

dev: $(STAMP)
	$(PY) -m infra.local dev

# The browser tests (tests/browser) all run on one worker, with one stack and one Chromium (tests/conftest.py).
test: $(STAMP)
	$(PY) -m pytest -n 2

# checkov over infra/template.yaml (settings in .checkov.yaml).
$(CHECK_STAMP):
	$(PYTHON) -m venv $(CHECK_VENV)
	$(CHECK_VENV)/bin/pip install --quiet 'checkov==$(CHECKOV_VERSION)'
	touch $(CHECK_STAMP)

$(SAM_STAMP):
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet 'aws-sam-cli==$(SAM_VERSION)'
	touch $(SAM_STAMP)

# `sam validate` (SAM's transform) and `sam validate --lint` (cfn-lint through SAM), offline: no credentials
# are needed, so none are given; then checkov, which fails on any unskipped finding.
SAM_OFFLINE := env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
	SAM_CLI_TELEMETRY=0 AWS_DEFAULT_REGION=us-east-1 $(SAM_VENV)/bin/sam
check: $(CHECK_STAMP) $(SAM_STAMP)
	$(SAM_OFFLINE) validate -t infra/template.yaml
	$(SAM_OFFLINE) validate --lint -t infra/template.yaml
	CKV_SKIP_PACKAGE_UPDATE_CHECK=true $(CHECK_VENV)/bin/checkov --config-file .checkov.yaml

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) .cache .ruff_cache build *.egg-info
