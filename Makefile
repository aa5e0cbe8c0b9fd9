# Vigil: two commands for a new user.  `make demo` runs the main job on the embedded default
# (a local moto server, the shipped catalog, the example agent service); `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.vigil-installed

.PHONY: demo test lint typecheck unit bench serve-example clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip 2>&1 | grep -v "is ignored" || true
	@$(BIN)/python -m pip install --quiet -e '.[all,dev]' 2>&1 | grep -v "is ignored" || true
	@$(BIN)/python -c "import vigil, pulumi, pulumi_aws, moto, pytest" || (echo "install failed" && exit 1)
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m examples.demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

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
