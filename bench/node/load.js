'use strict'
// N concurrent callers for SECONDS: `node load.js sinch-auth|sdk-client TOKEN_URL API_URL PROJECT KEY SECRET N SECONDS`.
const [which, tokenUrl, api, projectId, keyId, keySecret, n, secs] = process.argv.slice(2)
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function main () {
  let getAuth, onExpired
  if (which === 'sinch-auth') {
    const sa = require('../../node/index.js')
    const p = new sa.TokenProvider(new sa.ProjectCredentials({ projectId, keyId, keySecret }), { tokenUrl })
    getAuth = () => p.authorization()
    onExpired = (auth) => p.invalidate(auth.slice(7))
  } else {
    const { Oauth2TokenRequest } = require('@sinch/sdk-client')
    const r = new Oauth2TokenRequest(keyId, keySecret, tokenUrl.replace(/\/oauth2\/token$/, ''))
    getAuth = async () => r.getOAuth2Token()
    onExpired = (auth) => r.clearCachedToken(auth.replace(/^Bearer /, ''))
  }
  console.log('ready')
  const end = Date.now() + Number(secs) * 1000
  let calls = 0
  await Promise.all(Array.from({ length: Number(n) }, async () => {
    while (Date.now() < end) {
      let auth = await getAuth()
      if (typeof auth === 'object' && auth.Authorization) auth = auth.Authorization
      const res = await fetch(api, { headers: { Authorization: auth } })
      await res.arrayBuffer()
      if (res.status === 401 && /expired/i.test(res.headers.get('www-authenticate') || '')) onExpired(auth)
      calls++
      await sleep(20)
    }
  }))
  console.log(calls)
}
main().catch((e) => { console.error(e); process.exit(1) })
