// The child side of lib/proc.mjs: options from argv, commands answered over IPC, and an orderly end.

/** The options the parent passed to this child. */
export const options = JSON.parse(process.argv[2] ?? '{}')

/**
 * Answers the parent's calls with `commands[name](args)`, announces `ready` (with `info`), and on `stop`
 * runs `close` and ends the process.
 */
export function serve(commands, info = {}, close = async () => {}) {
  process.on('message', async (message) => {
    if (message?.type === 'stop') {
      await close().catch(() => undefined)
      process.exit(0)
    }
    if (message?.type !== 'call') return
    try {
      const result = await commands[message.name](message.args)
      process.send({ type: 'reply', id: message.id, result })
    } catch (error) {
      process.send({ type: 'reply', id: message.id, error: String(error?.stack ?? error) })
    }
  })
  process.send({ type: 'ready', ...info })
}

/** Sends a case's result and ends the process once the message is out. */
export function finish(result) {
  process.send({ type: 'result', result }, () => process.exit(0))
}

/** Runs `main` as a one-shot case: its value is the result; a failure is reported, then exit code 1. */
export function runCase(main) {
  main(options).then(finish, (error) => {
    console.error(error)
    process.send({ type: 'result', error: String(error?.stack ?? error) }, () => process.exit(1))
  })
}
