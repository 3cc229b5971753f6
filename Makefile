# cdk-emr: two commands for a new user — `make demo` and `make test`. Both install what they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
CHECKOV_VENV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed
CDK := PATH="$(CURDIR)/$(BIN):$$PATH" npx --no-install cdk
CDK_FLAGS := --no-notices --no-version-reporting
PROFILE ?= dev
PYTEST_ARGS ?=

# Offline and quiet: no telemetry or notices from the CDK CLI, caches inside the checkout,
# no warning banner from jsii about the machine's Node.js version.
export CDK_DISABLE_CLI_TELEMETRY := true
export CDK_HOME := $(CURDIR)/.cdk-home
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 1
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
# The pinned Node.js LTS (package.json's `node` package) first on PATH: the CDK CLI, the jsii
# runtime behind aws_cdk and the tests all run on it, not on the machine's Node. npm ci itself
# runs on the machine's Node (MACHINE_PATH): it replaces node_modules, pinned Node included.
MACHINE_PATH := $(PATH)
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)

.PHONY: help install demo synth test lint clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

install: $(PY_STAMP) $(NODE_STAMP) $(CHECKOV_STAMP) ## Create .venv (pinned Python deps), .venv-checkov and node_modules (pinned aws-cdk CLI)

$(PY_STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -e .
	touch $@

$(CHECKOV_STAMP): requirements-checkov.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
	touch $@

$(NODE_STAMP): package.json package-lock.json
	PATH="$(MACHINE_PATH)" npm ci --no-audit --no-fund --loglevel=error
	touch $@

demo: install ## Synthesize (PROFILE=dev|prod), deploy to the embedded local AWS, run a step, update in place, destroy
	@echo "==> cdk synth ($(PROFILE) profile, offline, with cdk-nag AwsSolutions checks)"
	rm -rf cdk.out
	$(CDK) synth $(CDK_FLAGS) --quiet -c profile=$(PROFILE) -c account=123456789012 -c region=us-east-1
	@echo "==> what will be deployed"
	$(BIN)/cdk-emr summary cdk.out
	@echo "==> local deploy and life cycle (moto + EMR emulation on 127.0.0.1)"
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/cdk-emr local demo cdk.out
	@echo "==> estimated cost on AWS"
	$(BIN)/cdk-emr cost cdk.out
	$(BIN)/cdk-emr cost --by-team cdk.out

synth: install ## cdk synth only (PROFILE=dev|prod)
	$(CDK) synth $(CDK_FLAGS) --quiet -c profile=$(PROFILE)

# --dist loadscope: each test module runs on one worker, so its module-scoped fixtures (a synthesis,
# a local server, Spark steps) are set up once (xdist_group marks no longer group under pytest 9.2,
# pytest-xdist issue 1386); modules go out in collection order, the long ones before ops' short ones.
test: install ## Run the whole test suite (installs shellcheck when apt-get can)
	@command -v shellcheck >/dev/null || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	  (apt-get install -y -qq shellcheck >/dev/null 2>&1 || (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq shellcheck >/dev/null 2>&1)) ; } || true
	$(PY) -m pytest -n 2 --dist loadscope --no-loadscope-reorder $(PYTEST_ARGS)

lint: install ## ruff (lint + format check) on the whole project
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean: ## Remove build outputs (keeps .venv and node_modules)
	rm -rf cdk.out .pytest_cache .hypothesis
