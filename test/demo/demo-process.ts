import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))

/** Knobs a test may hand the demo; everything else of the parent's environment that is a knob is dropped. */
const knobs = [
  'PORT',
  'DATABASE_URL',
  'REDIS_URL',
  'REDIS_KEY_PREFIX',
  'DEMO_HOST',
  'TRUST_PROXY',
  'CORS_ORIGINS',
  'PORTCULLIS_CONFIG',
  'DEMO_ADMIN_EMAIL',
  'DEMO_ADMIN_PASSWORD',
  'AUTH_KEYS',
  'NODE_ENV',
  'DEMO_DATA_DIR',
]

/** A port that was free a moment ago (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  server.close()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

/** A demo process started by a test. */
export interface DemoProcess {
  child: ChildProcess
  output(): { stdout: string; stderr: string }
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>
  stop(): Promise<void>
}

/** Starts `npx tsx examples/demo/server.ts` with exactly the given knobs, in its own process group. */
export function spawnDemo(env: Record<string, string>): DemoProcess {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !knobs.includes(name)))
  const child = spawn('npx', ['tsx', 'examples/demo/server.ts'], {
    cwd: repoRoot,
    env: { ...inherited, NODE_ENV: 'development', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own group: npx and tsx each start a child, and stop() must reach the node process at the bottom.
    detached: true,
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8')
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8')
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const signal = (name: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, name)
    } catch {
      // The group is already gone.
    }
  }
  return {
    child,
    output: () => ({ stdout, stderr }),
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      signal('SIGTERM')
      const done = await Promise.race([exited.then(() => true), delay(5000).then(() => false)])
      if (!done) signal('SIGKILL')
      // Whatever became of the group leader, make sure no grandchild keeps the port.
      signal('SIGKILL')
    },
  }
}

/** Starts the demo and waits (at most `timeoutMs`) until it prints that it listens. */
export async function startDemo(env: Record<string, string>, timeoutMs = 45_000): Promise<DemoProcess> {
  const demo = spawnDemo(env)
  const deadline = Date.now() + timeoutMs
  while (!demo.output().stdout.includes('listening on')) {
    if (demo.child.exitCode !== null) {
      throw new Error(
        `the demo exited with ${demo.child.exitCode} before listening:\n${demo.output().stderr}`,
      )
    }
    if (Date.now() > deadline) {
      await demo.stop()
      throw new Error(`the demo did not listen within ${timeoutMs} ms:\n${JSON.stringify(demo.output())}`)
    }
    await delay(100)
  }
  return demo
}

/** Runs the demo expecting it to exit by itself (a start-up failure); kills it after `timeoutMs`. */
export async function runToExit(env: Record<string, string>, timeoutMs = 45_000) {
  const demo = spawnDemo(env)
  const code = await Promise.race([demo.exited, delay(timeoutMs).then(() => 'timeout' as const)])
  if (code === 'timeout') await demo.stop()
  return { code, ...demo.output() }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
