import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { sqliteStore } from '../../adapters/kysely/index.js'
import { ctx, makeAuth } from '../helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'portcullis-at-rest-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('secrets at rest', () => {
  it('leaves no plaintext password, refresh token or one-time token in the SQLite file', async () => {
    const store = sqliteStore(join(dir, 'auth.db'))
    const t = makeAuth({ store })
    await t.auth.migrate()
    const password = 'Plaintext-Canary-42'
    const secrets: string[] = [password]
    await t.auth.register({ email: 'ada@example.com', password }, ctx)
    const verifyToken = await t.lastToken('ada@example.com')
    secrets.push(verifyToken)
    await t.auth.verifyEmail(verifyToken, ctx)
    const tokens = await t.signIn('ada@example.com', password)
    secrets.push(tokens.refreshToken, tokens.accessToken.split('.')[2]!)
    const rotated = await t.auth.refresh(tokens.refreshToken, ctx)
    secrets.push(rotated.refreshToken)
    await t.auth.requestPasswordReset('ada@example.com', ctx)
    const resetToken = await t.lastToken('ada@example.com')
    secrets.push(resetToken)
    const newPassword = 'Second-Canary-Pass-7'
    await t.auth.resetPassword({ token: resetToken, password: newPassword }, ctx)
    secrets.push(newPassword)
    await t.auth.close()
    await store.close?.()

    const files = readdirSync(dir).filter((f) => f.startsWith('auth.db'))
    expect(files).toContain('auth.db')
    const bytes = Buffer.concat(files.map((f) => readFileSync(join(dir, f))))
    const text = bytes.toString('latin1')
    expect(text).toContain('ada@example.com') // the dump is readable, so the check below means something
    for (const secret of secrets) {
      expect(text.includes(secret), `plaintext secret found in the database: ${secret.slice(0, 6)}…`).toBe(
        false,
      )
    }
  })
})
