import { randomBytes } from 'node:crypto'
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyRingSpec, serializeKeyRing } from '../../src/index.js'

/**
 * The development key ring in `<dataDir>/keys`: read it if present, else create it. Several demo processes
 * started from one checkout then sign and verify with the same keys. Only for development: production
 * takes `AUTH_KEYS`.
 */
export async function loadOrCreateDevKeys(dataDir: string): Promise<string> {
  const path = join(dataDir, 'keys')
  const existing = await readKeys(path)
  if (existing !== undefined) return existing
  await mkdir(dataDir, { recursive: true })
  const ring = serializeKeyRing(generateKeyRingSpec((n) => new Uint8Array(randomBytes(n))))
  // Write the whole ring to a private temp file first, so no process ever reads a half-written ring.
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  await writeFile(temp, `${ring}\n`, { mode: 0o600 })
  try {
    return (await publish(temp, path)) ? ring : await readRequired(path)
  } finally {
    await unlink(temp).catch(() => {})
  }
}

/**
 * Moves the temp file into place unless another process got there first (true: ours won). A hard link fails
 * with EEXIST instead of replacing, so two processes starting at once end up with one ring, the first one.
 */
async function publish(temp: string, path: string): Promise<boolean> {
  try {
    await link(temp, path)
    return true
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return false
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw error
  }
  // A file system without hard links: rename, which is atomic but replaces; check first to narrow the race.
  if ((await readKeys(path)) !== undefined) return false
  await rename(temp, path)
  return true
}

async function readKeys(path: string): Promise<string | undefined> {
  try {
    const text = (await readFile(path, 'utf8')).trim()
    return text === '' ? undefined : text
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

async function readRequired(path: string): Promise<string> {
  const text = await readKeys(path)
  if (text === undefined)
    throw new Error(`the development key ring ${path} is empty; delete it to make a new one`)
  return text
}
