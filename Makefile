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

.PHONY: dev test lint check clean build deploy lock audit

# Supply chain (issue 18): every third-party package, runtime and dev, comes from requirements-dev.lock with its
# sha256 (--require-hashes: pip refuses a file whose hash is not in the lock, or a package the lock does not name).
# The project itself goes in editable without its dependencies and without build isolation, so even the build
# backend (setuptools, locked in the dev extras) is the hashed one. pip is not upgraded from the index first (that
# would be the one unhashed download): the venv's own pip installs the lock, which pins pip itself (pip-audit
# needs it) with its hashes.
$(STAMP): pyproject.toml requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# The lockfiles, from pyproject.toml: requirements.lock (the runtime: what the Lambda layer installs) and
# requirements-dev.lock (runtime + [dev], constrained to the same runtime versions). uv resolves once for every
# platform and Python >= 3.11 (--universal, markers where they differ) with the hashes of every file of each
# version, so the same lock serves a 3.11 x86 dev venv and the cpython-312 aarch64 layer. Run `make lock` after
# changing dependencies in pyproject.toml (tests/unit/test_packaging.py fails until then); `make lock
# UPGRADE=1` also moves every pin to the newest release allowed.
UV_VERSION := 0.13.8
LOCK_VENV := .cache/venv-lock
LOCK_STAMP := $(LOCK_VENV)/.installed-$(UV_VERSION)
UV_COMPILE := env UV_CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/uv pip compile pyproject.toml --quiet \
	--universal --python-version 3.11 --generate-hashes $(if $(UPGRADE),--upgrade)

$(LOCK_STAMP):
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet 'uv==$(UV_VERSION)'
	touch $(LOCK_STAMP)

lock: $(LOCK_STAMP)
	$(UV_COMPILE) -o requirements.lock
	$(UV_COMPILE) --extra dev -c requirements.lock -o requirements-dev.lock

# pip-audit over both lockfiles (infra/audit.py says how it degrades when no vulnerability service answers).
audit: $(STAMP)
	$(PY) -m infra.audit requirements.lock requirements-dev.lock

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
# it would install the requirements into each of the 19 functions (CodeUri is the repo root). The layer gets
# binary wheels for the template's runtime and architecture from pip's own --platform, --python-version,
# --implementation and --only-binary options, as Lambda's docs build a package on another OS or architecture;
# any Python 3.11+ on an x86 or arm Linux or a Mac does it. The versions and their hashes are requirements.lock's
# (--require-hashes: a wheel whose sha256 the lock does not list is refused). `build_in_source` (samconfig.toml)
# matters: else SAM first copies CodeUri (the repo root, .venv and .cache included: about 1 GB) to a scratch
# directory, per function.
BUILD_DIR := .aws-sam/build
SAM := env SAM_CLI_TELEMETRY=0 $(SAM_VENV)/bin/sam
LAMBDA_PYTHON := 3.12
# Wheels for any glibc up to the runtime's: python3.12 runs on Amazon Linux 2023, glibc 2.34. pip takes a
# manylinux_2_28 tag only when asked for it (its --platform does not reach down or up), and some releases ship
# only that for aarch64 (pillow 13); manylinux_2_17 is manylinux2014.
LAMBDA_GLIBC_MINORS := 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34
LAMBDA_PLATFORMS := $(foreach minor,$(LAMBDA_GLIBC_MINORS),--platform manylinux_2_$(minor)_aarch64)
FUNCTION_CODE := handlers controllers shared templates

build: $(STAMP) $(SAM_STAMP)
	env -u AWS_PROFILE AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-us-east-1} $(SAM) build
	$(PY) -m infra.artifacts $(BUILD_DIR)

# --no-compile: pip would write .pyc files for the interpreter running it (3.11 here), which 3.12 never reads.
build-DependenciesLayer: $(STAMP) requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-compile --only-binary=:all: \
		$(LAMBDA_PLATFORMS) --implementation cp --python-version $(LAMBDA_PYTHON) \
		--require-hashes --target "$(ARTIFACTS_DIR)/python" -r requirements.lock

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
