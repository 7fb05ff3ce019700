import { fileURLToPath } from 'node:url'

/** Where the journeys leave what they produce (git-ignored: test-results/ is in .gitignore). */
export const resultsDir = fileURLToPath(new URL('../../test-results/e2e/', import.meta.url))
/** One PNG per page visited, named `<journey>-<step>-<what>.png`. */
export const screenshotDir = `${resultsDir}screenshots/`
