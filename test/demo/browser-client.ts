/**
 * A fetch that behaves like the demo's pages in a browser: it keeps cookies (name → value, honouring
 * deletion by Max-Age=0 or a past Expires; paths are ignored, which is enough here), sends the same-origin
 * `Origin` and `Sec-Fetch-Site` a browser sends, and the CSRF token of `GET /auth/csrf` on unsafe methods.
 */
export class BrowserClient {
  readonly cookies = new Map<string, string>()
  #csrfToken: string | null = null

  constructor(readonly baseUrl: string) {}

  async request(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', 'Sec-Fetch-Site': 'same-origin' }
    if (method !== 'GET') {
      headers.Origin = this.baseUrl
      headers['X-CSRF-Token'] = await this.csrfToken()
    }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    return this.fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  }

  /** A plain fetch with the cookie jar (no CSRF token added). */
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.cookies.size > 0)
      headers.set('Cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '))
    const res = await fetch(new URL(path, this.baseUrl), { ...init, headers, redirect: 'manual' })
    for (const line of res.headers.getSetCookie()) this.#store(line)
    return res
  }

  async csrfToken(): Promise<string> {
    if (this.#csrfToken === null) {
      const res = await this.fetch('/auth/csrf')
      if (res.status !== 200) throw new Error(`GET /auth/csrf answered ${res.status}`)
      this.#csrfToken = ((await res.json()) as { csrfToken: string }).csrfToken
    }
    return this.#csrfToken
  }

  #store(line: string): void {
    const [pair = '', ...attributes] = line.split(';').map((part) => part.trim())
    const at = pair.indexOf('=')
    if (at <= 0) return
    const name = pair.slice(0, at)
    const attr = (key: string) =>
      attributes.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1)
    const maxAge = attr('max-age')
    const expires = attr('expires')
    const expired =
      (maxAge !== undefined && Number(maxAge) <= 0) ||
      (expires !== undefined && Date.parse(expires) <= Date.now())
    if (expired) this.cookies.delete(name)
    else this.cookies.set(name, pair.slice(at + 1))
  }
}
