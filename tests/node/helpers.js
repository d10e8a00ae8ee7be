'use strict'
// The package's own testing helper runs the local server; these tests use it the way a user
// would, so they run unchanged against the source tree and against the installed package.
const path = require('node:path')
const fs = require('node:fs')
const { startLocalServer } = require('@sinch-auth/node/testing')

const VECTORS = path.join(__dirname, '..', 'vectors')

/** The package's own folder (the source tree's node/, or node_modules/@sinch-auth/node/node). */
const PACKAGE_DIR = path.dirname(require.resolve('@sinch-auth/node'))

function startServer (...args) {
  if (args.length) throw new Error('startServer takes no arguments; use startLocalServer options')
  return startLocalServer()
}

function vectors (name) {
  const cases = JSON.parse(fs.readFileSync(path.join(VECTORS, name), 'utf8')).cases
  if (!cases.length) throw new Error(`${name} has no cases`)
  return cases
}

function body (c) {
  return c.body_file ? fs.readFileSync(path.join(VECTORS, c.body_file)) : Buffer.from(c.body, 'utf8')
}

module.exports = { startServer, vectors, body, PACKAGE_DIR }
