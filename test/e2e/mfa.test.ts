import { describe, expect, it } from 'vitest'
import { generate } from 'otplib'
import {
  createVerifiedAccount,
  demoUrl,
  logInThroughPage,
  mailsTo,
  messageOf,
  uniqueEmail,
  useBrowser,
} from './harness.js'

const browsers = useBrowser()

/** The TOTP code of `secret` for one 30-second time step, from otplib: not the server's own implementation. */
function totpAt(secret: string, step: number): Promise<string> {
  return generate({ secret, epoch: step * 30 })
}

describe('two-factor sign-in in Chromium', () => {
  it('sets up TOTP from the QR page, signs in with a TOTP code and with a backup code, trusts the browser, revokes it and turns MFA off', async () => {
    const journey = browsers.start('mfa')
    const email = uniqueEmail('grace')
    const password = 'Cobol-Compiler-1959'
    await createVerifiedAccount(email, password, 'Grace')
    const { context, page } = await journey.newPage()
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
    const enabledStep = Math.floor(Date.now() / 30_000)
    await page.fill('#enable-form input[name=code]', await totpAt(secret, enabledStep))
    await page.click('#enable-form button[type=submit]')
    await page.waitForSelector('#codes-card:not([hidden])')
    const codes = await page.locator('#codes code').allTextContents()
    expect(codes).toHaveLength(10)
    await journey.shot(page, 'backup-codes')
    await page.click('#codes-done')
    await page.waitForSelector('#on:not([hidden])')
    expect(await page.textContent('#remaining')).toBe('Backup codes left: 10.')

    // Out and in again with a code from the app. The enabling code spent its time step and a step is accepted
    // once, so the app's next code it is (the server accepts ±1 step of drift).
    await page.click('#logout')
    await page.waitForURL(/\/login\?loggedOut=1$/)
    await page.fill('#form input[name=email]', email)
    await page.fill('#form input[name=password]', password)
    await page.click('#form button[type=submit]')
    await page.waitForSelector('#mfa-form:not([hidden])')
    await page.fill('#mfa-form input[name=code]', await totpAt(secret, enabledStep + 1))
    await page.click('#mfa-form button[type=submit]')
    await page.waitForURL(`${demoUrl}/me`)
    await page.waitForSelector('#user:not([hidden])')
    expect(await page.textContent('#user')).toMatch(/Two-factor sign-in\s*on/)
    await journey.shot(page, 'me-after-totp')

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
    // The trusted-device cookie is HttpOnly too, and only goes to the login route.
    const device = (await context.cookies(`${demoUrl}/auth/login`)).find((c) => c.name === 'pc_device')
    expect(device).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/auth/login' })

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

    // With MFA on, the change-password page asks for a code as well.
    const newPassword = 'Nanosecond-Wire-30cm'
    await page.goto(`${demoUrl}/change-password`)
    await page.waitForSelector('#code-field:not([hidden])')
    await page.fill('input[name=currentPassword]', password)
    await page.fill('input[name=newPassword]', newPassword)
    await page.fill('input[name=code]', codes[2]!)
    await journey.shot(page, 'password-change-asks-code')
    await page.click('#form button[type=submit]')
    await page.waitForSelector('#done:not([hidden])')

    // Turning it off needs the password and a code.
    await page.goto(`${demoUrl}/mfa`)
    await page.waitForSelector('#on:not([hidden])')
    await page.fill('#disable-form input[name=password]', newPassword)
    await page.fill('#disable-form input[name=code]', codes[3]!)
    await page.click('#disable-form button[type=submit]')
    await page.waitForSelector('#off:not([hidden])')
    expect(await page.textContent('#state-text')).toBe('off')
    await journey.shot(page, 'off')
  })
})
