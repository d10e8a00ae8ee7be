// The Node side of scripts/test-cross-language.sh (see crates/sinch-auth/examples/
// cross_language.rs for the Rust side): `sign INPUTS` or `verify INPUTS RESULTS`, JSON out.
import fs from 'node:fs'
import * as sa from '@sinch-auth/node'

const [mode, inputsPath, resultsPath] = process.argv.slice(2)
const inputs = JSON.parse(fs.readFileSync(inputsPath, 'utf8'))
const app = new sa.ApplicationCredentials({ appKey: inputs.app_key, appSecret: inputs.app_secret })
const body = (c) => c.body_repeat ? c.body_repeat[0].repeat(c.body_repeat[1]) : c.body
const out = {}
if (mode === 'sign') {
  for (const c of inputs.cases) {
    // A string body in signRequest, a Buffer in signRequestDetails: both must agree.
    const req = { method: c.method, path: c.path, contentType: c.content_type, timestamp: c.timestamp, scheme: c.scheme }
    const h = sa.signRequest(app, { ...req, body: body(c) })
    const d = sa.signRequestDetails(app, { ...req, body: Buffer.from(body(c)) })
    if (h.Authorization !== d.authorization) throw new Error(`${c.id}: signRequest and signRequestDetails differ`)
    out[c.id] = { authorization: h.Authorization, x_timestamp: h['x-timestamp'] }
  }
} else {
  const results = JSON.parse(fs.readFileSync(resultsPath, 'utf8'))
  for (const c of inputs.cases) {
    if (c.scheme.toLowerCase() === 'service') continue
    const r = results[c.id]
    const headers = { authorization: r.authorization, 'x-timestamp': r.x_timestamp, 'content-type': c.content_type }
    try {
      sa.verifyApplicationCallback(app, c.method, c.path, headers, body(c), { now: inputs.now, tolerance: null })
      out[c.id] = true
    } catch (e) {
      if (!(e instanceof sa.SignatureError)) throw e
      out[c.id] = false
    }
  }
}
console.log(JSON.stringify(Object.fromEntries(Object.entries(out).sort())))
