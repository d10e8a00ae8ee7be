#!/usr/bin/env bash
# Runs a command with every PATH entry that holds cargo, rustc or rustup removed, and checks
# that none is left: what the installed-package tests run under, as a user without Rust.
set -euo pipefail
path=""
IFS=: read -r -a dirs <<< "$PATH"
for d in "${dirs[@]}"; do
  [ -n "$d" ] || continue
  if [ -e "$d/cargo" ] || [ -e "$d/rustc" ] || [ -e "$d/rustup" ]; then continue; fi
  path="${path:+$path:}$d"
done
export PATH="$path"
unset CARGO RUSTC RUSTUP_TOOLCHAIN CARGO_HOME RUSTUP_HOME
for tool in cargo rustc rustup; do
  if command -v "$tool" >/dev/null 2>&1; then
    echo "without-rust: $tool is still on PATH at $(command -v "$tool")" >&2
    exit 1
  fi
done
exec "$@"
