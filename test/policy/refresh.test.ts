import { describe, expect, it } from 'vitest'
import {
  defaultRefreshSettings,
  initialRefreshExpiry,
  type RefreshDecision,
  type RefreshSessionView,
  type RefreshSettings,
  type RefreshTokenView,
  refreshDecision,
} from '../../src/policy/refresh.js'

const t0 = Date.UTC(2025, 0, 1, 12, 0, 0)
const second = 1000
const hour = 3_600_000
const day = 24 * hour
const settings = defaultRefreshSettings

const session: RefreshSessionView = { revokedAt: null, expiresAt: t0 + 90 * day }
const active: RefreshTokenView = {
  state: 'active',
  expiresAt: t0 + 30 * day,
  rotatedAt: null,
  successorActive: false,
}
const rotated: RefreshTokenView = {
  state: 'rotated',
  expiresAt: t0 + 30 * day,
  rotatedAt: t0,
  successorActive: true,
}

type Case = {
  name: string
  token: RefreshTokenView
  session?: RefreshSessionView
  settings?: RefreshSettings
  rememberMe?: boolean
  now: number
  expected: RefreshDecision
}

const cases: Case[] = [
  // Order: session revoked → token revoked → expired → rotated → active.
  {
    name: 'active token rotates with a 30-day sliding expiry',
    token: active,
    now: t0 + hour,
    expected: { type: 'rotate', nextExpiresAt: t0 + hour + 30 * day },
  },
  {
    name: 'sliding expiry is capped by the session absolute end',
    token: { ...active, expiresAt: t0 + 89 * day + hour },
    now: t0 + 80 * day,
    expected: { type: 'rotate', nextExpiresAt: t0 + 90 * day },
  },
  {
    name: 'without remember me the next expiry is 24 h, capped by the session',
    token: { ...active, expiresAt: t0 + day },
    session: { revokedAt: null, expiresAt: t0 + day },
    rememberMe: false,
    now: t0 + hour,
    expected: { type: 'rotate', nextExpiresAt: t0 + day },
  },
  {
    name: 'without remember me, a session with room left slides 24 h',
    token: { ...active, expiresAt: t0 + day },
    session: { revokedAt: null, expiresAt: t0 + 3 * day },
    rememberMe: false,
    now: t0 + hour,
    expected: { type: 'rotate', nextExpiresAt: t0 + hour + day },
  },
  {
    name: 'revoked session is invalid, even for an active token',
    token: active,
    session: { ...session, revokedAt: t0 },
    now: t0 + 1,
    expected: { type: 'invalid' },
  },
  {
    name: 'revoked session wins over expiry',
    token: active,
    session: { revokedAt: t0, expiresAt: t0 },
    now: t0 + 100 * day,
    expected: { type: 'invalid' },
  },
  {
    name: 'revoked token is invalid',
    token: { ...active, state: 'revoked' },
    now: t0 + 1,
    expected: { type: 'invalid' },
  },
  {
    name: 'revoked token wins over expiry',
    token: { ...active, state: 'revoked' },
    now: t0 + 31 * day,
    expected: { type: 'invalid' },
  },
  {
    name: 'token expires exactly at expiresAt',
    token: active,
    now: t0 + 30 * day,
    expected: { type: 'expired' },
  },
  {
    name: 'token 1 ms before expiresAt rotates',
    token: active,
    now: t0 + 30 * day - 1,
    expected: { type: 'rotate', nextExpiresAt: t0 + 60 * day - 1 },
  },
  {
    name: 'session expires exactly at expiresAt',
    token: { ...active, expiresAt: t0 + 100 * day },
    now: t0 + 90 * day,
    expected: { type: 'expired' },
  },
  {
    name: 'expired rotated token is expired, not reuse',
    token: rotated,
    now: t0 + 30 * day,
    expected: { type: 'expired' },
  },
  {
    name: 'parent replayed at once gets the same successor',
    token: rotated,
    now: t0,
    expected: { type: 'replay' },
  },
  {
    name: 'parent replayed exactly at graceMs',
    token: rotated,
    now: t0 + 10 * second,
    expected: { type: 'replay' },
  },
  {
    name: 'parent replayed at graceMs + 1 is reuse',
    token: rotated,
    now: t0 + 10 * second + 1,
    expected: { type: 'reuse' },
  },
  {
    name: 'grace 0 makes any replay reuse',
    token: rotated,
    settings: { ...settings, graceMs: 0 },
    now: t0,
    expected: { type: 'reuse' },
  },
  {
    name: 'grandparent (successor already used) is reuse, even within grace',
    token: { ...rotated, successorActive: false },
    now: t0 + second,
    expected: { type: 'reuse' },
  },
  {
    name: 'rotated token without rotatedAt is reuse',
    token: { ...rotated, rotatedAt: null },
    now: t0,
    expected: { type: 'reuse' },
  },
]

describe('refreshDecision', () => {
  it.each(cases)('$name', (c) => {
    const decision = refreshDecision(
      c.token,
      c.session ?? session,
      c.settings ?? settings,
      c.rememberMe ?? true,
      c.now,
    )
    expect(decision).toEqual(c.expected)
  })
})

describe('initialRefreshExpiry', () => {
  it.each([
    {
      name: 'remember me: 30 d token, 90 d session',
      rememberMe: true,
      settings,
      expected: { tokenExpiresAt: t0 + 30 * day, sessionExpiresAt: t0 + 90 * day },
    },
    {
      name: 'no remember me: 24 h token and session',
      rememberMe: false,
      settings,
      expected: { tokenExpiresAt: t0 + day, sessionExpiresAt: t0 + day },
    },
    {
      name: 'token never outlives the session',
      rememberMe: true,
      settings: { ...settings, idleTtlMs: 120 * day },
      expected: { tokenExpiresAt: t0 + 90 * day, sessionExpiresAt: t0 + 90 * day },
    },
  ])('$name', ({ rememberMe, settings: s, expected }) => {
    expect(initialRefreshExpiry(s, rememberMe, t0)).toEqual(expected)
  })

  it('defaults follow security-defaults.md', () => {
    expect(defaultRefreshSettings).toEqual({
      idleTtlMs: 30 * day,
      absoluteTtlMs: 90 * day,
      shortIdleTtlMs: day,
      graceMs: 10 * second,
    })
  })
})
