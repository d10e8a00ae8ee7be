#!/usr/bin/env bash
# A short, bounded run of every fuzz target (about a minute in all), starting from the seeds
# in fuzz/seeds (fuzz/seeds/generate.py writes them). A longer run:
#   cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run <target> corpus/<target> seeds/<target> -- -max_total_time=3600
# cargo-fuzz needs nightly flags; RUSTC_BOOTSTRAP lets the stable toolchain accept them.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${FUZZ_SECONDS:-12}"
command -v cargo-fuzz >/dev/null 2>&1 || cargo install --quiet --locked cargo-fuzz
export RUSTC_BOOTSTRAP=1
cargo fuzz build >/dev/null 2>&1 || cargo fuzz build
for target in token_response authorization_header webhook_headers base64_secret www_authenticate; do
  log="$(mktemp)"
  mkdir -p "corpus/$target"
  if ! cargo fuzz run "$target" "corpus/$target" "seeds/$target" -- -max_total_time="$seconds" >"$log" 2>&1; then
    tail -40 "$log"
    echo "fuzz: $target found a failure (see fuzz/artifacts/$target)"
    exit 1
  fi
  echo "fuzz: $target: $(grep -Eo 'Done [0-9]+ runs in [0-9]+ second\(s\)' "$log" | tail -1)"
  rm -f "$log"
done
