import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { IssuedTokens, LoginResult } from '../../src/auth-types.js'
import { fromBase32 } from '../../src/crypto/base32.js'
import { generateKeyRingSpec, serializeKeyRing } from '../../src/crypto/key-ring.js'
import { defaultTotpOptions, generateTotp } from '../../src/crypto/totp.js'
import { requireRecentAuth } from '../../src/policy/step-up.js'
import { memoryStore } from '../../src/testing/index.js'
import { authError, ctx, makeAuth, type TestAuth } from '../helpers.js'

const PASSWORD = 'Correct-Horse-9'
const step = 30_000
const minute = 60_000

/** An account with TOTP on: the secret (to compute codes) and the backup codes. */
async function withMfa(t: TestAuth, email = 'ada@example.com') {
  await t.signUp(email)
  const principal = await t.auth.authenticate((await t.signIn(email)).accessToken)
  const setup = await t.auth.setupTotp(principal, ctx)
  const key = fromBase32(setup.secret)!
  const code = (at = t.clock.now()) => generateTotp(key, at, defaultTotpOptions)
  const { backupCodes } = await t.auth.enableTotp(principal, { code: code() }, ctx)
  // The enabling code's step is spent: move to the next step so a fresh code exists.
  t.clock.advance(step)
  return { email, principal, setup, code, backupCodes }
}

function challenge(result: LoginResult): string {
  if (result.type !== 'mfa') throw new Error('expected an MFA challenge')
  return result.mfaToken
}

const login = (t: TestAuth, email = 'ada@example.com', extra: { trustedDeviceToken?: string } = {}) =>
  t.auth.login({ email, password: PASSWORD, ...extra }, ctx)

describe('TOTP setup and enable', () => {
  it('sets up a sealed pending secret with an otpauth URL and an SVG QR code', async () => {
    const t = makeAuth({ mail: { appName: 'Acme Portal' } })
    await t.signUp()
    const principal = await t.auth.authenticate((await t.signIn()).accessToken)
    const setup = await t.auth.setupTotp(principal, ctx)
    expect(setup.secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(fromBase32(setup.secret)).toHaveLength(20)
    expect(setup.otpauthUrl).toBe(
      `otpauth://totp/Acme%20Portal:ada%40example.com?secret=${setup.secret}&issuer=Acme%20Portal&algorithm=SHA1&digits=6&period=30`,
    )
    expect(setup.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/)
    const stored = await t.store.findTotp(principal.userId)
    expect(stored).toMatchObject({ enabledAt: null, lastStep: null })
    expect(stored?.secretSealed).not.toContain(setup.secret)
    expect((await t.auth.mfaStatus(principal)).totpEnabled).toBe(false)
    // Setting up again replaces the pending secret.
    const again = await t.auth.setupTotp(principal, ctx)
    expect(again.secret).not.toBe(setup.secret)
  })

  it('uses mfa.issuer over the app name', async () => {
    const t = makeAuth({ mfa: { issuer: 'Acme' } })
    await t.signUp()
    const principal = await t.auth.authenticate((await t.signIn()).accessToken)
    expect((await t.auth.setupTotp(principal, ctx)).otpauthUrl).toMatch(
      /^otpauth:\/\/totp\/Acme:ada%40example.com\?.*&issuer=Acme&/,
    )
  })

  it('enables only with a code of the pending secret, returns 10 backup codes, then refuses a second enable', async () => {
    const t = makeAuth()
    await t.signUp()
    const principal = await t.auth.authenticate((await t.signIn()).accessToken)
    expect((await authError(t.auth.enableTotp(principal, { code: '123456' }, ctx))).code).toBe('CONFLICT')
    const setup = await t.auth.setupTotp(principal, ctx)
    const code = generateTotp(fromBase32(setup.secret)!, t.clock.now(), defaultTotpOptions)
    const wrong = code === '000000' ? '000001' : '000000'
    const refused = await authError(t.auth.enableTotp(principal, { code: wrong }, ctx))
    expect(refused.code).toBe('MFA_INVALID')
    expect(refused.status('authenticated')).toBe(403)
    const { backupCodes } = await t.auth.enableTotp(principal, { code }, ctx)
    expect(backupCodes).toHaveLength(10)
    expect(new Set(backupCodes).size).toBe(10)
    for (const c of backupCodes) expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/)
    expect(await t.auth.mfaStatus(principal)).toEqual({
      totpEnabled: true,
      backupCodesRemaining: 10,
      trustedDevices: [],
    })
    expect((await t.auth.me(principal)).mfaEnabled).toBe(true)
    expect((await authError(t.auth.enableTotp(principal, { code }, ctx))).code).toBe('CONFLICT')
    expect((await authError(t.auth.setupTotp(principal, ctx))).code).toBe('CONFLICT')
    const events = await t.store.listAudit({ userId: principal.userId, types: ['mfa.enable'], limit: 5 })
    expect(events).toHaveLength(1)
  })
})

