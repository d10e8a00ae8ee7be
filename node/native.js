'use strict'
// Loads the addon that scripts/build-native.js put next to this file.
const fs = require('node:fs')
const path = require('node:path')

function load() {
  const prefix = `sinch-auth.${process.platform}-${process.arch}`
  const candidates = fs.readdirSync(__dirname)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.node'))
    .sort()
  if (candidates.length === 0) {
    throw new Error(
      `sinch-auth: no native addon for ${process.platform}-${process.arch} in ${__dirname}; ` +
      'run `npm install` (or `npm run build`) in the package to build it (needs Rust)')
  }
  return require(path.join(__dirname, candidates[0]))
}

module.exports = load()
