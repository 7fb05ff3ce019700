import type { RequestContext } from '../auth-types.js'
import { deviceLabel, ipPrefix } from '../policy/device.js'
import type { Store } from '../ports.js'
import type { UserRecord } from '../types.js'
import { type Core, mailLocale, whenCommitted } from './core.js'

/**
 * The fingerprint of a device for `userId`: a keyed hash (HMAC) of its label and IP prefix. Keyed, because an
 * IPv4 /24 and a handful of labels are few enough to enumerate from a plain hash in a database dump.
 */
export function deviceFingerprint(core: Core, userId: string, ctx: RequestContext): string {
  return core.box.mac(
    'hmac',
    `known-device\u0000${userId}\u0000${deviceLabel(ctx.userAgent)}\u0000${ipPrefix(ctx.ip)}`,
  )
}

/**
 * Records the device a session starts on (through the flow's transaction `tx`) and, the first time a device
 * is seen for an account that already had one, queues a "new sign-in" mail. The very first device of an
 * account (its first login after registration, or the first since this feature arrived) is recorded silently.
 */
export async function noticeNewDevice(
  core: Core,
  tx: Store,
  user: UserRecord,
  ctx: RequestContext,
): Promise<void> {
  const sighting = await tx.recordDeviceSighting(
    user.id,
    deviceFingerprint(core, user.id, ctx),
    core.clock.now(),
  )
  if (sighting !== 'new' || !core.settings.sessions.newDeviceMail) return
  const intent = {
    kind: 'new-sign-in' as const,
    ip: ctx.ip,
    userAgent: deviceLabel(ctx.userAgent),
    at: core.clock.now(),
  }
  await core.outbox.enqueue(tx, user.email, intent, mailLocale(core, user, ctx))
  whenCommitted(tx, () => core.outbox.kick())
}
