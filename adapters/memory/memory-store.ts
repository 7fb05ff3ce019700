import type { Store } from '../../src/ports.js'
import { accountOps } from './memory-accounts.js'
import { adminOps } from './memory-admin.js'
import { logOps } from './memory-logs.js'
import { mfaOps } from './memory-mfa.js'
import { oauthOps } from './memory-oauth.js'
import { copy, emptyState, type StateHolder } from './memory-state.js'
import { createMutex } from './mutex.js'

type Ops = Omit<Store, 'transaction' | 'migrate' | 'close'>
type AnyOp = (...args: unknown[]) => Promise<unknown>

/** Wraps every operation of `ops` with `wrap`. */
function wrapAll(ops: Ops, wrap: (op: AnyOp) => AnyOp): Ops {
  const wrapped: Record<string, AnyOp> = {}
  for (const [name, op] of Object.entries(ops)) wrapped[name] = wrap(op as AnyOp)
  return wrapped as unknown as Ops
}

/**
 * A store that keeps everything in this instance's memory, for tests and single-process development.
 * Every operation runs under one async mutex, so each is atomic; `transaction` holds the mutex for the
 * whole callback and restores the previous state when it throws. Records are deep-copied in and out.
 */
export function memoryStore(): Store {
  const holder: StateHolder = { state: emptyState() }
  const mutex = createMutex()
  const ops: Ops = {
    ...accountOps(holder),
    ...mfaOps(holder),
    ...logOps(holder),
    ...adminOps(holder),
    ...oauthOps(holder),
  }

  const locked = wrapAll(
    ops,
    (op) =>
      (...args) =>
        mutex.run(() => op(...args)),
  )

  async function transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    return mutex.run(async () => {
      const before = copy(holder.state)
      let open = true
      // The view calls the unlocked operations (the mutex is already held: re-locking would deadlock),
      // and refuses use after the transaction ends, when it would bypass the lock.
      const guarded = wrapAll(ops, (op) => (...args) => {
        if (!open) return Promise.reject(new Error('memory store: transaction already finished'))
        return op(...args)
      })
      const view: Store = { ...guarded, transaction: (inner) => inner(view) }
      try {
        return await fn(view)
      } catch (error) {
        // Undo: nothing the callback wrote survives, so no half-written state is ever visible.
        holder.state = before
        throw error
      } finally {
        open = false
      }
    })
  }

  return { ...locked, transaction }
}
