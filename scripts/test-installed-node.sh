#!/usr/bin/env bash
# The two tarballs from dist/ (the main package and this platform's package) installed into an
# empty folder, then, with no Rust toolchain on PATH: the whole Node suite and the examples
# against the installed package (copied beside it, as a user's project), the .d.ts checked by
# tsc, the loader's error on a platform with no package, and `npx sinch-auth demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-target/npm-test}
version=$(node -p 'require("./package.json").version')
main="$PWD/dist/sinch-auth-node-$version.tgz"
platform="$PWD/dist/sinch-auth-node-linux-x64-gnu-$version.tgz"
rm -rf "$dir"
mkdir -p "$dir/tests" "$dir/examples"
cp -r tests/node tests/vectors tests/api "$dir/tests/"
cp -r examples/node "$dir/examples/"
cd "$dir"
echo '{ "name": "sinch-auth-user", "private": true }' > package.json
../../scripts/without-rust.sh bash -euo pipefail -c '
  npm install --no-audit --no-fund --loglevel=error "$1" "$2" express@4 fastify@5 typescript@5 @types/node@20
  where=$(node -p "require.resolve(\"@sinch-auth/node\")")
  case "$where" in */node_modules/@sinch-auth/node/*) ;; *) echo "not the installed package: $where" >&2; exit 1;; esac
  [ -f node_modules/@sinch-auth/node-linux-x64-gnu/sinch-auth.linux-x64-gnu.node ]
  if ls node_modules/@sinch-auth/node/node/*.node >/dev/null 2>&1; then echo "the main package carries a binary" >&2; exit 1; fi
  echo "node suite against $where"
  SINCH_AUTH_EXPECT_INSTALLED=1 node --test --test-concurrency=1 tests/node/
  npx tsc -p tests/node/tsconfig.json
  node ../../scripts/check-dts.js --package node_modules/@sinch-auth/node
  npx sinch-auth --version
  npx sinch-auth demo --calls 40 --threads 4 --token-lifetime 1
' _ "$main" "$platform"
