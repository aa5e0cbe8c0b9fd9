# Vigil: two commands for a new user.  `make demo` runs the main job on the embedded default
# (a local moto server, the shipped catalog, the example agent service); `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.vigil-installed

.PHONY: demo test lint typecheck unit bench serve-example clean

# A .venv made by a Python older than 3.11 (or whose Python is gone) is never silently reused: every target
# stops here and says to run `make clean`.
ifneq ($(filter-out clean,$(MAKECMDGOALS)),)
VENV_CHECK := 1
else ifeq ($(MAKECMDGOALS),)
VENV_CHECK := 1
endif
ifdef VENV_CHECK
ifneq ($(wildcard $(VENV)/pyvenv.cfg),)
VENV_PYTHON_OK := $(shell $(BIN)/python -c 'import sys; print(int(sys.version_info >= (3, 11)))' 2>/dev/null)
ifneq ($(VENV_PYTHON_OK),1)
$(error $(VENV) was made by a Python older than 3.11 or its Python no longer runs ($(BIN)/python); run `make clean` and retry (PYTHON=python3.11 to choose the interpreter))
endif
endif
endif

$(STAMP): pyproject.toml setup.py
	@test -x $(BIN)/python || $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| (echo "Vigil needs Python 3.11+; $(PYTHON) is $$($(PYTHON) --version 2>&1): run make PYTHON=python3.11 ..." && exit 1)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip 2>&1 | grep -v "is ignored" || true
	@$(BIN)/python -m pip uninstall --quiet --yes vigil 2>/dev/null || true  # the distribution's old name
	@$(BIN)/python -m pip install --quiet -e '.[all,dev]' 2>&1 | grep -v "is ignored" || true
	@$(BIN)/python -c "import vigil, pulumi, pulumi_aws, moto, pytest" || (echo "install failed" && exit 1)
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m examples.demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports  # the layer contracts in pyproject.toml ([tool.importlinter])

typecheck: $(STAMP)
	$(BIN)/mypy --strict vigil components examples

unit: $(STAMP)
	$(BIN)/pytest -q -n 2

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python benchmarks/emf_bench.py
	$(BIN)/python benchmarks/preview_bench.py

serve-example: $(STAMP)
	$(BIN)/python -m examples.agent_service --port 8000

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
