import { isCommonPassword } from './common-passwords.js'

/** Stable identifier of one password rule, shared by `PASSWORD_POLICY` error details and `GET /password-policy`. */
export type PasswordRuleId =
  | 'min_length'
  | 'max_length'
  | 'lowercase'
  | 'uppercase'
  | 'digit'
  | 'special'
  | 'no_repeat'
  | 'no_personal_info'
  | 'not_common'
  | 'not_current'

/** The password rules a deployment enforces; lengths count Unicode code points, not UTF-16 units. */
export interface PasswordPolicy {
  /** Fewest code points allowed. */
  minLength: number
  /** Most code points allowed (bounds the work of hashing an attacker-supplied string). */
  maxLength: number
  /** Require a lowercase letter (Unicode `\p{Ll}`). */
  requireLowercase: boolean
  /** Require an uppercase letter (Unicode `\p{Lu}`). */
  requireUppercase: boolean
  /** Require a digit (any Unicode number, `\p{N}`). */
  requireDigit: boolean
  /** Require a character that is neither a letter, a combining mark nor a number. */
  requireSpecial: boolean
  /** Refuse this many identical characters in a row (3 by default); 0 turns the rule off. */
  maxRepeat: number
  /** Refuse passwords containing the email local part or name pieces of 4+ characters (case-insensitive). */
  personalInfo: boolean
  /** Refuse passwords on the shipped common-password list (case-insensitive). */
  commonList: boolean
  /** Publish the not_current rule; only the server can check it, against the stored hash. */
  notCurrent: boolean
}

/** One rule a password breaks, with the same message `passwordRules` publishes. */
export interface PasswordViolation {
  rule: PasswordRuleId
  message: string
}

/** One active rule of a policy and its message, as `GET /password-policy` lists it. */
export interface PasswordRule {
  id: PasswordRuleId
  message: string
}

/** What the checker knows about the account, to refuse passwords built from it. */
export interface PasswordContext {
  email?: string
  name?: string
}

/** The result of `checkPassword`: ok, or every rule the password breaks. */
export type PasswordCheck = { ok: true } | { ok: false; violations: PasswordViolation[] }

/** The default policy, from the project's requirement documents: 8 to 128 characters and all four classes. */
export const defaultPasswordPolicy: Readonly<PasswordPolicy> = Object.freeze({
  minLength: 8,
  maxLength: 128,
  requireLowercase: true,
  requireUppercase: true,
  requireDigit: true,
  requireSpecial: true,
  maxRepeat: 3,
  personalInfo: true,
  commonList: true,
  notCurrent: true,
})

/** The `nist` preset (NIST SP 800-63B-4, OWASP ASVS 5): 15 to 128 characters, list and context checks only. */
export const nistPasswordPolicy: Readonly<PasswordPolicy> = Object.freeze({
  minLength: 15,
  maxLength: 128,
  // NIST forbids composition rules: they push users to predictable patterns ("Password1!") without adding
  // real entropy; length and the blocklist do the work instead.
  requireLowercase: false,
  requireUppercase: false,
  requireDigit: false,
  requireSpecial: false,
  maxRepeat: 0,
  personalInfo: true,
  commonList: true,
  notCurrent: true,
})

// The publication order of the rules; checkPassword reports violations in the same order.
const ruleOrder: readonly PasswordRuleId[] = [
  'min_length',
  'max_length',
  'lowercase',
  'uppercase',
  'digit',
  'special',
  'no_repeat',
  'no_personal_info',
  'not_common',
  'not_current',
]

// Personal-info pieces shorter than this are too common ("anna", "bob") to refuse without annoying everyone.
const minPersonalPieceLength = 4

function isActive(policy: Readonly<PasswordPolicy>, rule: PasswordRuleId): boolean {
  switch (rule) {
    case 'min_length':
    case 'max_length':
      return true
    case 'lowercase':
      return policy.requireLowercase
    case 'uppercase':
      return policy.requireUppercase
    case 'digit':
      return policy.requireDigit
    case 'special':
      return policy.requireSpecial
    case 'no_repeat':
      return policy.maxRepeat > 0
    case 'no_personal_info':
      return policy.personalInfo
    case 'not_common':
      return policy.commonList
    case 'not_current':
      return policy.notCurrent
  }
}

