import type { TLSSocket } from 'node:tls'
import type {
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
} from 'fastify'
import fp from 'fastify-plugin'
import type { Auth, Principal } from '../../src/auth-types.js'
import {
  type AuthResponse,
  createErrorResponder,
  createGuard,
  createThrottle,
  createHandler,
  type GuardRequirement,
  type PermissionRequirement,
  permissionRequirement,
  type RequestParts,
  readBodyStream,
  readRequestBody,
  roleRequirement,
  scopeRequirement,
  serializeBody,
  toAuthRequest,
} from '../../src/http/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** An onRequest hook: 401 unless the request carries a valid access token; sets `request.auth`. */
    requireAuth(): onRequestHookHandler
    /** An onRequest hook: as `requireAuth`, and 403 unless the user holds one of `roles`. */
    requireRole(...roles: string[]): onRequestHookHandler
    /** An onRequest hook: as `requireAuth`, and 403 unless the user's permissions satisfy the requirement. */
    requirePermission(permission: PermissionRequirement): onRequestHookHandler
    /** An onRequest hook: as `requireAuth`, and 403 when the request's API key lacks `scope`. */
    requireScope(scope: string): onRequestHookHandler
    /** An onRequest hook: the whole-API IP throttle (`rateLimits.global`), e.g. `app.addHook('onRequest', app.throttle())`. */
    throttle(): onRequestHookHandler
  }
  interface FastifyRequest {
    /** The authenticated principal, set by the guards; null elsewhere. */
    auth: Principal | null
  }
}

/** Options of the plugin; `prefix` is where the auth routes live (`/auth`). */
export interface FastifyAuthOptions {
  prefix?: string
}

/** The body as the content-type parser keeps it: raw text, or the fact that it was too large. */
type KeptBody = { rawBody: string | undefined; bodyTooLarge: boolean }

function parts(request: FastifyRequest, url: string): RequestParts {
  const socket = request.raw.socket as Partial<TLSSocket> | undefined
  return {
    method: request.method,
    url,
    headers: request.headers,
    remoteAddress: request.raw.socket?.remoteAddress,
    secure: socket?.encrypted === true,
  }
}

function send(reply: FastifyReply, response: AuthResponse): FastifyReply {
  reply.code(response.status)
  for (const [name, value] of Object.entries(response.headers)) reply.header(name, value)
  return reply.send(serializeBody(response) ?? undefined)
}

/**
 * A `frameworkErrors` option for the host's `Fastify({...})`: Fastify answers a URL it cannot decode, or an
 * over-long parameter, before any plugin runs; with this it answers in the contract's error shape instead.
 */
export function fastifyFrameworkErrors(auth: Auth) {
  const errorResponse = createErrorResponder(auth)
  return (error: Error, request: FastifyRequest, reply: FastifyReply): void => {
    send(reply, errorResponse(toAuthRequest(parts(request, request.raw.url ?? '/')), error))
  }
}

/**
 * The Fastify plugin of one auth instance: `app.register(fastifyAuth(auth), { prefix: '/auth' })` adds the
 * routes under the prefix (encapsulated, with their own raw-body parser) and decorates the app with the guards.
 */
export function fastifyAuth(auth: Auth): FastifyPluginAsync<FastifyAuthOptions> {
  const handle = createHandler(auth)
  const guard = createGuard(auth)
  const limitIp = createThrottle(auth)
  const errorResponse = createErrorResponder(auth)
  const limit = auth.settings.http.bodyLimitBytes

  async function routes(app: FastifyInstance): Promise<void> {
    const relative = (request: FastifyRequest) => request.url.slice(app.prefix.length)
    // Every body is kept as raw text: the route table decides about media types, sizes and parsing.
    app.removeAllContentTypeParsers()
    app.addContentTypeParser('*', (request, payload, done) => {
      const declared = Number(request.headers['content-length'])
      if (Number.isFinite(declared) && declared > limit)
        return done(null, { rawBody: undefined, bodyTooLarge: true })
      readBodyStream(payload, limit).then((body) => done(null, body), done)
    })
    app.setErrorHandler(async (error, request, reply) => {
      // Fastify refuses a malformed Content-Type before any parser runs. Answer as the other adapters do: the
      // route table decides (ignored on bodiless routes, 415 in the route's own dialect elsewhere).
      if ((error as { code?: unknown }).code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
        const body = await readRequestBody(request.headers, request.raw, limit)
        return send(reply, await handle(toAuthRequest({ ...parts(request, relative(request)), ...body })))
      }
      return send(reply, errorResponse(toAuthRequest(parts(request, relative(request))), error))
    })
    app.route({
      method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      url: '/*',
      exposeHeadRoute: false,
      handler: async (request, reply) => {
        const body = (request.body ?? { rawBody: undefined, bodyTooLarge: false }) as KeptBody
        return send(reply, await handle(toAuthRequest({ ...parts(request, relative(request)), ...body })))
      },
    })
  }

  const guardHook = (requirement: GuardRequirement): onRequestHookHandler =>
    async function portcullisGuard(request, reply) {
      const result = await guard(toAuthRequest(parts(request, request.url)), requirement)
      if (!result.ok) return send(reply, result.response)
      request.auth = result.principal
    }

  const plugin: FastifyPluginAsync<FastifyAuthOptions> = async function portcullis(app, options) {
    app.decorateRequest('auth', null)
    app.decorate(
      'throttle',
      (): onRequestHookHandler => async (request, reply) => {
        const refused = await limitIp(toAuthRequest(parts(request, request.url)))
        if (refused) return send(reply, refused)
      },
    )
    app.decorate('requireAuth', () => guardHook({}))
    app.decorate('requireRole', (...roles: string[]) => guardHook(roleRequirement(roles)))
    app.decorate('requirePermission', (p: PermissionRequirement) => guardHook(permissionRequirement(p)))
    app.decorate('requireScope', (scope: string) => guardHook(scopeRequirement(scope)))
    // fastify-plugin shares the decorators with the host but drops `prefix`, so the routes get their own
    // encapsulated child (which also keeps our body parser away from the host's routes).
    await app.register(routes, { prefix: options.prefix ?? '' })
  }
  return fp(plugin, { name: 'portcullis', fastify: '5.x' })
}
