#!/usr/bin/env bash
# The abi3 wheel against every Python from 3.10 to 3.13 found on this machine (PATH or pyenv):
# one wheel built once, installed into a fresh venv per version, the whole Python suite run
# against the installed package. Not part of `make test`: CI machines carry one Python.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
make -s .venv/bin/python
VIRTUAL_ENV="$PWD/.venv" .venv/bin/maturin build --quiet -o "$out/wheels"
wheel=$(ls "$out"/wheels/*.whl)
ran=0
for minor in 10 11 12 13; do
  # pyenv's installs directly (its shims only run the selected versions), else PATH.
  py=$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3."$minor".*/bin/python3 2>/dev/null | tail -1 || true)
  [ -n "$py" ] || py=$(command -v "python3.$minor" || true)
  if [ -z "$py" ] || ! "$py" -c pass 2>/dev/null; then
    echo "python3.$minor: not found, skipped"
    continue
  fi
  "$py" -m venv "$out/venv-3.$minor"
  "$out/venv-3.$minor/bin/pip" install -q "$wheel" -r tests/python/requirements.txt
  echo "python3.$minor: $("$out/venv-3.$minor/bin/python" -c 'import sys; print(sys.version.split()[0])')"
  "$out/venv-3.$minor/bin/pytest" -q -p no:cacheprovider tests/python | tail -1
  ran=$((ran + 1))
done
[ "$ran" -gt 0 ] || { echo "no Python 3.10-3.13 found" >&2; exit 1; }
