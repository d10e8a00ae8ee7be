# Everything a fresh machine needs is installed by these targets themselves.
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test test-rust test-python test-node fuzz-smoke bench

demo:
	cargo run --quiet --release -p sinch-auth-cli -- demo

test: test-rust test-python test-node fuzz-smoke

test-rust:
	cargo fmt --all -- --check
	cargo clippy --quiet --workspace --all-targets -- -D warnings
	cargo test --quiet

$(PY): tests/python/requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q -U pip
	$(PY) -m pip install -q -r tests/python/requirements.txt
	touch $(PY)

test-python: $(PY)
	cargo build --quiet -p sinch-auth-cli
	VIRTUAL_ENV=$(abspath $(VENV)) $(VENV)/bin/maturin develop --quiet
	$(VENV)/bin/ruff check python tests/python bench fuzz/seeds
	$(VENV)/bin/ruff format --check python tests/python bench fuzz/seeds
	$(VENV)/bin/mypy --strict tests/python/typing_example.py
	$(PY) -m mypy.stubtest sinch_auth._native
	$(PY) -m pytest -q tests/python

test-node:
	cargo build --quiet -p sinch-auth-cli
	SINCH_AUTH_DEBUG_BUILD=1 npm install --no-audit --no-fund --loglevel=error
	npx tsc -p tests/node/tsconfig.json
	npm test --silent

fuzz-smoke:
	scripts/fuzz-smoke.sh

bench:
	python3 bench/run.py
