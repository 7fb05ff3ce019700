import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { sqliteStore } from '../../adapters/kysely/index.js'
import { fromBase32 } from '../../src/crypto/base32.js'
import { defaultTotpOptions, generateTotp } from '../../src/crypto/totp.js'
import { ctx, makeAuth } from '../helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'portcullis-mfa-at-rest-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('MFA secrets at rest', () => {
  it('leaves no TOTP secret, backup code, mfa token or trusted-device token in the SQLite file', async () => {
    const store = sqliteStore(join(dir, 'auth.db'))
    const t = makeAuth({ store })
    await t.auth.migrate()
    await t.signUp()
    const principal = await t.auth.authenticate((await t.signIn()).accessToken)
    const setup = await t.auth.setupTotp(principal, ctx)
    const code = () => generateTotp(fromBase32(setup.secret)!, t.clock.now(), defaultTotpOptions)
    const { backupCodes } = await t.auth.enableTotp(principal, { code: code() }, ctx)
    t.clock.advance(30_000)
    const challenge = await t.auth.login({ email: 'ada@example.com', password: 'Correct-Horse-9' }, ctx)
    if (challenge.type !== 'mfa') throw new Error('expected a challenge')
    const done = await t.auth.completeMfaLogin(
      { mfaToken: challenge.mfaToken, code: code(), trustDevice: true },
      ctx,
    )
    await t.auth.close()
    await store.close?.()

    const files = readdirSync(dir).filter((f) => f.startsWith('auth.db'))
    const text = Buffer.concat(files.map((f) => readFileSync(join(dir, f)))).toString('latin1')
    expect(text).toContain('ada@example.com')
    const secrets = [
      setup.secret,
      ...backupCodes,
      ...backupCodes.map((c) => c.replace('-', '')),
      challenge.mfaToken,
      done.trustedDevice!.token,
    ]
    for (const secret of secrets)
      expect(text.includes(secret), `plaintext secret found in the database: ${secret.slice(0, 4)}…`).toBe(
        false,
      )
  })
})
