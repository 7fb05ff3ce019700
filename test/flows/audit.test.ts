import { describe, expect, it } from 'vitest'
import type { Store } from '../../src/ports.js'
import type { AuditEvent } from '../../src/types.js'
import { authError, ctx, makeAuth } from '../helpers.js'

const PASSWORD = 'Correct-Horse-9'
const adminCtx = { ip: '198.51.100.4', userAgent: 'admin-console' }

/** An auth instance whose onEvent hook keeps every delivered event. */
function withHook(hook?: (event: AuditEvent) => void | Promise<void>) {
  const delivered: AuditEvent[] = []
  const t = makeAuth({
    onEvent: async (event) => {
      delivered.push(event)
      await hook?.(event)
    },
  })
  return { ...t, delivered }
}

describe('audit log', () => {
  it('records the security events with actor, user, IP, user agent and UTC time, and no secret in meta', async () => {
    const t = withHook()
    await t.signUp()
    const admin = await t.auth.provisionUser({
      email: 'root@example.com',
      password: PASSWORD,
      roles: ['admin'],
    })
    const adminP = await t.auth.authenticate((await t.signIn('root@example.com')).accessToken)
    await authError(t.auth.login({ email: 'ada@example.com', password: 'wrong-Password-1' }, ctx))
    const tokens = await t.signIn()
    const p = await t.auth.authenticate(tokens.accessToken)
    const { key } = await t.auth.createApiKey(p, { name: 'ci' }, ctx)
    const keys = await t.auth.listApiKeys(p)
    const rotated = await t.auth.rotateApiKey(p, keys[0]!.id, ctx)
    await t.auth.revokeApiKey(p, keys[0]!.id, ctx)
    await t.auth.setUserRoles(adminP, p.userId, ['manager'], adminCtx)
    await t.auth.blockUser(adminP, p.userId, adminCtx)
    await t.auth.unblockUser(adminP, p.userId, adminCtx)
    for (let i = 0; i < 5; i++)
      await authError(t.auth.login({ email: 'ada@example.com', password: 'wrong-Password-1' }, ctx))
    await t.auth.unlockUser(adminP, p.userId, adminCtx)
    const again = await t.auth.authenticate((await t.signIn()).accessToken)
    await t.auth.logout(again, ctx)
    await t.auth.requestPasswordReset('ada@example.com', ctx)
    await t.auth.resetPassword(
      { token: await t.lastToken('ada@example.com'), password: 'N3w-Password-Here' },
      ctx,
    )

    const { items } = await t.auth.queryAudit({ limit: 200 })
    const types = new Set(items.map((e) => e.type))
    for (const type of [
      'register',
      'email.verify',
      'login.success',
      'login.failure',
      'lockout',
      'unlock',
      'logout',
      'password.reset.request',
      'password.reset',
      'role.change',
      'user.block',
      'user.unblock',
      'api_key.create',
      'api_key.rotate',
      'api_key.revoke',
    ])
      expect(types, type).toContain(type)
    const block = items.find((e) => e.type === 'user.block')!
    expect(block).toMatchObject({
      userId: p.userId,
      actorId: admin.id,
      ip: '198.51.100.4',
      userAgent: 'admin-console',
    })
    expect(block.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(items.find((e) => e.type === 'role.change')?.meta).toEqual({ from: ['employee'], to: ['manager'] })
    const login = items.find((e) => e.type === 'login.success' && e.userId === p.userId)
    expect(login).toMatchObject({ actorId: p.userId, ip: ctx.ip, userAgent: 'vitest' })
    const dump = JSON.stringify(items)
    for (const secret of [
      key,
      rotated.key,
      PASSWORD,
      'N3w-Password-Here',
      tokens.refreshToken,
      tokens.accessToken,
    ])
      expect(dump).not.toContain(secret)
  })

  it('hands every committed event to onEvent, in order, and never one of a rolled-back transaction', async () => {
    const t = withHook()
    await t.signUp()
    await t.signIn()
    expect(t.delivered.map((e) => e.type)).toEqual(['register', 'email.verify', 'login.success'])
    const stored = (await t.auth.queryAudit()).items.map((e) => e.id)
    expect(t.delivered.map((e) => e.id).sort()).toEqual(stored.sort())
    // A flow that fails after writing its audit row rolls back: nothing is delivered.
    const before = t.delivered.length
    const failing = t.store.transaction
    t.store.transaction = ((fn: (tx: Store) => Promise<unknown>) =>
      failing.call(t.store, async (tx) => {
        await fn(tx)
        throw new Error('commit failed')
      })) as Store['transaction']
    await expect(t.signIn()).rejects.toThrow('commit failed')
    t.store.transaction = failing
    expect(t.delivered.length).toBe(before)
    await t.auth.audit({ type: 'unlock', userId: null, actorId: 'host', ip: null, userAgent: null, meta: {} })
    expect(t.delivered.at(-1)).toMatchObject({ type: 'unlock', actorId: 'host' })
  })

  it('logs a failing hook (thrown or rejected) and lets the flow succeed', async () => {
    const sync = makeAuth({
      onEvent: () => {
        throw new Error('SIEM down')
      },
    })
    await sync.signUp()
    expect((await sync.signIn()).accessToken).toBeTruthy()
    const rejecting = makeAuth({ onEvent: async () => Promise.reject(new Error('webhook 500')) })
    await rejecting.signUp()
    await rejecting.signIn()
    await new Promise((resolve) => setImmediate(resolve))
    for (const t of [sync, rejecting]) {
      const logged = t.logger.lines.filter((l) => l.message === 'portcullis: onEvent hook failed')
      expect(logged.length).toBeGreaterThan(0)
      expect(logged[0]?.fields).toMatchObject({ type: 'register' })
    }
  })

  it('is refused as a config value that is not a function', () => {
    expect(() => makeAuth({ onEvent: 'https://siem.example' as never })).toThrow(
      /onEvent: must be a function/,
    )
  })

  it('queryAudit filters by user, type and ISO time range, and pages with nextCursor', async () => {
    const t = makeAuth()
    await t.signUp('ada@example.com')
    t.clock.advance(60_000)
    await t.signUp('bob@example.com')
    const ada = await t.signIn('ada@example.com')
    const all = await t.auth.queryAudit()
    expect(all.nextCursor).toBeNull()
    expect(all.items).toHaveLength(5)
    const adaOnly = await t.auth.queryAudit({ userId: ada.user.id })
    expect(adaOnly.items[0]?.type).toBe('login.success')
    expect(adaOnly.items.map((e) => e.type).sort()).toEqual(['email.verify', 'login.success', 'register'])
    const logins = await t.auth.queryAudit({ type: 'login.success' })
    expect(logins.items).toHaveLength(1)
    const several = await t.auth.queryAudit({ type: ['register', 'login.success'] })
    expect(several.items).toHaveLength(3)
    const early = await t.auth.queryAudit({ to: '2026-01-01T00:00:30.000Z' })
    expect(early.items.map((e) => e.type).sort()).toEqual(['email.verify', 'register'])
    const late = await t.auth.queryAudit({ from: new Date(Date.UTC(2026, 0, 1, 0, 0, 30)) })
    expect(late.items).toHaveLength(3)

    const first = await t.auth.queryAudit({ limit: 2 })
    expect(first.items).toHaveLength(2)
    const second = await t.auth.queryAudit({ limit: 2, cursor: first.nextCursor! })
    const third = await t.auth.queryAudit({ limit: 2, cursor: second.nextCursor! })
    expect(third).toMatchObject({ nextCursor: null })
    expect([...first.items, ...second.items, ...third.items].map((e) => e.id)).toEqual(
      all.items.map((e) => e.id),
    )

    for (const bad of [{ from: 'yesterday' }, { limit: 0 }, { limit: 201 }, { type: 'DROP TABLE' as never }])
      expect((await authError(t.auth.queryAudit(bad))).code).toBe('VALIDATION_FAILED')
  })
})

describe('activity', () => {
  it("lists only the caller's own sign-in history, newest first, with paging", async () => {
    const t = makeAuth()
    await t.signUp('ada@example.com')
    await t.signUp('bob@example.com')
    const step = () => t.clock.advance(1000)
    await authError(t.auth.login({ email: 'ada@example.com', password: 'Wrong-Pass-1' }, ctx))
    await authError(t.auth.login({ email: 'bob@example.com', password: 'Wrong-Pass-1' }, ctx))
    step()
    const one = await t.signIn('ada@example.com')
    step()
    await t.auth.logout(await t.auth.authenticate(one.accessToken), ctx)
    step()
    const p = await t.auth.authenticate((await t.signIn('ada@example.com')).accessToken)
    const page = await t.auth.listActivity(p)
    expect(page.items.map((e) => e.type)).toEqual([
      'login.success',
      'logout',
      'login.success',
      'login.failure',
    ])
    expect(page.items[0]).toEqual({
      type: 'login.success',
      at: '2026-01-01T00:00:03.000Z',
      ip: ctx.ip,
      userAgent: 'vitest',
    })
    expect(page.nextCursor).toBeNull()
    const first = await t.auth.listActivity(p, { limit: 3 })
    const rest = await t.auth.listActivity(p, { limit: 3, cursor: first.nextCursor! })
    expect([...first.items, ...rest.items]).toEqual(page.items)
  })
})