describe('two-step login', () => {
  it('answers a challenge; the code completes it with amr pwd+otp and the chosen rememberMe', async () => {
    const t = makeAuth()
    const { code } = await withMfa(t)
    const result = await t.auth.login(
      { email: 'ada@example.com', password: PASSWORD, rememberMe: false },
      ctx,
    )
    expect(result).toEqual({ type: 'mfa', mfaToken: expect.any(String), methods: ['totp', 'backup_code'] })
    const { tokens, trustedDevice } = await t.auth.completeMfaLogin(
      { mfaToken: challenge(result), code: code() },
      ctx,
    )
    expect(trustedDevice).toBeNull()
    expect(tokens.rememberMe).toBe(false)
    const principal = await t.auth.authenticate(tokens.accessToken)
    expect(principal.amr).toEqual(['pwd', 'otp'])
    expect(principal.authTime).toBe(t.clock.now() / 1000)
  })

  it('refuses a reused code, an older step after a newer one, and a code outside ±1 step', async () => {
    const t = makeAuth()
    const { code } = await withMfa(t)
    const now = t.clock.now()
    await t.auth.completeMfaLogin({ mfaToken: challenge(await login(t)), code: code(now) }, ctx)
    const replay = await authError(
      t.auth.completeMfaLogin({ mfaToken: challenge(await login(t)), code: code(now) }, ctx),
    )
    expect(replay.code).toBe('MFA_INVALID')
    expect(replay.status()).toBe(401)
    await t.auth.completeMfaLogin({ mfaToken: challenge(await login(t)), code: code(now + step) }, ctx)
    const older = t.auth.completeMfaLogin(
      { mfaToken: challenge(await login(t)), code: code(now - step) },
      ctx,
    )
    expect((await authError(older)).code).toBe('MFA_INVALID')
    const far = t.auth.completeMfaLogin(
      { mfaToken: challenge(await login(t)), code: code(now + 3 * step) },
      ctx,
    )
    expect((await authError(far)).code).toBe('MFA_INVALID')
  })

  it('of two parallel completions with one code, exactly one wins (separate challenges and one challenge)', async () => {
    const t = makeAuth()
    const { code } = await withMfa(t)
    const [a, b] = [challenge(await login(t)), challenge(await login(t))]
    const separate = await Promise.allSettled([
      t.auth.completeMfaLogin({ mfaToken: a, code: code() }, ctx),
      t.auth.completeMfaLogin({ mfaToken: b, code: code() }, ctx),
    ])
    expect(separate.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    t.clock.advance(step)
    const c = challenge(await login(t))
    const shared = await Promise.allSettled([
      t.auth.completeMfaLogin({ mfaToken: c, code: code() }, ctx),
      t.auth.completeMfaLogin({ mfaToken: c, code: code() }, ctx),
    ])
    expect(shared.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of [...separate, ...shared])
      if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'MFA_INVALID' })
  })

  it('keeps the challenge after a typo, spends it once, and refuses it after 5 minutes or as another kind', async () => {
    const t = makeAuth()
    const { code } = await withMfa(t)
    const token = challenge(await login(t))
    expect((await authError(t.auth.completeMfaLogin({ mfaToken: token, code: 'ABCD-EFGH' }, ctx))).code).toBe(
      'MFA_INVALID',
    )
    await t.auth.completeMfaLogin({ mfaToken: token, code: code() }, ctx)
    t.clock.advance(step)
    expect((await authError(t.auth.completeMfaLogin({ mfaToken: token, code: code() }, ctx))).code).toBe(
      'MFA_INVALID',
    )
    const late = challenge(await login(t))
    t.clock.advance(5 * minute)
    expect((await authError(t.auth.completeMfaLogin({ mfaToken: late, code: code() }, ctx))).code).toBe(
      'MFA_INVALID',
    )
    expect((await authError(t.auth.completeMfaLogin({ mfaToken: 'nope', code: code() }, ctx))).code).toBe(
      'MFA_INVALID',
    )
    const neither = await authError(t.auth.completeMfaLogin({ mfaToken: late }, ctx))
    expect(neither.code).toBe('VALIDATION_FAILED')
  })

  it('a password that is wrong never reaches the challenge', async () => {
    const t = makeAuth()
    await withMfa(t)
    const wrong = await authError(t.auth.login({ email: 'ada@example.com', password: 'Wrong-Horse-1' }, ctx))
    expect(wrong.code).toBe('INVALID_CREDENTIALS')
  })
})

