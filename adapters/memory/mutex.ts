/** A first-come, first-served async lock: one holder at a time, waiters in arrival order. */
export interface Mutex {
  /** Runs `fn` once every earlier holder has finished, and releases the lock when it settles. */
  run<T>(fn: () => Promise<T>): Promise<T>
}

/** Creates an unlocked mutex. */
export function createMutex(): Mutex {
  let tail: Promise<unknown> = Promise.resolve()
  return {
    run(fn) {
      const result = tail.then(fn)
      // The next holder waits for this one to settle either way: a throw must not jam the queue.
      tail = result.catch(() => undefined)
      return result
    },
  }
}
