#!/usr/bin/env bash
# Rust, Python and Node sign the same inputs (tests/api/cross_language.json: mixed-case
# methods and schemes, str and bytes bodies, full URLs) and must produce the same bytes; then
# each verifies what the other two signed. Python and Node run as installed by make test
# (target/test-venv, target/npm-test); Rust is the core itself.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${1:-target/test-venv}
npm_dir=${2:-target/npm-test}
inputs="$PWD/tests/api/cross_language.json"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cargo build --quiet -p sinch-auth --example cross_language
rust=target/debug/examples/cross_language
mkdir -p "$npm_dir/tests/api"
cp tests/api/cross_language.mjs "$npm_dir/tests/api/"

"$rust" sign "$inputs" > "$out/rust.json"
"$venv/bin/python" tests/api/cross_language.py sign "$inputs" > "$out/python.json"
(cd "$npm_dir" && node tests/api/cross_language.mjs sign "$inputs") > "$out/node.json"

python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
r, p, n = (json.load(open(f"{out}/{x}.json")) for x in ("rust", "python", "node"))
assert r.keys() == p.keys() == n.keys() and r, (r.keys(), p.keys(), n.keys())
for case in r:
    assert r[case] == p[case] == n[case], (case, r[case], p[case], n[case])
print(f"cross-language: {len(r)} cases signed to the same bytes by Rust, Python and Node")
PY

for signer in rust python node; do
  res="$out/$signer.json"
  "$rust" verify "$inputs" "$res" > "$out/v-rust-$signer.json"
  "$venv/bin/python" tests/api/cross_language.py verify "$inputs" "$res" > "$out/v-python-$signer.json"
  (cd "$npm_dir" && node tests/api/cross_language.mjs verify "$inputs" "$res") > "$out/v-node-$signer.json"
done
python3 - "$out" <<'PY'
import glob, json, sys
files = sorted(glob.glob(f"{sys.argv[1]}/v-*.json"))
assert len(files) == 9, files
for f in files:
    verdicts = json.load(open(f))
    assert verdicts and all(verdicts.values()), (f, verdicts)
print(f"cross-language: every language accepted every other language's signatures ({len(files)} pairs)")
PY

# A fleet across the three languages shares one token through a real redis-server.
"$venv/bin/python" tests/api/fleet.py "$npm_dir"
