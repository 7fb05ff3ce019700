import { describe, expect, it } from 'vitest'
import {
  checkPassword,
  defaultPasswordPolicy,
  nistPasswordPolicy,
  type PasswordContext,
  type PasswordPolicy,
  type PasswordRuleId,
  passwordRuleMessage,
  passwordRules,
} from '../../src/policy/password.js'

// The published messages, written out literally so a wording change is a visible test change.
const defaultMessages: Record<PasswordRuleId, string> = {
  min_length: 'At least 8 characters',
  max_length: 'At most 128 characters',
  lowercase: 'At least one lowercase letter',
  uppercase: 'At least one uppercase letter',
  digit: 'At least one digit',
  special: 'At least one special character (not a letter or digit)',
  no_repeat: 'Must not contain 3 or more identical characters in a row',
  no_personal_info: 'Must not contain your email address or name',
  not_common: 'Must not be a commonly used password',
  not_current: 'Must be different from your current password',
}

const noClasses: PasswordPolicy = {
  ...defaultPasswordPolicy,
  requireLowercase: false,
  requireUppercase: false,
  requireDigit: false,
  requireSpecial: false,
}

describe('passwordRules', () => {
  const table: {
    name: string
    policy: PasswordPolicy
    expected: { id: PasswordRuleId; message: string }[]
  }[] = [
    {
      name: 'default policy publishes all ten rules in order',
      policy: defaultPasswordPolicy,
      expected: (Object.keys(defaultMessages) as PasswordRuleId[]).map((id) => ({
        id,
        message: defaultMessages[id],
      })),
    },
    {
      name: 'nist preset publishes lengths, context, list and current only',
      policy: nistPasswordPolicy,
      expected: [
        { id: 'min_length', message: 'At least 15 characters' },
        { id: 'max_length', message: 'At most 128 characters' },
        { id: 'no_personal_info', message: defaultMessages.no_personal_info },
        { id: 'not_common', message: defaultMessages.not_common },
        { id: 'not_current', message: defaultMessages.not_current },
      ],
    },
    {
      name: 'everything optional off still publishes the length rules',
      policy: { ...noClasses, maxRepeat: 0, personalInfo: false, commonList: false, notCurrent: false },
      expected: [
        { id: 'min_length', message: 'At least 8 characters' },
        { id: 'max_length', message: 'At most 128 characters' },
      ],
    },
    {
      name: 'maxRepeat shows in its message',
      policy: {
        ...noClasses,
        minLength: 12,
        maxLength: 64,
        maxRepeat: 4,
        personalInfo: false,
        commonList: false,
      },
      expected: [
        { id: 'min_length', message: 'At least 12 characters' },
        { id: 'max_length', message: 'At most 64 characters' },
        { id: 'no_repeat', message: 'Must not contain 4 or more identical characters in a row' },
        { id: 'not_current', message: defaultMessages.not_current },
      ],
    },
  ]
  it.each(table)('$name', ({ policy, expected }) => {
    expect(passwordRules(policy)).toEqual(expected)
  })

  it('passwordRuleMessage answers for inactive rules too', () => {
    expect(passwordRuleMessage(nistPasswordPolicy, 'uppercase')).toBe('At least one uppercase letter')
  })

  it('presets are frozen', () => {
    expect(Object.isFrozen(defaultPasswordPolicy)).toBe(true)
    expect(Object.isFrozen(nistPasswordPolicy)).toBe(true)
  })
})

type Case = {
  name: string
  password: string
  policy?: PasswordPolicy
  context?: PasswordContext
  broken: PasswordRuleId[]
}

const jane: PasswordContext = { email: 'jane.doe+shop@example.com', name: "Jane O'Connor-Li" }

