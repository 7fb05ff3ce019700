import { describe, expect, it } from 'vitest'
import { authError, ctx, makeAuth } from '../helpers.js'

describe('change password', () => {
  it('needs the current password, ends every session and returns fresh tokens', async () => {
    const t = makeAuth()
    await t.signUp()
    const one = await t.signIn()
    const two = await t.signIn()
    const principal = await t.auth.authenticate(one.accessToken)
    const fresh = await t.auth.changePassword(
      principal,
      { currentPassword: 'Correct-Horse-9', newPassword: 'Brand-New-Horse-4' },
      ctx,
    )
    for (const old of [one, two]) {
      expect((await authError(t.auth.authenticate(old.accessToken))).code).toBe('UNAUTHENTICATED')
      expect((await authError(t.auth.refresh(old.refreshToken, ctx))).code).toBe('TOKEN_INVALID')
    }
    expect((await t.auth.authenticate(fresh.accessToken)).userId).toBe(one.user.id)
    expect((await t.auth.refresh(fresh.refreshToken, ctx)).user.id).toBe(one.user.id)
    expect((await t.signIn('ada@example.com', 'Brand-New-Horse-4')).user.id).toBe(one.user.id)
    await t.auth.outbox.runOnce()
    expect(t.mailer.last('ada@example.com')?.kind).toBe('password-changed')
  })

  it('refuses a wrong current password (counted toward lockout), the same password, and a weak one', async () => {
    const t = makeAuth()
    await t.signUp()
    const principal = await t.auth.authenticate((await t.signIn()).accessToken)
    const wrong = await authError(
      t.auth.changePassword(
        principal,
        { currentPassword: 'Nope-Horse-1', newPassword: 'Brand-New-Horse-4' },
        ctx,
      ),
    )
    expect(wrong.code).toBe('INVALID_CREDENTIALS')
    expect(wrong.status('authenticated')).toBe(403)
    const same = await authError(
      t.auth.changePassword(
        principal,
        { currentPassword: 'Correct-Horse-9', newPassword: 'Correct-Horse-9' },
        ctx,
      ),
    )
    expect(same.details).toEqual([{ rule: 'not_current', message: expect.any(String) }])
    const weak = await authError(
      t.auth.changePassword(principal, { currentPassword: 'Correct-Horse-9', newPassword: 'short' }, ctx),
    )
    expect(weak.code).toBe('PASSWORD_POLICY')
    expect((await t.store.getLockout('lockout:login:ada@example.com'))?.failures).toBe(1)
    expect(
      (await authError(t.auth.changePassword(principal, { currentPassword: '', newPassword: 'x' }, ctx)))
        .code,
    ).toBe('VALIDATION_FAILED')
  })
})

describe('re-authentication lockout', () => {
  it('locks after 5 wrong current passwords and audits the lockout once', async () => {
    const t = makeAuth()
    await t.signUp()
    const principal = await t.auth.authenticate((await t.signIn()).accessToken)
    const codes: string[] = []
    for (let i = 0; i < 6; i++) {
      const input = { currentPassword: `Wrong-${i}-Horse`, newPassword: 'Brand-New-Horse-4' }
      codes.push((await authError(t.auth.changePassword(principal, input, ctx))).code)
    }
    expect(codes).toEqual([...Array(4).fill('INVALID_CREDENTIALS'), 'ACCOUNT_LOCKED', 'ACCOUNT_LOCKED'])
    const lockouts = (await t.store.listAudit({ limit: 50 })).filter((e) => e.type === 'lockout')
    expect(lockouts).toHaveLength(1)
  })
})

describe('change email', () => {
  it('mails the new address a link and the old one a notice; confirming switches the address', async () => {
    const t = makeAuth()
    await t.signUp()
    const principal = await t.auth.authenticate((await t.signIn()).accessToken)
    t.mailer.clear()
    expect(
      await t.auth.requestEmailChange(
        principal,
        { newEmail: 'Ada@New.example', password: 'Correct-Horse-9' },
        ctx,
      ),
    ).toEqual({
      status: 'verification_sent',
    })
    const token = await t.lastToken('ada@new.example')
    expect(t.mailer.to('ada@example.com').map((m) => m.kind)).toEqual(['email-changed-notice'])
    expect((await t.store.findUserById(principal.userId))?.email).toBe('ada@example.com')
    const user = await t.auth.confirmEmailChange(principal, token, ctx)
    expect(user).toMatchObject({ email: 'Ada@New.example', emailVerified: true })
    expect((await t.signIn('ada@new.example')).user.email).toBe('Ada@New.example')
    expect((await authError(t.auth.confirmEmailChange(principal, token, ctx))).code).toBe('TOKEN_INVALID')
  })

  it("refuses another user's token and does not reveal a taken address", async () => {
    const t = makeAuth()
    await t.signUp('ada@example.com')
    await t.signUp('bob@example.com')
    const ada = await t.auth.authenticate((await t.signIn('ada@example.com')).accessToken)
    const bob = await t.auth.authenticate((await t.signIn('bob@example.com')).accessToken)
    expect(
      await t.auth.requestEmailChange(ada, { newEmail: 'bob@example.com', password: 'Correct-Horse-9' }, ctx),
    ).toEqual({
      status: 'verification_sent',
    })
    await t.auth.requestEmailChange(ada, { newEmail: 'ada2@example.com', password: 'Correct-Horse-9' }, ctx)
    const token = await t.lastToken('ada2@example.com')
    expect((await authError(t.auth.confirmEmailChange(bob, token, ctx))).code).toBe('TOKEN_INVALID')
    // The failed attempt rolled back: the rightful owner can still confirm.
    expect((await t.auth.confirmEmailChange(ada, token, ctx)).email).toBe('ada2@example.com')
    const wrong = await authError(
      t.auth.requestEmailChange(ada, { newEmail: 'x@example.com', password: 'Nope-1-Horse' }, ctx),
    )
    expect(wrong.code).toBe('INVALID_CREDENTIALS')
  })

  it('answers CONFLICT when the new address was taken between request and confirmation', async () => {
    const t = makeAuth()
    await t.signUp()
    const principal = await t.auth.authenticate((await t.signIn()).accessToken)
    await t.auth.requestEmailChange(
      principal,
      { newEmail: 'late@example.com', password: 'Correct-Horse-9' },
      ctx,
    )
    const token = await t.lastToken('late@example.com')
    await t.signUp('late@example.com')
    const error = await authError(t.auth.confirmEmailChange(principal, token, ctx))
    expect([error.code, error.status()]).toEqual(['CONFLICT', 409])
    expect((await t.store.findUserById(principal.userId))?.email).toBe('ada@example.com')
  })

  it('expires the link after an hour', async () => {
    const t = makeAuth()
    await t.signUp()
    const principal = await t.auth.authenticate((await t.signIn()).accessToken)
    await t.auth.requestEmailChange(
      principal,
      { newEmail: 'new@example.com', password: 'Correct-Horse-9' },
      ctx,
    )
    const token = await t.lastToken('new@example.com')
    t.clock.advance(3_600_000)
    expect((await authError(t.auth.confirmEmailChange(principal, token, ctx))).code).toBe('TOKEN_EXPIRED')
  })
})
