// Calls the auth routes the way a browser app should: cookie transport (the tokens stay in HttpOnly
// cookies), the CSRF token from GET /auth/csrf on every unsafe request, and one refresh when the access
// token has expired.

/** @typedef {{ code: string, message: string, details?: unknown, requestId?: string }} ApiError */
/** @typedef {{ ok: boolean, status: number, data: any, error: ApiError | null, retryAfterSeconds: number }} ApiResult */

let csrfToken = null

async function fetchCsrfToken() {
  const res = await fetch('/auth/csrf', {
    credentials: 'same-origin',
    headers: { 'X-Auth-Transport': 'cookie' },
  })
  if (!res.ok) throw new Error(`GET /auth/csrf answered ${res.status}`)
  const data = await res.json()
  return data.csrfToken
}

/** The CSRF token of this page; the first call also sets the csrf cookie. */
export async function csrf() {
  csrfToken ??= await fetchCsrfToken()
  return csrfToken
}

async function send(method, path, body) {
  const headers = { 'X-Auth-Transport': 'cookie', Accept: 'application/json' }
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = await csrf()
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  const res = await fetch(`/auth${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  let data = null
  try {
    data = text === '' ? null : JSON.parse(text)
  } catch {
    data = null
  }
  const error = res.ok
    ? null
    : (data?.error ?? { code: 'HTTP_ERROR', message: `The server answered ${res.status}.` })
  const retryAfterSeconds = Number(res.headers.get('Retry-After')) || 0
  return { ok: res.ok, status: res.status, data, error, retryAfterSeconds }
}

/**
 * Whether a 401 is worth one refresh. TOKEN_EXPIRED says so; but the access cookie's Max-Age is the access
 * token's lifetime, so a browser usually drops the cookie first and the server sees no token at all
 * (UNAUTHENTICATED) while the refresh cookie still works.
 */
function mayRefresh(path, code) {
  if (path === '/token/refresh' || path === '/login' || path.startsWith('/login/')) return false
  return code === 'TOKEN_EXPIRED' || code === 'UNAUTHENTICATED'
}

/**
 * Calls `/auth<path>` and returns the outcome (never throws for an HTTP error; a network failure becomes
 * code NETWORK). An expired (or dropped) access token gets one refresh and one retry; a stale CSRF token one new token.
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<ApiResult>}
 */
export async function api(method, path, body) {
  try {
    let result = await send(method, path, body)
    if (result.status === 401 && mayRefresh(path, result.error?.code)) {
      const refreshed = await send('POST', '/token/refresh', {})
      if (refreshed.ok) result = await send(method, path, body)
    } else if (result.status === 403 && result.error?.code === 'CSRF_FAILED') {
      // The csrf cookie may have ended with the browser session: get a fresh pair once.
      csrfToken = null
      result = await send(method, path, body)
    }
    return result
  } catch (error) {
    return {
      ok: false,
      status: 0,
      data: null,
      error: { code: 'NETWORK', message: `Could not reach the server (${error.message}).` },
      retryAfterSeconds: 0,
    }
  }
}
