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

.PHONY: dev test lint check clean build deploy

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
check: $(CHECK_STAMP) $(SAM_STAMP) build
	$(SAM_OFFLINE) validate -t infra/template.yaml
	$(SAM_OFFLINE) validate --lint -t infra/template.yaml
	CKV_SKIP_PACKAGE_UPDATE_CHECK=true $(CHECK_VENV)/bin/checkov --config-file .checkov.yaml

# ---------------------------------------------------------------- build and deploy (issue 15)
# `make build` is `sam build` (settings in samconfig.toml: build_in_source, parallel) followed by the check of
# what it built (infra/artifacts.py: handlers and templates inside every function, extensions for cpython-312
# on aarch64, sizes under Lambda's limits). No Docker and no python3.12 needed: every function and the layer
# use BuildMethod: makefile, so SAM runs the two `build-*` targets below (with ARTIFACTS_DIR set) instead of its
# python_pip builder. That builder refuses to start unless the runtime's exact interpreter (python3.12) is on
# PATH, because it runs pip with it (it does then fetch manylinux wheels for the function's architecture), and
# it would install requirements.txt into each of the 19 functions (CodeUri is the repo root). The layer gets
# binary wheels for the template's runtime and architecture from pip's own --platform, --python-version,
# --implementation and --only-binary options, as Lambda's docs build a package on another OS or architecture;
# any Python 3.11+ on an x86 or arm Linux or a Mac does it. `build_in_source` (samconfig.toml) matters: else SAM
# first copies CodeUri (the repo root, .venv and .cache included: about 1 GB) to a scratch directory, per function.
BUILD_DIR := .aws-sam/build
SAM := env SAM_CLI_TELEMETRY=0 $(SAM_VENV)/bin/sam
LAMBDA_PYTHON := 3.12
LAMBDA_PLATFORM := manylinux2014_aarch64
FUNCTION_CODE := handlers controllers shared templates

build: $(STAMP) $(SAM_STAMP)
	env -u AWS_PROFILE AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-us-east-1} $(SAM) build
	$(PY) -m infra.artifacts $(BUILD_DIR)

# --no-compile: pip would write .pyc files for the interpreter running it (3.11 here), which 3.12 never reads.
build-DependenciesLayer: $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-compile --only-binary=:all: \
		--platform $(LAMBDA_PLATFORM) --implementation cp --python-version $(LAMBDA_PYTHON) \
		--target "$(ARTIFACTS_DIR)/python" -r requirements.txt

# The web app's deploy-time copier (a custom resource): its own module and the app's files, nothing else.
build-WebAppDeployFunction:
	mkdir -p "$(ARTIFACTS_DIR)/infra"
	cp infra/__init__.py infra/web_deploy.py infra/web_files.py "$(ARTIFACTS_DIR)/infra/"
	tar -cf - --exclude=node_modules web | tar -xf - -C "$(ARTIFACTS_DIR)"

# Every function: the code packages of the repo root (CodeUri), without caches; libraries come from the layer.
build-%:
	tar -cf - --exclude=__pycache__ --exclude='*.pyc' $(FUNCTION_CODE) | tar -xf - -C "$(ARTIFACTS_DIR)"

# `sam deploy` with samconfig.toml; the first time (no parameters saved yet) guided, which asks for the
# parameters (SenderEmail, PublicBaseUrl, AdminEmail, ...) and saves them there. Then the URLs to use.
deploy: build
	if grep -q '^parameter_overrides' samconfig.toml; then $(SAM) deploy; else $(SAM) deploy --guided; fi
	$(PY) -m infra.outputs

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) .cache .ruff_cache build .aws-sam *.egg-info
