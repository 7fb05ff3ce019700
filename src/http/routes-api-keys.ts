import { z } from 'zod'
import type { ApiKeyView, IssuedApiKey } from '../auth-types-admin.js'
import { route, type Route } from './route-def.js'
import type { JsonValue } from './types.js'

const createSchema = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(z.string().max(64)).max(20).optional(),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
  allowedIps: z.array(z.string().max(64)).max(20).optional(),
})

/** The key as the contract shows it on creation and rotation. */
const issued = ({ apiKey: k, key }: IssuedApiKey): JsonValue => ({
  apiKey: {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    expiresAt: k.expiresAt,
    createdAt: k.createdAt,
  },
  key,
})

/** A key in the list: never the key itself. */
const listed = (k: ApiKeyView): JsonValue => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  scopes: k.scopes,
  expiresAt: k.expiresAt,
  lastUsedAt: k.lastUsedAt,
  usageCount: k.usageCount,
  createdAt: k.createdAt,
})

/**
 * The signed-in user's API keys (http-contract.md, Authenticated routes). None of these routes is "API key
 * allowed": a key never manages keys, so an `X-API-Key` alone is UNAUTHENTICATED here.
 */
export const apiKeyRoutes: Route[] = [
  route({
    method: 'POST',
    path: '/api-keys',
    auth: 'user',
    schema: createSchema,
    handler: async (c) => ({
      status: 201,
      body: issued(await c.auth.createApiKey(c.principal, c.body, c.context)),
    }),
  }),
  route({
    method: 'GET',
    path: '/api-keys',
    auth: 'user',
    handler: async (c) => ({
      status: 200,
      body: { apiKeys: (await c.auth.listApiKeys(c.principal)).map(listed) },
    }),
  }),
  route({
    method: 'DELETE',
    path: '/api-keys/:id',
    auth: 'user',
    handler: async (c) => {
      await c.auth.revokeApiKey(c.principal, c.params.id ?? '', c.context)
      return { status: 204, body: null }
    },
  }),
  route({
    method: 'POST',
    path: '/api-keys/:id/rotate',
    auth: 'user',
    handler: async (c) => ({
      status: 200,
      body: issued(await c.auth.rotateApiKey(c.principal, c.params.id ?? '', c.context)),
    }),
  }),
]
