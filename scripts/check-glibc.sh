#!/usr/bin/env bash
# Fails when a shared object needs a newer glibc symbol version than $2 (e.g. 2.17).
set -euo pipefail
newest=$(objdump -T "$1" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1)
if [ "$(printf '%s\n%s\n' "$newest" "$2" | sort -V | tail -1)" != "$2" ]; then
  echo "$1 needs glibc $newest, newer than $2" >&2
  exit 1
fi
echo "$1: needs glibc $newest at most (limit $2)"
