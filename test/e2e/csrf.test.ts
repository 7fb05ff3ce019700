import type { Page, Response } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { BrowserClient } from '../demo/browser-client.js'
import {
  createVerifiedAccount,
  demoUrl,
  forger,
  logInThroughPage,
  uniqueEmail,
  useBrowser,
} from './harness.js'

const browsers = useBrowser()

/** What the browser sent with a forged request, and the status the demo answered. */
async function forged(response: Response) {
  const headers = await response.request().allHeaders()
  return {
    status: response.status(),
    origin: headers.origin,
    sentAccessCookie: /(^|;\s*)pc_access=/.test(headers.cookie ?? ''),
  }
}

/** The error code of a forged form post's answer, which the browser shows as the page. */
async function errorCodeOf(page: Page, response: Response): Promise<string | undefined> {
  // The body is there once the answer has loaded as the page (and gone once the page moves on).
  await page.waitForLoadState('load')
  return ((await response.json()) as { error?: { code?: string } }).error?.code
}

describe('forged requests from other origins', () => {
  it('refuses forged posts from another site and from another port of this site; the session survives', async () => {
    const journey = browsers.start('csrf')
    const email = uniqueEmail('mallory-target')
    const password = 'Double-Submit-Cookie-1'
    await createVerifiedAccount(email, password)
    const { page } = await journey.newPage()
    await logInThroughPage(page, email, password)
    await page.waitForSelector('#user:not([hidden])')

    // Cross-site (127.0.0.1 is another site than localhost): a form that posts itself to /auth/logout.
    // SameSite=Lax keeps the auth cookies off a cross-site POST, and the Origin check refuses it anyway.
    const logoutUrl = `${demoUrl}/auth/logout`
    const isPost = (url: string) => (r: Response) => r.url() === url && r.request().method() === 'POST'
    let answer = page.waitForResponse(isPost(logoutUrl))
    await page.goto(`${forger.crossSite}/form?target=${encodeURIComponent(logoutUrl)}`)
    let response = await answer
    expect(await forged(response)).toEqual({ status: 403, origin: forger.crossSite, sentAccessCookie: false })
    expect(await errorCodeOf(page, response)).toBe('CSRF_FAILED')
    await journey.shot(page, 'cross-site-form-refused')

    // Same site, other port (another origin): the Lax cookies do go along, so the Origin and CSRF-token
    // checks are what stop a form that tries to change the password.
    const changeUrl = `${demoUrl}/auth/password/change`
    answer = page.waitForResponse(isPost(changeUrl))
    await page.goto(`${forger.sameSiteOtherPort}/form?target=${encodeURIComponent(changeUrl)}`)
    response = await answer
    expect(await forged(response)).toEqual({
      status: 403,
      origin: forger.sameSiteOtherPort,
      sentAccessCookie: true,
    })
    expect(await errorCodeOf(page, response)).toBe('CSRF_FAILED')
    await journey.shot(page, 'same-site-form-refused')

    // A no-cors fetch with credentials to /auth/logout from there: its answer is opaque (Chromium keeps neither
    // its body nor the headers it sent), but 403 it is, and had it passed, the session checked below would be gone.
    answer = page.waitForResponse(isPost(logoutUrl))
    await page.goto(`${forger.sameSiteOtherPort}/fetch?target=${encodeURIComponent(logoutUrl)}`)
    expect((await answer).status()).toBe(403)
    await page.waitForFunction(() => document.title === 'sent')
    await journey.shot(page, 'same-site-fetch-refused')

    // Still signed in, and the password is the old one.
    await page.goto(`${demoUrl}/me`)
    await page.waitForSelector('#user:not([hidden])')
    expect(await page.textContent('#user')).toContain(email)
    await journey.shot(page, 'session-survived')
    const login = await new BrowserClient(demoUrl).request('POST', '/auth/login', { email, password })
    expect(login.status).toBe(200)
  })
})