const cases: Case[] = [
  { name: 'strong password passes', password: 'Kx7#mQ2v!pLz', broken: [] },
  {
    name: 'empty password lists every class and the length',
    password: '',
    broken: ['min_length', 'lowercase', 'uppercase', 'digit', 'special'],
  },
  { name: '7 characters is too short', password: 'Kx7#mQ2', broken: ['min_length'] },
  { name: 'exactly 8 characters is enough', password: 'Kx7#mQ2v', broken: [] },
  {
    name: 'breaking several rules lists them all',
    password: 'password',
    broken: ['uppercase', 'digit', 'special', 'not_common'],
  },
  {
    name: 'short, repeated and common',
    password: 'aaaa',
    broken: ['min_length', 'uppercase', 'digit', 'special', 'no_repeat', 'not_common'],
  },
  { name: 'two identical in a row is fine', password: 'Kx7##mQ2v', broken: [] },
  { name: 'three identical in a row is refused', password: 'Kx7###mQ2v', broken: ['no_repeat'] },
  { name: 'repeats are case-sensitive', password: 'Kx7aAamQ2!', broken: [] },
  { name: 'repeated emoji counts per code point', password: 'Kx7m😀😀😀Q', broken: ['no_repeat'] },
  { name: 'no lowercase', password: 'KX7#MQ2V', broken: ['lowercase'] },
  { name: 'no uppercase', password: 'kx7#mq2v', broken: ['uppercase'] },
  { name: 'no digit', password: 'Kxz#mQwv', broken: ['digit'] },
  { name: 'no special', password: 'Kx7amQ2v', broken: ['special'] },
  { name: 'space counts as special', password: 'Kx7 mQ2v', broken: [] },
  { name: 'emoji counts as special', password: 'Kx7😀mQ2v', broken: [] },
  { name: 'unicode letters count as cases', password: 'Ünïcødé1!', broken: [] },
  { name: 'Greek lowercase only', password: 'σίσυφος1!', broken: ['uppercase'] },
  { name: 'Arabic-Indic digit counts as digit', password: 'Kx٣#mQzv', broken: [] },
  { name: 'combining mark is not special (NFD café)', password: 'Cafe\u0301Zz12', broken: ['special'] },
  // Code points, not UTF-16 units: 7 code points are 10 UTF-16 units here.
  { name: '7 code points with emoji is too short', password: '😀😁🎉Aa1!', broken: ['min_length'] },
  { name: '8 code points with emoji is enough', password: '😀😁🎉Aa1!b', broken: [] },
  { name: '128 emoji fit max length', password: '😀😁'.repeat(64), policy: noClasses, broken: [] },
  {
    name: '129 emoji exceed max length',
    password: `${'😀😁'.repeat(64)}x`,
    policy: noClasses,
    broken: ['max_length'],
  },
  { name: '129 ASCII exceed max length', password: 'Kx7#mQ2v'.repeat(16) + 'Z', broken: ['max_length'] },
  {
    name: 'common list is case-insensitive',
    password: 'FootBall',
    policy: noClasses,
    broken: ['not_common'],
  },
  { name: 'common list off', password: 'football', policy: { ...noClasses, commonList: false }, broken: [] },
  { name: 'email local piece (jane)', password: 'Kx7#JANEq', context: jane, broken: ['no_personal_info'] },
  {
    name: 'email local piece after + (shop)',
    password: 'Kx7#ShOpq',
    context: jane,
    broken: ['no_personal_info'],
  },
  {
    name: 'name piece after punctuation (connor)',
    password: 'Kx7#connorQ',
    context: jane,
    broken: ['no_personal_info'],
  },
  {
    name: 'pieces under 4 characters are allowed (doe, li)',
    password: 'Kx7#DoeLiq',
    context: jane,
    broken: [],
  },
  {
    name: 'whole short local part of 4+',
    password: 'Kx7#bobbyQ',
    context: { email: 'bobby@x.io' },
    broken: ['no_personal_info'],
  },
  { name: 'short local part is allowed', password: 'Kx7#bobQz', context: { email: 'bob@x.io' }, broken: [] },
  { name: 'domain is not personal info', password: 'Kx7#exampleQ', context: jane, broken: [] },
  {
    name: 'personal info off',
    password: 'Kx7#JANEq',
    context: jane,
    policy: { ...defaultPasswordPolicy, personalInfo: false },
    broken: [],
  },
  { name: 'no context, no personal info check', password: 'Kx7#JANEq', broken: [] },
  {
    name: 'nist: long passphrase passes',
    password: 'correct horse battery staple',
    policy: nistPasswordPolicy,
    broken: [],
  },
  {
    name: 'nist: 14 characters too short',
    password: 'abcdefghijklmn',
    policy: nistPasswordPolicy,
    broken: ['min_length'],
  },
  { name: 'nist: repeats allowed', password: 'zzzzzzzzzzzzzzzq', policy: nistPasswordPolicy, broken: [] },
  {
    name: 'nist: long common password refused',
    password: 'MailCreated5240',
    policy: nistPasswordPolicy,
    broken: ['not_common'],
  },
  {
    name: 'nist: name inside a passphrase refused',
    password: 'my name is jane and I like tea',
    policy: nistPasswordPolicy,
    context: jane,
    broken: ['no_personal_info'],
  },
]

describe('checkPassword', () => {
  it.each(cases)('$name', ({ password, policy = defaultPasswordPolicy, context, broken }) => {
    const messages = new Map(passwordRules(policy).map((rule) => [rule.id, rule.message]))
    const expected =
      broken.length === 0
        ? { ok: true }
        : { ok: false, violations: broken.map((rule) => ({ rule, message: messages.get(rule) })) }
    expect(checkPassword(policy, password, context)).toEqual(expected)
  })

  it('uses the literal default messages', () => {
    expect(checkPassword(defaultPasswordPolicy, 'aaaa')).toEqual({
      ok: false,
      violations: (['min_length', 'uppercase', 'digit', 'special', 'no_repeat', 'not_common'] as const).map(
        (rule) => ({ rule, message: defaultMessages[rule] }),
      ),
    })
  })

  it('never reports not_current: only the server can check it', () => {
    const result = checkPassword(defaultPasswordPolicy, '')
    expect(result.ok === false && result.violations.some((v) => v.rule === 'not_current')).toBe(false)
  })
})

describe('length counts code points', () => {
  it.each([
    { password: '😀😁🎉Aa1!', utf16: 10, broken: true },
    { password: '😀😁🎉Aa1!b', utf16: 11, broken: false },
  ])('$password ($utf16 UTF-16 units)', ({ password, utf16, broken }) => {
    expect(password.length).toBe(utf16)
    const result = checkPassword(defaultPasswordPolicy, password)
    expect(result.ok === false && result.violations.some((v) => v.rule === 'min_length')).toBe(broken)
  })
})
