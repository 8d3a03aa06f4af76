# Set-up is implicit: every target creates .venv and installs what it needs on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
STACK ?= dev
PREFLIGHT_ARGS ?=

.PHONY: preflight test lint unit toolchain bench clean

$(STAMP): requirements.txt requirements-dev.txt components/pyproject.toml policies/pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

preflight: $(STAMP)
	$(PY) -m preflight $(STACK) $(PREFLIGHT_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	# Plugin and example entry points are each a module named __main__: checked one by one.
	$(PY) -m mypy components/__main__.py
	$(PY) -m mypy examples/consumer/__main__.py

# The real Pulumi CLI and language hosts for tests/e2e: found (PATH, cache) or built once into the
# user's cache dir; a build needs PULUMI_SOURCE (see scripts/pulumi-toolchain). Prints which
# `pulumi` is used, its version and the source commit of the hosts.
toolchain:
	scripts/pulumi-toolchain >/dev/null

unit: $(STAMP)
	bin="$$(scripts/pulumi-toolchain)" && TIERED_SG_PULUMI_BIN="$$bin" $(PY) -m pytest

test: lint unit

bench: $(STAMP)
	$(PY) -m pip install --quiet -r bench/requirements.txt
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache bench/out
