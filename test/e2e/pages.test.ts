import { describe, expect, it } from 'vitest'
import { pages } from '../../examples/demo/pages.js'
import { createVerifiedAccount, demoUrl, logInThroughPage, uniqueEmail, useBrowser } from './harness.js'

const browsers = useBrowser()

// Every page the demo serves (pages.ts), so pages added later are covered too.
const paths = Object.keys(pages)

describe('every demo page in Chromium', () => {
  it('sees a CSP violation when a script without the nonce runs (the watcher is not blind)', async () => {
    const journey = browsers.start('csp-watch')
    const { page } = await journey.newPage()
    await page.goto(`${demoUrl}/`)
    await page.evaluate(() => {
      const script = document.createElement('script')
      script.textContent = 'window.injected = true'
      document.body.append(script)
    })
    await expect.poll(() => journey.problems.length).toBeGreaterThan(0)
    expect(await page.evaluate(() => (window as { injected?: boolean }).injected)).toBeUndefined()
    expect(journey.problems.join('\n')).toMatch(/CSP violation: script-src/)
    journey.problems.length = 0
  })

  it.each([
    ['signed out', false],
    ['signed in', true],
  ])('renders %s without a CSP violation or a script error', async (label, signedIn) => {
    const journey = browsers.start(`pages-${label.replace(' ', '-')}`)
    const { page } = await journey.newPage()
    if (signedIn) {
      const email = uniqueEmail('visitor')
      const password = 'Every-Page-Once-42'
      await createVerifiedAccount(email, password)
      await logInThroughPage(page, email, password)
    }
    for (const path of paths) {
      await page.goto(`${demoUrl}${path}`)
      // The page's script has run once the network is quiet (its API calls done).
      await page.waitForLoadState('networkidle')
      await journey.shot(page, path === '/' ? 'home' : path.slice(1).replaceAll('/', '-'))
    }
  })
})
