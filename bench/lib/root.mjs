// Paths of the repository and imports resolved the way the built library resolves them: the frameworks,
// drivers and jose that dist/ imports live in the root node_modules, and the benchmark must use those very
// copies (a second copy of express or jose would be a different program from the one users run).
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const benchDir = dirname(dirname(fileURLToPath(import.meta.url)))
export const rootDir = dirname(benchDir)
export const distDir = join(rootDir, process.env.BENCH_DIST ?? 'dist')

/** Imports an entry of the built library: `lib('express')` is `portcullis/express`. */
export function lib(entry = 'index') {
  return import(pathToFileURL(join(distDir, `${entry}.js`)).href)
}

const conditions = new Set(['node', 'import', 'default'])

function pickTarget(target) {
  if (typeof target === 'string') return target
  if (Array.isArray(target)) return pickTarget(target[0])
  if (target && typeof target === 'object')
    for (const [key, value] of Object.entries(target)) if (conditions.has(key)) return pickTarget(value)
  return undefined
}

function packageOf(baseDir, name) {
  const dir = join(baseDir, 'node_modules', name)
  return { dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }
}

/** The ESM entry of a package installed in `baseDir`'s node_modules (exports resolved with node/import). */
function resolveEntry(baseDir, name) {
  const { dir, pkg } = packageOf(baseDir, name)
  const exported = pkg.exports === undefined ? undefined : pickTarget(pkg.exports['.'] ?? pkg.exports)
  return join(dir, exported ?? pkg.module ?? pkg.main ?? 'index.js')
}

/** Imports a package from the root node_modules (what dist/ uses). */
export function rootImport(name) {
  return import(pathToFileURL(resolveEntry(rootDir, name)).href)
}

/** The installed version of a package, from the root's node_modules or the bench's own. */
export function versionOf(name, where = 'root') {
  try {
    return packageOf(where === 'root' ? rootDir : benchDir, name).pkg.version
  } catch {
    return 'not installed'
  }
}
