// Child processes of the benchmark: every server under test, every load generator and every in-process case
// runs in its own process, so none of them measures the orchestrator or each other. They talk over the IPC
// channel of `fork`; every wait has a deadline so a stuck child cannot hold the run.
import { fork } from 'node:child_process'
import { join } from 'node:path'
import { benchDir } from './root.mjs'

const profileDir = join(benchDir, '.profiles')

/**
 * Starts `script` (relative to bench/) with `options` as its argument. `BENCH_PROFILE=name` adds
 * `--cpu-prof` to the children whose script path contains `name` (profiles land in bench/.profiles).
 */
export function startChild(script, options = {}, { readyTimeoutMs = 120_000 } = {}) {
  const profile = process.env.BENCH_PROFILE
  const execArgv = profile && script.includes(profile) ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []
  const child = fork(join(benchDir, script), [JSON.stringify(options)], {
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, NODE_ENV: 'production' },
  })
  let nextId = 1
  const pending = new Map()
  const waiters = []
  let exited = false
  const exit = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = true
      const error = new Error(`${script} exited (${signal ?? code}) before answering`)
      for (const { reject } of pending.values()) reject(error)
      for (const w of waiters) w.reject(error)
      resolve(code)
    })
  })
  child.on('message', (message) => {
    if (message?.type === 'reply') {
      const entry = pending.get(message.id)
      pending.delete(message.id)
      if (message.error) entry?.reject(new Error(`${script}: ${message.error}`))
      else entry?.resolve(message.result)
      return
    }
    const index = waiters.findIndex((w) => w.type === message?.type)
    if (index !== -1) waiters.splice(index, 1)[0].resolve(message)
  })

  const waitFor = (type, timeoutMs) =>
    new Promise((resolve, reject) => {
      if (exited) return reject(new Error(`${script} is not running`))
      const timer = setTimeout(
        () => reject(new Error(`${script}: no "${type}" within ${timeoutMs} ms`)),
        timeoutMs,
      )
      waiters.push({
        type,
        resolve: (m) => {
          clearTimeout(timer)
          resolve(m)
        },
        reject: (e) => {
          clearTimeout(timer)
          reject(e)
        },
      })
    })

  const ready = waitFor('ready', readyTimeoutMs)
  // A one-shot case never sends `ready`; its exit must not surface as an unhandled rejection.
  ready.catch(() => undefined)
  return {
    /** The child's first `ready` message (servers put their port in it). */
    ready,
    /** Waits for a message of `type` (an in-process case's `result`). */
    waitFor,
    /** Calls a command the child registered; rejects after `timeoutMs`. */
    call(name, args = {}, timeoutMs = 60_000) {
      const id = nextId++
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id)
          reject(new Error(`${script}: ${name} took over ${timeoutMs} ms`))
        }, timeoutMs)
        pending.set(id, {
          resolve: (v) => {
            clearTimeout(timer)
            resolve(v)
          },
          reject: (e) => {
            clearTimeout(timer)
            reject(e)
          },
        })
        child.send({ type: 'call', id, name, args })
      })
    },
    /** Asks the child to end (so a CPU profile is written), then kills it if it has not within 10 s. */
    async stop() {
      if (exited) return
      child.send({ type: 'stop' })
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exit
      clearTimeout(timer)
    },
  }
}
