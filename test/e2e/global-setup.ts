import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { freePort, startDemo } from '../demo/demo-process.js'
import { startForger } from './forger.js'
import { resultsDir, screenshotDir } from './paths.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The demo as the browser sees it (`http://localhost:<port>`, the origin of its mail links). */
    demoUrl: string
    /** Port of the hostile site (test/e2e/forger.ts) on 127.0.0.1. */
    forgerPort: number
  }
}

/**
 * The demo's config for the journeys. Every journey comes from one IP (127.0.0.1), which a real deployment
 * never sees: the per-IP login and registration budgets are raised so that journeys do not trip each other.
 * Everything else (cookies, CSRF, lockout, the per-(IP, email) limits) keeps its defaults.
 */
const e2eConfig = {
  rateLimits: {
    loginPerIp: { limit: 500, windowSeconds: 60 },
    register: { limit: 500, windowSeconds: 3600 },
  },
}

/** Starts the demo (temp data dir, free port) and the forger; the returned teardown stops both. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await rm(screenshotDir, { recursive: true, force: true })
  await mkdir(screenshotDir, { recursive: true })
  const dataDir = await mkdtemp(join(tmpdir(), 'portcullis-e2e-'))
  const configPath = join(dataDir, 'e2e-config.json')
  await writeFile(configPath, JSON.stringify(e2eConfig))
  const port = await freePort()
  const demo = await startDemo({ PORT: String(port), DEMO_DATA_DIR: dataDir, PORTCULLIS_CONFIG: configPath })
  // run.mjs kills this process group too if vitest itself has to be killed before its teardown.
  await writeFile(join(resultsDir, 'demo.pid'), String(demo.child.pid ?? ''))
  const forger = await startForger()
  project.provide('demoUrl', `http://localhost:${port}`)
  project.provide('forgerPort', forger.port)
  return async () => {
    forger.server.closeAllConnections()
    forger.server.close()
    await demo.stop()
    const { stdout, stderr } = demo.output()
    await writeFile(join(resultsDir, 'demo.log'), `${stdout}\n--- stderr ---\n${stderr}`)
    await rm(join(resultsDir, 'demo.pid'), { force: true })
    await rm(dataDir, { recursive: true, force: true })
  }
}
