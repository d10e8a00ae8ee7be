#!/usr/bin/env node
'use strict'
// The `sinch-auth` command of the npm package: the Rust CLI, run in this process.
const native = require('./native.js')

process.exitCode = native.runCli(['sinch-auth', ...process.argv.slice(2)])
