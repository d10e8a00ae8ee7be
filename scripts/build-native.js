#!/usr/bin/env node
// Builds the native addon into node/ with @napi-rs/cli (release; debug when
// SINCH_AUTH_DEBUG_BUILD=1, as the test suites do).
'use strict'
const { execFileSync } = require('node:child_process')
const path = require('node:path')

const root = path.join(__dirname, '..')
let cli
try {
  cli = require.resolve('@napi-rs/cli/package.json', { paths: [root] })
} catch {
  console.error('sinch-auth: building the native addon needs @napi-rs/cli (npm install in a clone) and a Rust toolchain')
  process.exit(1)
}
const bin = path.join(path.dirname(cli), require(cli).bin.napi)
const args = [bin, 'build', '--platform', '--no-js', '--manifest-path', 'bindings/node/Cargo.toml',
  '--package-json-path', 'package.json', '--output-dir', 'node', '--dts', 'native.d.ts']
if (!process.env.SINCH_AUTH_DEBUG_BUILD) args.push('--release')
execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' })
