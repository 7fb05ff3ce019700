import { describe, expect, it } from 'vitest'
import {
  createVerifiedAccount,
  demoUrl,
  logInThroughPage,
  mailedLink,
  mailsTo,
  messageOf,
  uniqueEmail,
  useBrowser,
} from './harness.js'

const browsers = useBrowser()

describe('the security pages in Chromium', () => {
  it('changes the password (re-checked, other sessions signed out, this one kept)', async () => {
    const journey = browsers.start('password-change')
    const email = uniqueEmail('alan')
    const password = 'Enigma-Bombe-1940'
    const newPassword = 'Turing-Machine-1936!'
    await createVerifiedAccount(email, password, 'Alan')
    const { page } = await journey.newPage()
    await logInThroughPage(page, email, password)
    const other = await journey.newPage()
    await logInThroughPage(other.page, email, password)

    await page.goto(`${demoUrl}/security`)
    await page.waitForSelector('#signed-in:not([hidden])')
    expect(await page.textContent('#email')).toBe(email)
    expect(await page.textContent('#mfa-state')).toBe('off')
    await journey.shot(page, 'security')
    await page.click('a[href="/change-password"] >> nth=-1')
    await page.waitForSelector('#form:not([hidden]) .rules li')
    expect(await page.isHidden('#code-field')).toBe(true)
    await journey.shot(page, 'form')

    // A wrong current password is refused (403, so the page does not think the session ended).
    await page.fill('input[name=currentPassword]', 'not-my-password')
    await page.fill('input[name=newPassword]', newPassword)
    await page.click('#form button[type=submit]')
    expect(await messageOf(page)).toMatch(/password/i)
    await journey.shot(page, 'wrong-current-password')
    // A new password equal to the current one breaks the not_current rule.
    await page.fill('input[name=currentPassword]', password)
    await page.fill('input[name=newPassword]', password)
    await page.click('#form button[type=submit]')
    await page.waitForFunction(() => document.querySelectorAll('#message li').length > 0)
    await journey.shot(page, 'same-password')

    await page.fill('input[name=newPassword]', newPassword)
    await page.click('#form button[type=submit]')
    await page.waitForSelector('#done:not([hidden])')
    await journey.shot(page, 'done')

    // This browser got fresh cookies and stays signed in; the other session has ended.
    await page.goto(`${demoUrl}/me`)
    await page.waitForSelector('#user:not([hidden])')
    await other.page.goto(`${demoUrl}/me`)
    await other.page.waitForSelector('#anonymous:not([hidden])')
    await journey.shot(other.page, 'other-browser-signed-out')
    expect((await mailsTo(email)).map((m) => m.subject).join('\n')).toMatch(/password/i)

    // The old password no longer works; the new one does.
    await page.click('#logout')
    await page.waitForURL(/\/login\?loggedOut=1$/)
    await page.fill('input[name=email]', email)
    await page.fill('input[name=password]', password)
    await page.click('#form button[type=submit]')
    expect(await messageOf(page)).toMatch(/email or password/i)
    await logInThroughPage(page, email, newPassword)
    expect(page.url()).toBe(`${demoUrl}/me`)
  })

  it('changes the email address through the link mailed to the new one, logging in on the way', async () => {
    const journey = browsers.start('email-change')
    const email = uniqueEmail('barbara')
    const newEmail = uniqueEmail('liskov')
    const password = 'Substitution-Principle-87'
    await createVerifiedAccount(email, password, 'Barbara')
    const { page } = await journey.newPage()
    await logInThroughPage(page, email, password)

    await page.goto(`${demoUrl}/security`)
    await page.click('a[href="/change-email"] >> nth=-1')
    await page.waitForSelector('#form:not([hidden])')
    expect(await page.textContent('#current-email')).toBe(email)
    await journey.shot(page, 'form')
    await page.fill('input[name=newEmail]', newEmail)
    await page.fill('input[name=password]', 'not-my-password')
    await page.click('#form button[type=submit]')
    expect(await messageOf(page)).toMatch(/password/i)
    await page.fill('input[name=password]', password)
    await page.click('#form button[type=submit]')
    await page.waitForSelector('#done:not([hidden])')
    expect(await page.getAttribute('#mailbox', 'href')).toBe(`/dev/mail?to=${encodeURIComponent(newEmail)}`)
    await journey.shot(page, 'link-sent')

    // The old address is told; the new one gets the link. Nothing changes before it is opened.
    expect((await mailsTo(email, 2))[0]?.subject).toBeTruthy()
    const link = await mailedLink(newEmail, '/confirm-email-change')

    // Opened while signed out, the page keeps the token in this tab, asks for a login and comes back.
    await page.click('#logout')
    await page.waitForURL(/\/login\?loggedOut=1$/)
    await page.goto(link)
    await page.waitForSelector('#sign-in:not([hidden])')
    expect(page.url()).toBe(`${demoUrl}/confirm-email-change`)
    await journey.shot(page, 'confirm-signed-out')
    await page.click('#sign-in a')
    await page.waitForURL(`${demoUrl}/login?next=%2Fconfirm-email-change`)
    await logInThroughPage(page, email, password, '/login?next=%2Fconfirm-email-change')
    expect(page.url()).toBe(`${demoUrl}/confirm-email-change`)
    await page.waitForSelector('#confirmed:not([hidden])')
    expect(await page.textContent('#new-email')).toBe(newEmail)
    await journey.shot(page, 'confirmed')

    await page.goto(`${demoUrl}/me`)
    await page.waitForSelector('#user:not([hidden])')
    expect(await page.textContent('#user')).toContain(newEmail)
    await journey.shot(page, 'me-new-email')

    // The link is single use, and the new address is the one to sign in with.
    await page.goto(link)
    expect(await messageOf(page)).toMatch(/token/i)
    await journey.shot(page, 'link-used-twice')
    await page.click('#logout')
    await page.waitForURL(/\/login\?loggedOut=1$/)
    await logInThroughPage(page, newEmail, password)
    expect(page.url()).toBe(`${demoUrl}/me`)
  })
})
