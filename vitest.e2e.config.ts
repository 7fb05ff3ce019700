import { defineConfig } from 'vitest/config'

// The browser journeys (`npm run test:e2e`, through test/e2e/run.mjs): Debian's Chromium driven by
// playwright-core against one demo process that test/e2e/global-setup.ts starts and stops.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    // Each journey is bounded; a stuck page fails its journey instead of the whole run.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
    // One demo, one client IP: journeys run one after another so their rate-limit budgets do not mix.
    fileParallelism: false,
    pool: 'forks',
  },
})
