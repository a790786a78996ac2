# Two commands matter: `make run` and `make test`. Both set everything up on a fresh machine.
SHELL := /bin/bash
TOOLS := .tools
UV := $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)
NPM := $(shell command -v npm 2>/dev/null)
# npm projects of the reference tools the tests run (composer, gateways)
NODE_PROJECTS = $(shell find tests -name package-lock.json -not -path '*/node_modules/*' -exec dirname {} \;)

.PHONY: run test lint typecheck pytest schema node-deps clean

run: .venv/.synced ## start the embedded stack: router on http://127.0.0.1:4000/graphql
	$(UV) run python -m infra.stack

test: .venv/.synced node-deps lint typecheck pytest ## everything CI runs

lint: .venv/.synced
	$(UV) run ruff check .

typecheck: .venv/.synced
	$(UV) run mypy .

pytest: .venv/.synced
	$(UV) run pytest -q

schema: .venv/.synced ## regenerate schema/<subgraph>.graphql and schema/supergraph.graphql
	$(UV) run python -m schema

.PHONY: eval-builds
eval-builds: .venv/.synced ## buildFromConcept: share of proposals rules.validate accepts, fit (recall of class/species/background)
	$(UV) run python -m tests.subgraphs.llm.eval.evaluate
	$(UV) run python -m tests.subgraphs.llm.eval.evaluate --cases tests/subgraphs/llm/eval/holdout.yaml --summary

.PHONY: eval-search
eval-search: .venv/.synced ## concept search quality: recall@5 per kind and overall on tests/catalog/eval
	$(UV) run python -m tests.catalog.eval.evaluate

# uv itself: use the one on PATH, else install it into a private tools venv.
$(TOOLS)/bin/uv:
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	touch $@

node-deps: ## reference tools (composition, gateways) for the differential tests
ifneq ($(NPM),)
	@for project in $(NODE_PROJECTS); do \
		if [ -f $$project/package-lock.json ] && [ ! -d $$project/node_modules ]; then \
			(cd $$project && npm ci --no-audit --no-fund --loglevel=error) || exit 1; \
		fi; \
	done
endif

clean:
	rm -rf .venv $(TOOLS) var .mypy_cache .ruff_cache .pytest_cache
