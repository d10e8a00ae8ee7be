'use strict'
// JS values -> what the native functions take: bodies as Buffer, headers as a flat
// [name, value, …] array, times as seconds.
const { ConfigError } = require('./errors.js')

function toBuffer (body) {
  if (body === undefined || body === null) return Buffer.alloc(0)
  if (Buffer.isBuffer(body)) return body
  if (typeof body === 'string') return Buffer.from(body, 'utf8')
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  if (body instanceof ArrayBuffer) return Buffer.from(body)
  // The core's refusal, with how to get the raw body in Node's frameworks.
  const name = body?.constructor?.name || typeof body
  const got = `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name}`
  try {
    const native = require('./native.js')
    native.rawBodyRefusal(`${got} (pass a Buffer, Uint8Array, ArrayBuffer or string)`)
  } catch (e) {
    throw require('./errors.js').fromNative(e)
  }
  throw new ConfigError('body must be the raw bytes as received')
}

function pushValue (out, name, value) {
  if (value === undefined || value === null) return
  if (Array.isArray(value)) {
    for (const v of value) pushValue(out, name, v)
    return
  }
  out.push(String(name), Buffer.isBuffer(value) ? value.toString('latin1') : String(value))
}

/** Plain objects, Node's IncomingHttpHeaders (array values), fetch Headers, Maps,
 *  arrays of pairs, or req.rawHeaders. */
function flattenHeaders (headers) {
  const out = []
  if (headers === undefined || headers === null) return out
  if (Array.isArray(headers)) {
    if (headers.every((h) => typeof h === 'string')) {
      if (headers.length % 2 !== 0) throw new ConfigError('raw headers must come in name/value pairs')
      for (let i = 0; i < headers.length; i += 2) pushValue(out, headers[i], headers[i + 1])
      return out
    }
    for (const pair of headers) {
      if (!Array.isArray(pair) || pair.length !== 2) throw new ConfigError('headers must be [name, value] pairs')
      pushValue(out, pair[0], pair[1])
    }
    return out
  }
  if (typeof headers.forEach === 'function' && typeof headers.get === 'function') {
    headers.forEach((value, name) => pushValue(out, name, value))
    return out
  }
  if (typeof headers === 'object') {
    // for-in with an own-property check visits what Object.entries would, without building
    // the entries; string values (the usual case) go straight in.
    for (const name in headers) {
      if (!Object.prototype.hasOwnProperty.call(headers, name)) continue
      const value = headers[name]
      if (typeof value === 'string') out.push(name, value)
      else pushValue(out, name, value)
    }
    return out
  }
  throw new ConfigError('headers must be an object, a Headers, a Map or an array of pairs')
}

function toSeconds (now) {
  if (now === undefined || now === null) return null
  if (now instanceof Date) return now.getTime() / 1000
  if (typeof now === 'number') return now
  throw new ConfigError('now must be epoch seconds or a Date')
}

/** [tolerance, check freshness]: undefined is the core's default, null turns the check off. */
function freshness (tolerance) {
  if (tolerance === undefined) return [undefined, true]
  if (tolerance === null) return [undefined, false]
  if (typeof tolerance === 'number') return [tolerance, true]
  throw new ConfigError('tolerance must be seconds, or null to turn the freshness check off')
}

function str (name, value) {
  if (typeof value !== 'string') throw new ConfigError(`${name} must be a string`)
  return value
}

module.exports = { toBuffer, flattenHeaders, toSeconds, freshness, str }
