import test from 'node:test'
import assert from 'node:assert/strict'
import sinchAuth, { authModel, SinchAuthError, withSinchAuth } from '@sinch-auth/node'

test('import works like require', () => {
  assert.equal(authModel('voice'), 'application')
  assert.equal(sinchAuth.authModel, authModel)
  assert.equal(typeof withSinchAuth, 'function')
  assert.equal(typeof SinchAuthError, 'function')
})
