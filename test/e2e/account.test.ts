import { describe, expect, it } from 'vitest'
import {
  demoUrl,
  logInThroughPage,
  mailedLink,
  mailsTo,
  messageOf,
  uniqueEmail,
  useBrowser,
} from './harness.js'

const browsers = useBrowser()

describe('the account pages in Chromium', () => {
  it('registers, verifies through the mailed link, logs in, keeps the tokens in HttpOnly cookies, revokes another session and logs out', async () => {
    const journey = browsers.start('account')
    const { context, page } = await journey.newPage()
    const email = uniqueEmail('grace')
    const password = 'Cobol-Compiler-1959'

    // Register: the page lists the policy's rules, and a weak password gets every broken rule back.
    await page.goto(`${demoUrl}/register`)
    await page.waitForSelector('.rules li')
    await journey.shot(page, 'register')
    await page.fill('input[name=email]', email)
    await page.fill('input[name=name]', 'Grace Hopper')
    await page.fill('input[name=password]', 'short')
    // The input's minlength would stop the browser from submitting; the server's answer is what we show.
    await page.evaluate(() =>
      document.querySelector<HTMLInputElement>('input[name=password]')?.removeAttribute('minlength'),
    )
    await page.click('#form button[type=submit]')
    expect(await messageOf(page)).toMatch(/password/i)
    expect(await page.locator('#message li').count()).toBeGreaterThan(0)
    await journey.shot(page, 'register-weak-password')
    await page.fill('input[name=password]', password)
    await page.click('#form button[type=submit]')
    await page.waitForSelector('#done:not([hidden])')
    expect(await page.getAttribute('#mailbox', 'href')).toBe(`/dev/mail?to=${encodeURIComponent(email)}`)
    await journey.shot(page, 'register-done')

    // Logging in before verifying shows the banner; "send again" then cools down.
    await page.goto(`${demoUrl}/login`)
    await page.fill('input[name=email]', email)
    await page.fill('input[name=password]', password)
    await page.click('#form button[type=submit]')
    await page.waitForSelector('#unverified:not([hidden])')
    await page.click('#resend')
    await page.waitForFunction(() => {
      const button = document.querySelector<HTMLButtonElement>('#resend')
      return button?.disabled === true && /ask again in \d+ s/.test(button.textContent ?? '')
    })
    expect(await messageOf(page)).toMatch(/verification mail is on its way/)
    await journey.shot(page, 'login-unverified-resend-cooldown')

    // The newest verification link (the resend replaced the first one) verifies the address.
    await mailsTo(email, 2)
    const verifyLink = await mailedLink(email, '/verify-email', 2)
    await page.goto(verifyLink)
    await page.waitForSelector('#verified:not([hidden])')
    expect(page.url()).toBe(`${demoUrl}/verify-email`)
    await journey.shot(page, 'verified')
    await page.goto(verifyLink)
    expect(await messageOf(page)).not.toBe('')
    await journey.shot(page, 'verify-link-used-twice')

    await logInThroughPage(page, email, password)
    expect(page.url()).toBe(`${demoUrl}/me`)
    await page.waitForSelector('#user:not([hidden])')
    expect(await page.textContent('#user')).toContain(email)
    await journey.shot(page, 'me')

    // Cookie transport: access and refresh tokens are HttpOnly, SameSite=Lax (the default); only the csrf
    // cookie is visible to scripts.
    const cookies = Object.fromEntries((await context.cookies(demoUrl)).map((c) => [c.name, c]))
    const refresh = (await context.cookies(`${demoUrl}/auth/token/refresh`)).find(
      (c) => c.name === 'pc_refresh',
    )
    expect(cookies.pc_access).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', secure: false })
    expect(refresh).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/auth/token/refresh' })
    expect(cookies.pc_csrf).toMatchObject({ httpOnly: false, sameSite: 'Lax', path: '/' })
    const visible = await page.evaluate(() => document.cookie.split(/;\s*/).map((c) => c.split('=')[0]))
    expect(visible).toEqual(['pc_csrf'])

    // A second browser signs in; the first one sees both sessions and revokes the other.
    const second = await journey.newPage()
    await logInThroughPage(second.page, email, password)
    await second.page.waitForSelector('#user:not([hidden])')
    await page.goto(`${demoUrl}/sessions`)
    await page.waitForSelector('#sessions:not([hidden])')
    expect(await page.locator('#sessions tbody tr').count()).toBe(2)
    await journey.shot(page, 'sessions-two')
    await page.locator('#sessions tbody button', { hasText: /^Revoke$/ }).click()
    await page.waitForFunction(() => document.querySelectorAll('#sessions tbody tr').length === 1)
    expect(await page.textContent('#sessions tbody')).toContain('this browser')
    await journey.shot(page, 'sessions-after-revoke')
    await second.page.reload()
    await second.page.waitForSelector('#anonymous:not([hidden])')
    await journey.shot(second.page, 'second-browser-revoked')

    // Log out: the access and refresh cookies go, and /me no longer knows us.
    await page.click('#logout')
    await page.waitForURL(`${demoUrl}/login?loggedOut=1`)
    expect(await messageOf(page)).toBe('You are logged out.')
    await journey.shot(page, 'logged-out')
    const left = (await context.cookies([demoUrl, `${demoUrl}/auth/token/refresh`])).map((c) => c.name)
    expect(left).not.toContain('pc_access')
    expect(left).not.toContain('pc_refresh')
    await page.goto(`${demoUrl}/me`)
    await page.waitForSelector('#anonymous:not([hidden])')
    await journey.shot(page, 'me-signed-out')
  })
})
