# Two commands on a fresh machine: `make demo` and `make test`.
# The environment is pinned by uv.lock; uv itself is pinned below and bootstrapped with pip.
UV_VERSION := 0.13.8
PYTHON ?= python3
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: demo test lint bench targets docs serve env env-all clean lab

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

env: $(UV)
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON)

env-all: $(UV)
	$(UV) sync --frozen --all-extras --compile-bytecode --python $(PYTHON)

demo: env
	.venv/bin/passerelle run baseline --out results/demo

test: env-all
	.venv/bin/ruff check .
	.venv/bin/pytest -n 2 --dist loadfile

lint: env
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

bench: env-all
	.venv/bin/passerelle bench

targets: env
	.venv/bin/passerelle targets

# The site: French at results/site/, English at results/site/en/ (both strict).
docs: env-all
	.venv/bin/python -m passerelle.apps.site.build --out results/site

SERVE_PORT ?= 8000
serve: docs
	.venv/bin/python -m http.server $(SERVE_PORT) --bind 127.0.0.1 --directory results/site

# JupyterLab for a student on 127.0.0.1, on their own copy of the released assignments.
MATRICULE ?= etudiant
lab: env
	.venv/bin/passerelle course lab --matricule $(MATRICULE)

clean:
	rm -rf .venv .tools results
