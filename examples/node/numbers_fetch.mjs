// List the project's active numbers with fetch: one cached bearer token for every call.
// Needs SINCH_PROJECT_ID, SINCH_KEY_ID, SINCH_KEY_SECRET (and, for the local server,
// SINCH_API_BASE_URL and SINCH_AUTH_URL).
import { ProjectCredentials, TokenProvider, baseUrl, withSinchAuth } from '@sinch-auth/node'

const creds = ProjectCredentials.fromEnv()
const provider = new TokenProvider(creds) // one per key: share it
const sinchFetch = withSinchAuth(fetch, { product: 'numbers', provider })
const base = process.env.SINCH_API_BASE_URL || baseUrl('numbers')

let res
for (let i = 0; i < 3; i++) {
  res = await sinchFetch(`${base}/v1/projects/${creds.projectId}/activeNumbers`)
  if (!res.ok) throw new Error(`Numbers API answered ${res.status}`)
  await res.arrayBuffer()
}
console.log(`3 calls answered ${res.status}, ${provider.stats().fetched} token fetched`)
