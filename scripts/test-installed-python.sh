#!/usr/bin/env bash
# The wheel from dist/ installed into a fresh venv, then, with no Rust toolchain on PATH: the
# whole Python suite against the installed package, the type stubs, and the `sinch-auth`
# command from the venv's bin/ (demo, serve, doctor, python -m sinch_auth).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${1:-target/test-venv}
wheel=$(ls dist/sinch_auth-*.whl)
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q -U pip
"$venv/bin/python" -m pip install -q -r tests/python/requirements.txt "$wheel"
bin=$(cd "$venv/bin" && pwd)
scripts/without-rust.sh bash -euo pipefail -c '
  bin=$1
  where=$("$bin/python" -c "import sinch_auth; print(sinch_auth.__file__)")
  case "$where" in */site-packages/sinch_auth/*) ;; *) echo "not the installed package: $where" >&2; exit 1;; esac
  echo "python suite against $where"
  SINCH_AUTH_EXPECT_INSTALLED=1 "$bin/python" -m pytest -q -p no:cacheprovider tests/python
  "$bin/mypy" --strict --no-incremental tests/python/typing_example.py
  "$bin/python" -m mypy.stubtest sinch_auth._native
  "$bin/sinch-auth" --version
  "$bin/python" -m sinch_auth which voice --json >/dev/null
  "$bin/sinch-auth" demo --calls 40 --threads 4 --token-lifetime 1
' _ "$bin"
