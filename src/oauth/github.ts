/** The GitHub REST API calls a sign-in needs: GitHub is OAuth 2 without OpenID Connect, so no ID token. */

/** The subset of `fetch` used here (injectable for tests). */
export type FetchLike = (
  url: string,
  init: { headers: Record<string, string>; signal?: AbortSignal },
) => Promise<Response>

/** What a sign-in learns from GitHub. */
export interface GitHubProfile {
  /** GitHub's numeric user id, as a string: stable, unlike the login, which its owner may change. */
  subject: string
  email: string | null
  emailVerified: boolean
  name: string | null
}

const API = 'https://api.github.com'

/** One entry of `GET /user/emails`. */
interface GitHubEmail {
  email?: unknown
  primary?: unknown
  verified?: unknown
}

/**
 * Picks the account's PRIMARY email, and only if GitHub verified it. The public profile email (`GET /user`)
 * is never used: it is whatever the user typed and need not be verified; another verified but non-primary
 * address is not taken either, so the address is the one the account owner chose as theirs.
 */
export function primaryVerifiedEmail(emails: unknown): { email: string | null; emailVerified: boolean } {
  if (!Array.isArray(emails)) return { email: null, emailVerified: false }
  const primary = (emails as GitHubEmail[]).find(
    (e) => e !== null && typeof e === 'object' && e.primary === true,
  )
  if (!primary || typeof primary.email !== 'string') return { email: null, emailVerified: false }
  return { email: primary.email, emailVerified: primary.verified === true }
}

/** Reads the user (`GET /user`) and their emails (`GET /user/emails`, scope `user:email`) with an access token. */
export async function fetchGitHubProfile(
  accessToken: string,
  fetchFn: FetchLike,
  timeoutMs = 10_000,
): Promise<GitHubProfile> {
  const get = async (path: string): Promise<unknown> => {
    const res = await fetchFn(`${API}${path}`, {
      headers: {
        authorization: `Bearer ${accessToken}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        // GitHub refuses API requests without a User-Agent.
        'user-agent': 'portcullis',
      },
      signal: AbortSignal.timeout(timeoutMs),
    })
    if (!res.ok) throw new GitHubApiError(`GitHub API ${path} answered ${res.status}`, res.status)
    return res.json()
  }
  const user = (await get('/user')) as { id?: unknown; name?: unknown }
  if (typeof user?.id !== 'number' && typeof user?.id !== 'string')
    throw new GitHubApiError('GitHub API /user returned no id', 0)
  const { email, emailVerified } = primaryVerifiedEmail(await get('/user/emails'))
  return {
    subject: String(user.id),
    email,
    emailVerified,
    name: typeof user.name === 'string' && user.name.trim() !== '' ? user.name.trim() : null,
  }
}

/** A GitHub API call that did not answer as expected (status 0: a malformed body). */
export class GitHubApiError extends Error {
  override readonly name = 'GitHubApiError'
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message)
  }
}
