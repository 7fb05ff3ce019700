import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import {
  createVerifiedAccount,
  demoUrl,
  logInThroughPage,
  mailedLink,
  messageOf,
  uniqueEmail,
  useBrowser,
} from './harness.js'

const browsers = useBrowser()

/** Seconds from a countdown label: "Try again in 42 s" or "Try again in 29:59"; null when there is none. */
function secondsIn(label: string): number | null {
  const match = /Try again in (?:(\d+) s|(\d+):(\d\d))$/.exec(label.trim())
  if (match === null) return null
  return match[1] !== undefined ? Number(match[1]) : Number(match[2]) * 60 + Number(match[3])
}

/** The seconds the submit button's countdown shows, or null when it shows none. */
async function countdownOf(page: Page): Promise<number | null> {
  return secondsIn((await page.textContent('#form button[type=submit]')) ?? '')
}

describe('recovering an account in Chromium', () => {
  it('resets a forgotten password through the mailed link', async () => {
    const journey = browsers.start('password-reset')
    const email = uniqueEmail('margaret')
    const password = 'Apollo-Guidance-1969'
    const newPassword = 'Priority-Displays-1202!'
    await createVerifiedAccount(email, password, 'Margaret')
    const { page } = await journey.newPage()
    await logInThroughPage(page, email, password)

    const other = await journey.newPage()
    await other.page.goto(`${demoUrl}/forgot-password`)
    await journey.shot(other.page, 'forgot')
    await other.page.fill('input[name=email]', email)
    await other.page.click('#form button[type=submit]')
    await other.page.waitForSelector('#done:not([hidden])')
    await journey.shot(other.page, 'forgot-sent')

    const link = await mailedLink(email, '/reset-password')
    await other.page.goto(link)
    await other.page.waitForSelector('.rules li')
    // The token leaves the address bar at once (it is single use and must not linger in history).
    expect(other.page.url()).toBe(`${demoUrl}/reset-password`)
    await journey.shot(other.page, 'reset-form')
    await other.page.fill('input[name=password]', newPassword)
    await other.page.click('#form button[type=submit]')
    await other.page.waitForSelector('#done:not([hidden])')
    await journey.shot(other.page, 'reset-done')

    // Every session ended with the reset, the one signed in before it included.
    await page.reload()
    await page.waitForSelector('#anonymous:not([hidden])')
    await logInThroughPage(other.page, email, newPassword)
    await other.page.waitForSelector('#user:not([hidden])')
    await journey.shot(other.page, 'me-with-new-password')
    await other.page.goto(link)
    await other.page.fill('input[name=password]', 'Another-Try-With-Old-Link-1')
    await other.page.click('#form button[type=submit]')
    expect(await messageOf(other.page)).toMatch(/token/i)
    await journey.shot(other.page, 'reset-link-used-twice')
  })

  it('counts down from Retry-After when the forgot-password limit answers 429', async () => {
    const journey = browsers.start('rate-limit')
    const { page } = await journey.newPage()
    // forgotPerIpEmail: 3 per 30 minutes per (IP, email), whether or not the address has an account.
    const email = uniqueEmail('nobody')
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      await page.goto(`${demoUrl}/forgot-password`)
      await page.fill('input[name=email]', email)
      await page.click('#form button[type=submit]')
      await page.waitForSelector('#done:not([hidden])')
    }
    await page.goto(`${demoUrl}/forgot-password`)
    await page.fill('input[name=email]', email)
    const answer = page.waitForResponse((r) => r.url() === `${demoUrl}/auth/password/forgot`)
    await page.click('#form button[type=submit]')
    const response = await answer
    expect(response.status()).toBe(429)
    const retryAfter = Number(response.headers()['retry-after'])
    expect(retryAfter).toBeGreaterThan(0)
    expect(await messageOf(page)).toMatch(/too many/i)
    expect(await page.isDisabled('#form button[type=submit]')).toBe(true)
    const first = await countdownOf(page)
    expect(first).not.toBeNull()
    expect(first).toBeLessThanOrEqual(retryAfter)
    expect(first).toBeGreaterThanOrEqual(retryAfter - 2)
    await journey.shot(page, 'forgot-429-countdown')
    // It counts down, once a second.
    await expect
      .poll(() => countdownOf(page), { timeout: 3000 })
      .toSatisfy((left: number | null) => left !== null && left < (first ?? 0))
  })

  it('locks the account after 5 failed logins and counts down from the 423 Retry-After', async () => {
    const journey = browsers.start('lockout')
    const email = uniqueEmail('kevin')
    const password = 'Condor-Takedown-1995'
    await createVerifiedAccount(email, password)
    const { page } = await journey.newPage()
    await page.goto(`${demoUrl}/login`)
    let last: { status: number; retryAfter: number } = { status: 0, retryAfter: 0 }
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      await page.fill('input[name=email]', email)
      await page.fill('input[name=password]', `wrong-guess-${attempt}`)
      const answer = page.waitForResponse((r) => r.url() === `${demoUrl}/auth/login`)
      await page.click('#form button[type=submit]')
      const response = await answer
      last = { status: response.status(), retryAfter: Number(response.headers()['retry-after'] ?? 0) }
      if (attempt < 5) {
        expect(last.status).toBe(401)
        await page.waitForSelector('#form button[type=submit]:not([disabled])')
      }
    }
    // The failure that reaches the limit already answers 423 ACCOUNT_LOCKED.
    expect(last.status).toBe(423)
    expect(last.retryAfter).toBeGreaterThan(0)
    expect(await messageOf(page)).toMatch(/locked/i)
    await expect.poll(() => countdownOf(page)).not.toBeNull()
    expect(await countdownOf(page)).toBeLessThanOrEqual(last.retryAfter)
    expect(await page.isDisabled('#form button[type=submit]')).toBe(true)
    await journey.shot(page, 'login-423-countdown')
  })
})
