#!/usr/bin/env bash
# Release checks: one version everywhere, the three crates package and verify for crates.io
# (in dependency order, each against the others as packaged), `cargo install --path` gives a
# working `sinch-auth`, and the sdist in dist/ builds a working wheel with a Rust toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 scripts/check_versions.py

# Cargo keeps an extracted crate by name and version and trusts it later: the extraction of
# an earlier build of these same versions (from a previous dry run's local overlay) would be
# verified against instead of this one. Only our three crates' extractions are removed.
version=$(cargo metadata --no-deps --format-version 1 | python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "sinch-auth"))')
for crate in sinch-auth sinch-auth-server sinch-auth-cli; do
  rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"$crate-$version"
done
cargo publish --dry-run --workspace --allow-dirty --quiet
for crate in sinch-auth sinch-auth-server sinch-auth-cli; do
  files=$(cargo package --list --allow-dirty -p "$crate")
  for want in Cargo.toml README.md src/lib.rs; do
    grep -qx "$want" <<< "$files" || { echo "$crate: $want is not packaged" >&2; exit 1; }
  done
done

# --debug reuses the test build (CI time); the manifest and bin target are what is checked.
root=target/cargo-install
cargo install --quiet --debug --force --path crates/sinch-auth-cli --root "$root"
"$root/bin/sinch-auth" --version
"$root/bin/sinch-auth" demo --calls 40 --threads 4 --token-lifetime 1 >/dev/null

# The sdist, built by pip the way a platform without a wheel would (maturin from PyPI). The
# target settings only share the dependencies already compiled for the wheel.
sdist=$(ls dist/sinch_auth-*.tar.gz)
venv=target/sdist-venv
rm -rf "$venv" target/sdist-wheel
python3 -m venv "$venv"
CARGO_TARGET_DIR="$PWD/target" CARGO_BUILD_TARGET=x86_64-unknown-linux-gnu \
  "$venv/bin/pip" wheel -q --no-deps -w target/sdist-wheel "$sdist"
"$venv/bin/pip" install -q target/sdist-wheel/*.whl
"$venv/bin/sinch-auth" --version
"$venv/bin/python" -c 'import sinch_auth as sa; assert sa.auth_model("voice") == "application"'
echo "release checks passed"
