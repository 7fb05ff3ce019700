import { describe, expect, it } from 'vitest'
import { authError, ctx, makeAuth } from '../helpers.js'

const PASSWORD = 'Correct-Horse-9'

/** An instance with an admin, a manager and an employee signed in. */
async function setup() {
  const t = makeAuth()
  await t.auth.provisionUser({ email: 'root@example.com', password: PASSWORD, roles: ['admin'] })
  t.clock.advance(1000)
  await t.auth.provisionUser({
    email: 'mia@example.com',
    password: PASSWORD,
    name: 'Mia Manager',
    roles: ['manager'],
  })
  t.clock.advance(1000)
  await t.signUp('ada@example.com', PASSWORD)
  const as = async (email: string) => t.auth.authenticate((await t.signIn(email, PASSWORD)).accessToken)
  return {
    ...t,
    admin: await as('root@example.com'),
    manager: await as('mia@example.com'),
    ada: await as('ada@example.com'),
  }
}

describe('admin: listing users', () => {
  it('needs users:read, searches email and name, and pages newest first', async () => {
    const t = await setup()
    expect((await authError(t.auth.listUsers(t.ada))).code).toBe('FORBIDDEN')
    const all = await t.auth.listUsers(t.manager)
    expect(all.items.map((u) => u.email)).toEqual(['ada@example.com', 'mia@example.com', 'root@example.com'])
    expect(all.items[0]).toMatchObject({ status: 'active', roles: ['employee'], emailVerified: true })
    expect(all.items[0]).not.toHaveProperty('passwordHash')
    expect((await t.auth.listUsers(t.admin, { q: 'MANAGER' })).items.map((u) => u.email)).toEqual([
      'mia@example.com',
    ])
    expect((await t.auth.listUsers(t.admin, { q: 'root@' })).items).toHaveLength(1)
    const first = await t.auth.listUsers(t.admin, { limit: 2 })
    expect(first.items).toHaveLength(2)
    const second = await t.auth.listUsers(t.admin, { limit: 2, cursor: first.nextCursor! })
    expect(second).toMatchObject({ nextCursor: null })
    expect(second.items.map((u) => u.email)).toEqual(['root@example.com'])
  })
})

describe('admin: roles', () => {
  it('refuses unknown roles and anyone without users:write', async () => {
    const t = await setup()
    const err = await authError(t.auth.setUserRoles(t.admin, t.ada.userId, ['employee', 'wizard'], ctx))
    expect(err.code).toBe('VALIDATION_FAILED')
    expect(err.details).toEqual([{ path: 'roles', message: 'unknown roles: wizard' }])
    expect((await authError(t.auth.setUserRoles(t.manager, t.ada.userId, ['admin'], ctx))).code).toBe(
      'FORBIDDEN',
    )
    expect((await authError(t.auth.setUserRoles(t.admin, 'nobody', ['admin'], ctx))).code).toBe('NOT_FOUND')
  })

  it("takes effect on the user's next request: old access tokens are refused, a refresh carries the new roles", async () => {
    const t = makeAuth()
    await t.auth.provisionUser({ email: 'root@example.com', password: PASSWORD, roles: ['admin'] })
    await t.signUp('ada@example.com', PASSWORD)
    const admin = await t.auth.authenticate((await t.signIn('root@example.com', PASSWORD)).accessToken)
    const ada = await t.signIn('ada@example.com', PASSWORD)
    const user = await t.auth.setUserRoles(admin, ada.user.id, ['auditor', 'auditor'], ctx)
    expect(user.roles).toEqual(['auditor'])
    expect((await authError(t.auth.authenticate(ada.accessToken))).code).toBe('UNAUTHENTICATED')
    const refreshed = await t.auth.refresh(ada.refreshToken, ctx)
    const p = await t.auth.authenticate(refreshed.accessToken)
    expect(p).toMatchObject({ roles: ['auditor'], permissions: ['audit:read'] })
    expect(refreshed.user.roles).toEqual(['auditor'])
    const [event] = (await t.auth.queryAudit({ type: 'role.change', userId: ada.user.id })).items
    expect(event).toMatchObject({ actorId: admin.userId, meta: { from: ['employee'], to: ['auditor'] } })
  })
})

describe('admin: block and unblock', () => {
  it('blocks: every session ends at once, login and refresh are refused; unblock lets the user in again', async () => {
    const t = makeAuth()
    await t.auth.provisionUser({ email: 'root@example.com', password: PASSWORD, roles: ['admin'] })
    await t.signUp('ada@example.com', PASSWORD)
    const admin = await t.auth.authenticate((await t.signIn('root@example.com', PASSWORD)).accessToken)
    const ada = await t.signIn('ada@example.com', PASSWORD)
    const blocked = await t.auth.blockUser(admin, ada.user.id, ctx)
    expect(blocked.status).toBe('blocked')
    expect((await authError(t.auth.authenticate(ada.accessToken))).code).toBe('UNAUTHENTICATED')
    expect((await authError(t.auth.refresh(ada.refreshToken, ctx))).code).toBe('TOKEN_INVALID')
    expect((await authError(t.signIn('ada@example.com', PASSWORD))).code).toBe('ACCOUNT_DISABLED')
    expect((await t.auth.unblockUser(admin, ada.user.id, ctx)).status).toBe('active')
    expect((await t.signIn('ada@example.com', PASSWORD)).user.id).toBe(ada.user.id)
    const types = (await t.auth.queryAudit({ userId: ada.user.id })).items.map((e) => e.type)
    expect(types).toEqual(expect.arrayContaining(['user.block', 'user.unblock']))
  })

  it('refuses to block oneself and needs users:write', async () => {
    const t = await setup()
    expect((await authError(t.auth.blockUser(t.admin, t.admin.userId, ctx))).code).toBe('CONFLICT')
    expect((await authError(t.auth.blockUser(t.manager, t.ada.userId, ctx))).code).toBe('FORBIDDEN')
    expect((await authError(t.auth.unblockUser(t.ada, t.ada.userId, ctx))).code).toBe('FORBIDDEN')
  })
})

describe('admin: unlock', () => {
  it('clears the login lockout and audits it with the actor', async () => {
    const t = await setup()
    for (let i = 0; i < 5; i++)
      await authError(t.auth.login({ email: 'Ada@Example.com ', password: 'Wrong-Pass-11' }, ctx))
    expect((await authError(t.signIn('ada@example.com', PASSWORD))).code).toBe('ACCOUNT_LOCKED')
    expect((await authError(t.auth.unlockUser(t.manager, t.ada.userId, ctx))).code).toBe('FORBIDDEN')
    const user = await t.auth.unlockUser(t.admin, t.ada.userId, ctx)
    expect(user.email).toBe('ada@example.com')
    expect((await t.signIn('ada@example.com', PASSWORD)).user.id).toBe(t.ada.userId)
    const [event] = (await t.auth.queryAudit({ type: 'unlock' })).items
    expect(event).toMatchObject({ userId: t.ada.userId, actorId: t.admin.userId })
    expect((await authError(t.auth.unlockUser(t.admin, 'nobody', ctx))).code).toBe('NOT_FOUND')
  })
})
