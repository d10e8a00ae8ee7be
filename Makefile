# Everything a fresh machine needs is installed by these targets themselves.
# `make test` builds the release artifacts (`make dist`), installs them where no Rust
# toolchain is on PATH (a venv, an empty npm folder) and runs the Python and Node suites
# against the installed packages, never the source tree.
VENV := .venv
PY := $(VENV)/bin/python
TEST_VENV := target/test-venv
NPM_TEST_DIR := target/npm-test
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)

.PHONY: demo test test-rust test-python test-node test-cross-language test-release fuzz-smoke bench \
	dist dist-python dist-node lint-python lint-node

demo:
	cargo run --quiet --release -p sinch-auth-cli -- demo

test: test-rust test-python test-node test-cross-language test-release fuzz-smoke

test-rust:
	scripts/ensure-redis.sh
	cargo fmt --all -- --check
	cargo clippy --quiet --workspace --all-targets -- -D warnings
	cargo test --quiet --workspace

# Build and lint tools (maturin, ziglang for manylinux2014 wheels, ruff).
$(PY): scripts/requirements-build.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q -U pip
	$(PY) -m pip install -q -r scripts/requirements-build.txt
	touch $(PY)

node_modules: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch node_modules

## Artifacts, into dist/ (about 2.5 min here with a cold target folder, 2 after a change).
dist: dist-python dist-node

# abi3 wheel (manylinux2014, via zig) carrying the `sinch-auth` command, and the sdist.
dist-python: $(PY)
	rm -f dist/sinch_auth-*
	VIRTUAL_ENV=$(abspath $(VENV)) PATH=$(abspath $(VENV))/bin:$$PATH \
		$(VENV)/bin/maturin build --quiet --release --zig --compatibility manylinux2014 --out dist
	VIRTUAL_ENV=$(abspath $(VENV)) $(VENV)/bin/maturin sdist --out dist >/dev/null
	$(PY) scripts/check_wheel.py dist

# The main npm package and this platform's package (napi-rs layout: npm/<platform>/); the
# addon is linked against glibc 2.17 with zig, like the wheel.
dist-node: node_modules $(PY)
	rm -f dist/sinch-auth-node-*.tgz
	mkdir -p dist
	CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER=$(abspath scripts/zig-cc-glibc2.17) \
		npx napi build --platform --release --target x86_64-unknown-linux-gnu --no-js \
		--manifest-path bindings/node/Cargo.toml --output-dir npm/linux-x64-gnu --dts native.d.ts
	scripts/check-glibc.sh npm/linux-x64-gnu/sinch-auth.linux-x64-gnu.node 2.17
	npm pack --silent --pack-destination dist ./npm/linux-x64-gnu >/dev/null
	npm pack --silent --pack-destination dist >/dev/null
	ls dist/sinch-auth-node-$(VERSION).tgz dist/sinch-auth-node-linux-x64-gnu-$(VERSION).tgz

lint-python: $(PY)
	$(VENV)/bin/ruff check python tests/python tests/api bench fuzz/seeds examples/python
	$(VENV)/bin/ruff format --check python tests/python tests/api bench fuzz/seeds examples/python

lint-node: node_modules
	npx tsc -p tests/node/tsconfig.json

# The wheel in a fresh venv, the whole Python suite and the CLI, with no Rust on PATH.
test-python: lint-python dist-python
	scripts/ensure-redis.sh
	scripts/test-installed-python.sh $(TEST_VENV)

# The two tarballs in an empty folder, the whole Node suite and the CLI, with no Rust on PATH.
test-node: lint-node dist-node
	scripts/ensure-redis.sh
	node scripts/check-dts.js --native npm/linux-x64-gnu
	scripts/test-installed-node.sh $(NPM_TEST_DIR)

# The same inputs signed by Rust, Python and Node (as installed above): the same bytes, and
# each accepts the others' signatures.
test-cross-language: test-python test-node
	scripts/test-cross-language.sh $(TEST_VENV) $(NPM_TEST_DIR)

# Versions agree, the crates package for crates.io, cargo install gives a working command.
test-release: dist-python
	scripts/test-release.sh

fuzz-smoke:
	scripts/fuzz-smoke.sh

bench:
	python3 bench/run.py