describe('backup codes', () => {
  it('each works once (typed loosely), mails a notice, is audited and counted down', async () => {
    const t = makeAuth()
    const { principal, backupCodes } = await withMfa(t)
    const first = backupCodes[0]!
    const typed = first.replace('-', '').toLowerCase()
    const done = await t.auth.completeMfaLogin(
      { mfaToken: challenge(await login(t)), backupCode: typed },
      ctx,
    )
    expect((await t.auth.authenticate(done.tokens.accessToken)).amr).toEqual(['pwd', 'otp'])
    const again = t.auth.completeMfaLogin({ mfaToken: challenge(await login(t)), backupCode: first }, ctx)
    expect((await authError(again)).code).toBe('MFA_INVALID')
    // A backup code in the `code` field is recognised by its shape.
    await t.auth.completeMfaLogin({ mfaToken: challenge(await login(t)), code: backupCodes[1]! }, ctx)
    expect((await t.auth.mfaStatus(principal)).backupCodesRemaining).toBe(8)
    await t.auth.outbox.runOnce()
    const notices = t.mailer.to('ada@example.com').filter((m) => m.kind === 'backup-code-used')
    expect(notices).toHaveLength(2)
    expect(notices[0]?.text).toContain('9')
    const used = await t.store.listAudit({
      userId: principal.userId,
      types: ['mfa.backup_code.used'],
      limit: 5,
    })
    expect(used.map((e) => e.meta.remaining).sort()).toEqual([8, 9])
  })

  it('of 5 parallel logins with one backup code exactly one wins', async () => {
    const t = makeAuth()
    const { backupCodes } = await withMfa(t)
    const tokens = await Promise.all([1, 2, 3, 4, 5].map(async () => challenge(await login(t))))
    const results = await Promise.allSettled(
      tokens.map((mfaToken) => t.auth.completeMfaLogin({ mfaToken, backupCode: backupCodes[3]! }, ctx)),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
  })

  it('regenerating needs the password and a code, and voids the old set', async () => {
    const t = makeAuth()
    const { principal, code, backupCodes } = await withMfa(t)
    const wrongPassword = await authError(
      t.auth.regenerateBackupCodes(principal, { password: 'Wrong-Horse-1', code: code() }, ctx),
    )
    expect(wrongPassword.code).toBe('INVALID_CREDENTIALS')
    expect(wrongPassword.status('authenticated')).toBe(403)
    const wrongCode = await authError(
      t.auth.regenerateBackupCodes(
        principal,
        { password: PASSWORD, code: backupCodes[0]!.replace(/./, 'Z') },
        ctx,
      ),
    )
    expect(wrongCode.code).toBe('MFA_INVALID')
    expect(wrongCode.status('authenticated')).toBe(403)
    // The wrong password did not spend the code: it still regenerates.
    const fresh = await t.auth.regenerateBackupCodes(principal, { password: PASSWORD, code: code() }, ctx)
    expect(fresh.backupCodes).toHaveLength(10)
    expect(fresh.backupCodes.some((c) => backupCodes.includes(c))).toBe(false)
    const old = t.auth.completeMfaLogin(
      { mfaToken: challenge(await login(t)), backupCode: backupCodes[5]! },
      ctx,
    )
    expect((await authError(old)).code).toBe('MFA_INVALID')
    await t.auth.completeMfaLogin(
      { mfaToken: challenge(await login(t)), backupCode: fresh.backupCodes[5]! },
      ctx,
    )
    expect((await t.auth.mfaStatus(principal)).backupCodesRemaining).toBe(9)
  })
})

describe('trusted devices', () => {
  it('skip MFA for their own account only, are listed, and end with logout-all', async () => {
    const t = makeAuth()
    const { principal, code } = await withMfa(t)
    const bob = await withMfa(t, 'bob@example.com')
    const done = await t.auth.completeMfaLogin(
      { mfaToken: challenge(await login(t)), code: code(), trustDevice: true },
      ctx,
    )
    const device = done.trustedDevice!
    expect(device.expiresAt).toBe(t.clock.now() + 30 * 86_400_000)
    const skipped = await login(t, 'ada@example.com', { trustedDeviceToken: device.token })
    expect(skipped.type).toBe('tokens')
    expect((await login(t, 'bob@example.com', { trustedDeviceToken: device.token })).type).toBe('mfa')
    expect((await login(t, 'ada@example.com', { trustedDeviceToken: 'forged' })).type).toBe('mfa')
    const status = await t.auth.mfaStatus(principal)
    expect(status.trustedDevices).toEqual([
      {
        id: expect.any(String),
        createdAt: expect.any(String),
        lastUsedAt: expect.any(String),
        userAgent: 'vitest',
      },
    ])
    const id = status.trustedDevices[0]!.id
    expect((await authError(t.auth.revokeTrustedDevice(bob.principal, id, ctx))).code).toBe('NOT_FOUND')
    await t.auth.logoutAll(principal, ctx)
    expect((await login(t, 'ada@example.com', { trustedDeviceToken: device.token })).type).toBe('mfa')
    expect((await t.auth.mfaStatus(principal)).trustedDevices).toEqual([])
  })

  it('expire after mfa.trustedDeviceDays and can be revoked one by one', async () => {
    const t = makeAuth({ mfa: { trustedDeviceDays: 2 } })
    const { principal, code } = await withMfa(t)
    const trusted = async () =>
      (
        await t.auth.completeMfaLogin(
          { mfaToken: challenge(await login(t)), code: code(), trustDevice: true },
          ctx,
        )
      ).trustedDevice!
    const a = await trusted()
    t.clock.advance(step)
    const b = await trusted()
    const [newest] = (await t.auth.mfaStatus(principal)).trustedDevices
    await t.auth.revokeTrustedDevice(principal, newest!.id, ctx)
    expect((await login(t, 'ada@example.com', { trustedDeviceToken: b.token })).type).toBe('mfa')
    expect((await login(t, 'ada@example.com', { trustedDeviceToken: a.token })).type).toBe('tokens')
    expect((await authError(t.auth.revokeTrustedDevice(principal, newest!.id, ctx))).code).toBe('NOT_FOUND')
    t.clock.advance(2 * 86_400_000)
    expect((await login(t, 'ada@example.com', { trustedDeviceToken: a.token })).type).toBe('mfa')
  })

  it('end with a password change and with a password reset', async () => {
    const t = makeAuth()
    const { principal, code } = await withMfa(t)
    const trust = async () =>
      (
        await t.auth.completeMfaLogin(
          { mfaToken: challenge(await login(t)), code: code(), trustDevice: true },
          ctx,
        )
      ).trustedDevice!
    const one = await trust()
    t.clock.advance(step)
    await t.auth.changePassword(
      principal,
      { currentPassword: PASSWORD, newPassword: 'Brand-New-Horse-4', code: code() },
      ctx,
    )
    const afterChange = await t.auth.login(
      { email: 'ada@example.com', password: 'Brand-New-Horse-4', trustedDeviceToken: one.token },
      ctx,
    )
    expect(afterChange.type).toBe('mfa')
    t.clock.advance(step)
    const two = (
      await t.auth.completeMfaLogin(
        { mfaToken: challenge(afterChange), code: code(), trustDevice: true },
        ctx,
      )
    ).trustedDevice!
    await t.auth.requestPasswordReset('ada@example.com', ctx)
    await t.auth.resetPassword({ token: await t.lastToken('ada@example.com'), password: PASSWORD }, ctx)
    expect((await login(t, 'ada@example.com', { trustedDeviceToken: two.token })).type).toBe('mfa')
  })
})

describe('re-authentication on authenticated flows', () => {
  it('password change with MFA on: code required, password checked first, then the code', async () => {
    const t = makeAuth()
    const { principal, code } = await withMfa(t)
    const change = (input: { currentPassword: string; code?: string }) =>
      t.auth.changePassword(principal, { newPassword: 'Brand-New-Horse-4', ...input }, ctx)
    const missing = await authError(change({ currentPassword: PASSWORD }))
    expect(missing.code).toBe('VALIDATION_FAILED')
    expect(missing.details).toEqual([{ path: 'code', message: expect.any(String) }])
    expect((await authError(change({ currentPassword: 'Wrong-Horse-1', code: code() }))).code).toBe(
      'INVALID_CREDENTIALS',
    )
    const wrongCode = code() === '111111' ? '222222' : '111111'
    expect((await authError(change({ currentPassword: PASSWORD, code: wrongCode }))).code).toBe('MFA_INVALID')
    // The code survived the wrong password (not spent): it completes the change now.
    const tokens: IssuedTokens = await change({ currentPassword: PASSWORD, code: code() })
    expect((await t.auth.authenticate(tokens.accessToken)).userId).toBe(principal.userId)
  })

  it('disabling needs the password and a code; it removes the secret, the codes and the devices', async () => {
    const t = makeAuth()
    const { principal, code, backupCodes } = await withMfa(t)
    const device = (
      await t.auth.completeMfaLogin(
        { mfaToken: challenge(await login(t)), code: code(), trustDevice: true },
        ctx,
      )
    ).trustedDevice!
    t.clock.advance(step)
    expect(
      (await authError(t.auth.disableTotp(principal, { password: 'Wrong-Horse-1', code: code() }, ctx))).code,
    ).toBe('INVALID_CREDENTIALS')
    await t.auth.disableTotp(principal, { password: PASSWORD, code: backupCodes[0]! }, ctx)
    expect(await t.auth.mfaStatus(principal)).toEqual({
      totpEnabled: false,
      backupCodesRemaining: 0,
      trustedDevices: [],
    })
    expect(await t.store.findTotp(principal.userId)).toBeNull()
    expect(await t.store.countBackupCodes(principal.userId)).toBe(0)
    expect(await t.store.findTrustedDevice(device.token, t.clock.now())).toBeNull()
    expect((await login(t)).type).toBe('tokens')
    expect(
      (await authError(t.auth.disableTotp(principal, { password: PASSWORD, code: code() }, ctx))).code,
    ).toBe('CONFLICT')
    const types = (await t.store.listAudit({ userId: principal.userId, limit: 50 })).map((e) => e.type)
    expect(types).toEqual(expect.arrayContaining(['mfa.disable', 'mfa.trusted_device.remove']))
  })
})

describe('step-up', () => {
  it('a sign-in is fresh for 10 minutes; refreshing does not renew it', async () => {
    const t = makeAuth()
    await t.signUp()
    const tokens = await t.signIn()
    const max = t.auth.settings.mfa.stepUpMaxAgeSeconds
    expect(max).toBe(600)
    requireRecentAuth(await t.auth.authenticate(tokens.accessToken), t.clock.now(), max)
    t.clock.advance(11 * minute)
    const refreshed = await t.auth.refresh(tokens.refreshToken, ctx)
    let thrown: unknown
    try {
      requireRecentAuth(await t.auth.authenticate(refreshed.accessToken), t.clock.now(), max)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toMatchObject({ code: 'STEP_UP_REQUIRED', details: { maxAgeSeconds: 600 } })
  })
})

describe('MFA lockout', () => {
  it('10 wrong codes across challenges lock the second factor for 15 minutes, apart from the password counter', async () => {
    const t = makeAuth()
    const { code } = await withMfa(t)
    const wrong = () => (code() === '000000' ? '000001' : '000000')
    const answers: string[] = []
    for (let i = 0; i < 10; i++) {
      const error = await authError(
        t.auth.completeMfaLogin({ mfaToken: challenge(await login(t)), code: wrong() }, ctx),
      )
      answers.push(error.code)
    }
    expect(answers).toEqual([...Array(9).fill('MFA_INVALID'), 'ACCOUNT_LOCKED'])
    const token = challenge(await login(t))
    const locked = await authError(t.auth.completeMfaLogin({ mfaToken: token, code: code() }, ctx))
    expect(locked.code).toBe('ACCOUNT_LOCKED')
    expect(locked.retryAfterSeconds).toBe(15 * 60)
    expect(await t.store.getLockout('lockout:login:ada@example.com')).toBeUndefined()
    t.clock.advance(15 * minute)
    const done = await t.auth.completeMfaLogin({ mfaToken: challenge(await login(t)), code: code() }, ctx)
    expect(done.tokens.accessToken).toBeTruthy()
    expect(await t.store.getLockout('lockout:mfa:' + done.tokens.user.id)).toBeUndefined()
    const lockouts = await t.store.listAudit({ types: ['lockout'], limit: 5 })
    expect(lockouts.map((e) => e.meta.factor)).toEqual(['mfa'])
  })
})

describe('key rotation', () => {
  it('TOTP secrets and backup codes made under the old secret work after a new one is prepended', async () => {
    const store = memoryStore()
    const spec = generateKeyRingSpec((n) => new Uint8Array(randomBytes(n)))
    const before = makeAuth({ store, keys: serializeKeyRing(spec) })
    const { code, backupCodes } = await withMfa(before)
    const rotated = { ...spec, secrets: [randomBytes(32).toString('base64url'), ...spec.secrets] }
    const after = makeAuth({ store, keys: serializeKeyRing(rotated) })
    after.clock.set(before.clock.now())
    const viaCode = await after.auth.completeMfaLogin(
      { mfaToken: challenge(await login(after)), code: code() },
      ctx,
    )
    expect(viaCode.tokens.accessToken).toBeTruthy()
    await after.auth.completeMfaLogin(
      { mfaToken: challenge(await login(after)), backupCode: backupCodes[0]! },
      ctx,
    )
  })
})
