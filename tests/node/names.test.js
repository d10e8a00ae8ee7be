'use strict'
// The Node names against tests/api/names.json: the package exports exactly the manifest's
// top-level Node names (private `_` names aside), and every dotted name resolves.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const sa = require('@sinch-auth/node')

const ROWS = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'api', 'names.json'), 'utf8')).rows

function resolves (dotted) {
  const [ownerName, member] = dotted.split('.')
  const owner = sa[ownerName]
  if (owner === undefined) return false
  if (member === undefined) return true
  if (member in owner || (owner.prototype && member in owner.prototype)) return true
  // Instance properties (the error classes set theirs in the constructor).
  return owner.prototype instanceof Error && member in new owner('message')
}

test('the exports are the manifest', () => {
  const names = new Set(ROWS.map((r) => r.node).filter((n) => n && !n.includes('.')))
  const exported = new Set(Object.keys(sa).filter((k) => !k.startsWith('_')))
  assert.deepEqual([...exported].filter((n) => !names.has(n)), [], 'exported, not in the manifest')
  assert.deepEqual([...names].filter((n) => !exported.has(n)), [], 'in the manifest, not exported')
})

test('every Node name resolves', () => {
  assert.deepEqual(ROWS.map((r) => r.node).filter((n) => n && !resolves(n)), [])
})
