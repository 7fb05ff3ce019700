import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { fromBase32 } from '../../src/crypto/base32.js'
import { defaultTotpOptions, generateTotp } from '../../src/crypto/totp.js'
import {
  createVerifiedAccount,
  demoUrl,
  type Journey,
  launchBrowser,
  logInThroughPage,
  mailsTo,
  messageOf,
  startJourney,
  uniqueEmail,
} from './harness.js'

let browser: Browser
let journey: Journey

beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
})
afterEach(async () => {
  await journey?.close()
  expect(journey?.problems ?? []).toEqual([])
})

describe('two-factor sign-in in Chromium', () => {
  it('sets up TOTP from the QR page, signs in with a backup code, trusts the browser, revokes it and turns MFA off', async () => {
    journey = startJourney(browser, 'mfa')
    const email = uniqueEmail('grace')
    const password = 'Cobol-Compiler-1959'
    await createVerifiedAccount(email, password, 'Grace')
    const { page } = await journey.newPage()
    await logInThroughPage(page, email, password)

    // Setup: the QR code is drawn from the server's SVG, the key is shown for typing by hand.
    await page.goto(`${demoUrl}/mfa`)
    await page.waitForSelector('#state:not([hidden])')
    expect(await page.textContent('#state-text')).toBe('off')
    await page.click('#setup')
    await page.waitForSelector('#setup-card:not([hidden])')
    expect(await page.locator('#qr svg path').count()).toBeGreaterThan(0)
    const secret = (await page.textContent('#secret')) ?? ''
    expect(secret).toMatch(/^[A-Z2-7]{32}$/)
    await journey.shot(page, 'setup')

    // A wrong code is refused; the right one turns MFA on and shows the backup codes once.
    await page.fill('#enable-form input[name=code]', '000000')
    await page.click('#enable-form button[type=submit]')
    expect(await messageOf(page)).toMatch(/code/i)
    await page.fill(
      '#enable-form input[name=code]',
      generateTotp(fromBase32(secret)!, Date.now(), defaultTotpOptions),
    )
    await page.click('#enable-form button[type=submit]')
    await page.waitForSelector('#codes-card:not([hidden])')
    const codes = await page.locator('#codes code').allTextContents()
    expect(codes).toHaveLength(10)
    await journey.shot(page, 'backup-codes')
    await page.click('#codes-done')
    await page.waitForSelector('#on:not([hidden])')
    expect(await page.textContent('#remaining')).toBe('Backup codes left: 10.')

    // The login page now asks for a second factor; a backup code answers it, and the browser is trusted.
    await page.click('#logout')
    await page.waitForURL(/\/login\?loggedOut=1$/)
    await page.fill('#form input[name=email]', email)
    await page.fill('#form input[name=password]', password)
    await page.click('#form button[type=submit]')
    await page.waitForSelector('#mfa-form:not([hidden])')
    await journey.shot(page, 'mfa-step')
    await page.fill('#mfa-form input[name=code]', 'ABCD-EFGH')
    await page.click('#mfa-form button[type=submit]')
    expect(await messageOf(page)).toMatch(/code/i)
    await page.fill('#mfa-form input[name=code]', codes[0]!.toLowerCase())
    await page.check('#mfa-form input[name=trustDevice]')
    await page.click('#mfa-form button[type=submit]')
    await page.waitForURL(`${demoUrl}/me`)
    expect((await mailsTo(email)).map((m) => m.subject).join('\n')).toMatch(/backup code/i)

    // Trusted: the next login skips the code.
    await page.click('#logout')
    await page.waitForURL(/\/login\?loggedOut=1$/)
    await logInThroughPage(page, email, password)
    expect(page.url()).toBe(`${demoUrl}/me`)

    // The trusted browser is listed and revocable; then the code is asked again.
    await page.goto(`${demoUrl}/mfa`)
    await page.waitForSelector('#devices:not([hidden])')
    expect(await page.textContent('#remaining')).toBe('Backup codes left: 9.')
    await journey.shot(page, 'trusted-device')
    await page.click('#devices button')
    await page.waitForSelector('#no-devices:not([hidden])')
    await page.click('#logout')
    await page.waitForURL(/\/login\?loggedOut=1$/)
    await page.fill('#form input[name=email]', email)
    await page.fill('#form input[name=password]', password)
    await page.click('#form button[type=submit]')
    await page.waitForSelector('#mfa-form:not([hidden])')
    await page.fill('#mfa-form input[name=code]', codes[1]!)
    await page.click('#mfa-form button[type=submit]')
    await page.waitForURL(`${demoUrl}/me`)

    // Turning it off needs the password and a code.
    await page.goto(`${demoUrl}/mfa`)
    await page.waitForSelector('#on:not([hidden])')
    await page.fill('#disable-form input[name=password]', password)
    await page.fill('#disable-form input[name=code]', codes[2]!)
    await page.click('#disable-form button[type=submit]')
    await page.waitForSelector('#off:not([hidden])')
    expect(await page.textContent('#state-text')).toBe('off')
    await journey.shot(page, 'off')
  })
})
