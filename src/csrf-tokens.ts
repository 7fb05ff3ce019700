import type { Auth } from './auth-types.js'
import { generateToken, safeEqual } from './crypto/tokens.js'
import type { Core } from './flows/core.js'

/** Signed double-submit CSRF tokens: random value + HMAC, so a cookie planted by a sibling domain fails. */
export function csrfTokens(core: Core): Auth['csrf'] {
  return {
    issue() {
      const value = generateToken(core.random)
      return `${value}.${core.box.mac('csrf', value)}`
    },
    verify(token) {
      if (typeof token !== 'string' || token.length > 200) return false
      const [value, mac, extra] = token.split('.')
      if (!value || !mac || extra !== undefined) return false
      return core.box.macCandidates('csrf', value).some((candidate) => safeEqual(candidate, mac))
    },
  }
}
