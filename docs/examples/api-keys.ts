// Type-checked in CI: the snippets of docs/api-keys.md.
import type { Auth } from 'portcullis'

// A signed-in user (access token, signed in within the last 10 minutes) creates a key.
export async function createDeployKey(auth: Auth, accessToken: string) {
  const principal = await auth.authenticate(accessToken)
  const { apiKey, key } = await auth.createApiKey(
    principal,
    { name: 'CI deploys', scopes: ['deploys:write'], expiresInDays: 90, allowedIps: ['203.0.113.0/24'] },
    { ip: '203.0.113.7', userAgent: null },
  )
  console.log(`store this now, it is shown once: ${key} (${apiKey.prefix}…)`)
  return apiKey.id
}

// A service calls the host's API with the key in a header (never in the URL).
export async function callWithKey(key: string) {
  const res = await fetch('https://app.example/api/deploys', {
    method: 'POST',
    headers: { 'X-API-Key': key, 'Content-Type': 'application/json' },
    body: JSON.stringify({ ref: 'main' }),
  })
  return res.status
}

// Code outside the adapters can resolve a key itself.
export async function whoIs(auth: Auth, key: string, ip: string) {
  const principal = await auth.authenticateApiKey(key, { ip })
  return { userId: principal.userId, scopes: principal.apiKey?.scopes ?? [] }
}
