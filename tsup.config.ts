import { defineConfig } from 'tsup'

// One entry per package.json export (style rule 3). Runtime libraries stay external because they are
// dependencies or peer dependencies; tsup would otherwise bundle devDependencies into dist.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    policy: 'src/policy/index.ts',
    testing: 'src/testing/index.ts',
    kysely: 'adapters/kysely/index.ts',
    nodemailer: 'adapters/nodemailer/index.ts',
    redis: 'adapters/redis/index.ts',
    express: 'adapters/express/index.ts',
    fastify: 'adapters/fastify/index.ts',
    hono: 'adapters/hono/index.ts',
    cli: 'src/cli.ts',
  },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
  // vitest and kysely drivers are only imported by the testing/kysely entries and must come from the user.
  external: ['vitest', 'libsql', 'better-sqlite3', 'nodemailer', 'pg', 'mysql2', 'ioredis', 'qrcode'],
})