/** The plain-English message of one rule under a policy, whether or not the rule is active. */
export function passwordRuleMessage(policy: Readonly<PasswordPolicy>, rule: PasswordRuleId): string {
  switch (rule) {
    case 'min_length':
      return `At least ${policy.minLength} characters`
    case 'max_length':
      return `At most ${policy.maxLength} characters`
    case 'lowercase':
      return 'At least one lowercase letter'
    case 'uppercase':
      return 'At least one uppercase letter'
    case 'digit':
      return 'At least one digit'
    case 'special':
      return 'At least one special character (not a letter or digit)'
    case 'no_repeat':
      return `Must not contain ${policy.maxRepeat} or more identical characters in a row`
    case 'no_personal_info':
      return 'Must not contain your email address or name'
    case 'not_common':
      return 'Must not be a commonly used password'
    case 'not_current':
      return 'Must be different from your current password'
  }
}

/** Every active rule of a policy with its message, in a stable order (length rules always included). */
export function passwordRules(policy: Readonly<PasswordPolicy>): PasswordRule[] {
  return ruleOrder
    .filter((id) => isActive(policy, id))
    .map((id) => ({ id, message: passwordRuleMessage(policy, id) }))
}

function hasRun(chars: readonly string[], runLength: number): boolean {
  let run = 0
  for (let i = 0; i < chars.length; i++) {
    run = i > 0 && chars[i] === chars[i - 1] ? run + 1 : 1
    if (run >= runLength) return true
  }
  return false
}

function personalPieces(context: PasswordContext | undefined): string[] {
  const pieces: string[] = []
  const email = context?.email?.toLowerCase()
  if (email) {
    // lastIndexOf: a quoted local part may itself contain "@"; the domain never does.
    const at = email.lastIndexOf('@')
    const local = at >= 0 ? email.slice(0, at) : email
    pieces.push(local, ...local.split(/[._+-]+/))
  }
  const name = context?.name?.toLowerCase()
  if (name) pieces.push(...name.split(/[\s\p{P}\p{S}]+/u))
  return pieces.filter((piece) => [...piece].length >= minPersonalPieceLength)
}

function breaks(
  rule: PasswordRuleId,
  policy: Readonly<PasswordPolicy>,
  password: string,
  chars: readonly string[],
  context: PasswordContext | undefined,
): boolean {
  switch (rule) {
    case 'min_length':
      return chars.length < policy.minLength
    case 'max_length':
      return chars.length > policy.maxLength
    case 'lowercase':
      return !/\p{Ll}/u.test(password)
    case 'uppercase':
      return !/\p{Lu}/u.test(password)
    case 'digit':
      return !/\p{N}/u.test(password)
    case 'special':
      // Combining marks count as part of a letter, so "café" typed in NFD (e + U+0301, as macOS often sends it)
      // is judged like its NFC twin instead of passing the special rule by accident.
      return !/[^\p{L}\p{M}\p{N}]/u.test(password)
    case 'no_repeat':
      return hasRun(chars, policy.maxRepeat)
    case 'no_personal_info': {
      // Guessing tools seed their dictionaries with the target's own name and email first.
      const lower = password.toLowerCase()
      return personalPieces(context).some((piece) => lower.includes(piece))
    }
    case 'not_common':
      return isCommonPassword(password)
    case 'not_current':
      // Only the server can tell, by verifying against the stored hash; the browser checker publishes the rule.
      return false
  }
}

/**
 * Checks a password against every active rule and lists each one it breaks, with the messages of `passwordRules`;
 * lengths count Unicode code points, so "😀" is one character, not two.
 */
export function checkPassword(
  policy: Readonly<PasswordPolicy>,
  password: string,
  context?: PasswordContext,
): PasswordCheck {
  // Array.from splits by code point, so surrogate pairs count once and a lone surrogate counts once too.
  const chars = Array.from(password)
  // No early exit: users fix everything in one round, and every rule here is linear in the input.
  const violations = ruleOrder
    .filter((rule) => isActive(policy, rule) && breaks(rule, policy, password, chars, context))
    .map((rule) => ({ rule, message: passwordRuleMessage(policy, rule) }))
  return violations.length === 0 ? { ok: true } : { ok: false, violations }
}
