import { randomBytes } from 'node:crypto'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest'
import { BrowserClient } from '../demo/browser-client.js'
import { delay } from '../demo/demo-process.js'
import { screenshotDir } from './paths.js'

/** The demo's origin, as the browser and the mail links name it. */
export const demoUrl = inject('demoUrl')
/** The hostile site: cross-site to the demo on 127.0.0.1, same-site but cross-origin on localhost. */
export const forger = {
  crossSite: `http://127.0.0.1:${inject('forgerPort')}`,
  sameSiteOtherPort: `http://localhost:${inject('forgerPort')}`,
}

const chromiumPath = process.env.PORTCULLIS_E2E_CHROMIUM ?? '/usr/bin/chromium'

/** Debian's Chromium, headless, with the flags toolchain.md lists for this machine. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
    timeout: 30_000,
  })
}

/**
 * Reports every CSP violation of every document to the console with a marker, from before the page's own
 * scripts run. Chromium also logs its own "Refused to …" console error; either one fails the journey.
 */
function reportCspViolations(): void {
  document.addEventListener('securitypolicyviolation', (event) => {
    console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`)
  })
}

/** One journey: browser contexts (each a separate browser profile) and what went wrong on their pages. */
export interface Journey {
  /** CSP violations, uncaught page errors and failed page scripts seen so far, on the demo's pages. */
  problems: string[]
  /** A fresh context (its own cookie jar) with one page, watched for problems. */
  newPage(): Promise<{ context: BrowserContext; page: Page }>
  /** Saves a full-page screenshot as `<journey>-<nn>-<name>.png`. */
  shot(page: Page, name: string): Promise<void>
  close(): Promise<void>
}

/** Starts a journey in `browser`; `name` prefixes its screenshots. */
export function startJourney(browser: Browser, name: string): Journey {
  const contexts: BrowserContext[] = []
  const problems: string[] = []
  let step = 0
  const onDemo = (page: Page) => page.url().startsWith(demoUrl)
  const watch = (page: Page) => {
    page.on('console', (message) => {
      const text = message.text()
      if (/CSP violation|Content Security Policy/i.test(text)) problems.push(`${page.url()}: ${text}`)
    })
    page.on('pageerror', (error) => {
      if (onDemo(page)) problems.push(`${page.url()}: uncaught ${error.message}`)
    })
    page.on('requestfailed', (request) => {
      // A script or stylesheet of a demo page that did not load is a broken page, whatever the reason.
      const type = request.resourceType()
      if (request.url().startsWith(demoUrl) && (type === 'script' || type === 'stylesheet'))
        problems.push(`${request.url()}: ${request.failure()?.errorText ?? 'failed'}`)
    })
  }
  return {
    problems,
    async newPage() {
      const context = await browser.newContext({ viewport: { width: 1000, height: 700 } })
      contexts.push(context)
      context.setDefaultTimeout(10_000)
      await context.addInitScript(reportCspViolations)
      context.on('page', watch)
      const page = await context.newPage()
      return { context, page }
    },
    async shot(page, what) {
      step += 1
      const file = `${screenshotDir}${name}-${String(step).padStart(2, '0')}-${what}.png`
      await page.screenshot({ path: file, fullPage: true })
    },
    async close() {
      await Promise.all(contexts.map((c) => c.close().catch(() => {})))
    },
  }
}

/** One mail as /dev/mail shows it. */
export interface DevMail {
  to: string
  subject: string
  links: string[]
  sentAt: string | null
}

/** The mails to `to`, newest first, once at least `atLeast` are there (polls /dev/mail for up to 10 s). */
export async function mailsTo(to: string, atLeast = 1): Promise<DevMail[]> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const res = await fetch(`${demoUrl}/dev/mail?to=${encodeURIComponent(to)}`)
    expect(res.status).toBe(200)
    const { mails } = (await res.json()) as { mails: DevMail[] }
    if (mails.length >= atLeast) return mails
    if (Date.now() > deadline) throw new Error(`${to} got ${mails.length} mail(s), expected ${atLeast}`)
    await delay(200)
  }
}

/** The newest link to `path` (e.g. '/reset-password') mailed to `to`. */
export async function mailedLink(to: string, path: string, atLeast = 1): Promise<string> {
  const mails = await mailsTo(to, atLeast)
  const link = mails.flatMap((m) => m.links).find((l) => l.startsWith(`${demoUrl}${path}?token=`))
  if (link === undefined) throw new Error(`no ${path} link in the mails to ${to}`)
  return link
}

let accounts = 0
// Each test file loads this module afresh, so the counter alone would repeat across files sharing one demo.
const fileTag = randomBytes(3).toString('hex')
/** An address no journey of this run used before (the run starts on an empty database). */
export function uniqueEmail(who: string): string {
  accounts += 1
  return `${who}.${accounts}.${fileTag}@example.com`
}

/**
 * A verified account made over HTTP, for journeys about something else than registration (the account
 * journey registers and verifies through the pages).
 */
export async function createVerifiedAccount(email: string, password: string, name?: string): Promise<void> {
  const client = new BrowserClient(demoUrl)
  const registered = await client.request('POST', '/auth/register', { email, password, name })
  expect(registered.status).toBe(202)
  const token = new URL(await mailedLink(email, '/verify-email')).searchParams.get('token')
  const verified = await client.request('POST', '/auth/verify-email', { token })
  expect(verified.status).toBe(200)
}

/** Signs in through the login page and waits for the page it moves on to. */
export async function logInThroughPage(page: Page, email: string, password: string, path = '/login') {
  await page.goto(`${demoUrl}${path}`)
  await page.fill('#form input[name=email]', email)
  await page.fill('#form input[name=password]', password)
  await page.click('#form button[type=submit]')
  await page.waitForURL((url) => url.pathname !== '/login')
}

/** Waits until the page's message box shows, and returns its text. */
export async function messageOf(page: Page): Promise<string> {
  await page.waitForSelector('#message:not([hidden])')
  return (await page.textContent('#message')) ?? ''
}

/**
 * The browser lifecycle of one test file: Chromium launched once, a journey per test, closed after it and
 * checked for problems (CSP violations, page errors, failed resources).
 */
export function useBrowser(): { start(name: string): Journey } {
  let browser: Browser | undefined
  let journey: Journey | undefined
  beforeAll(async () => {
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
  })
  afterEach(async () => {
    const current = journey
    journey = undefined
    await current?.close()
    expect(current?.problems ?? []).toEqual([])
  })
  return {
    start(name) {
      if (!browser) throw new Error('the browser is not launched yet')
      journey = startJourney(browser, name)
      return journey
    },
  }
}
