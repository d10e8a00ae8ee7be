import test from 'node:test'
import assert from 'node:assert/strict'
import sinchAuth, { authModel, SinchAuthError, withSinchAuth } from '@sinch-auth/node'

test('import works like require', () => {
  assert.equal(authModel('voice'), 'application')
  assert.equal(sinchAuth.authModel, authModel)
  assert.equal(typeof withSinchAuth, 'function')
  assert.equal(typeof SinchAuthError, 'function')
})

test('every export of require() is a named export of import', async () => {
  const ns = await import('@sinch-auth/node')
  const named = new Set(Object.keys(ns).filter((k) => k !== 'default'))
  const missing = Object.keys(sinchAuth).filter((k) => !k.startsWith('_') && !named.has(k))
  assert.deepEqual(missing, [])
})
