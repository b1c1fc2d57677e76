/**
 * API keys with scopes (`MODELYARD_API_KEYS`): `Authorization: Bearer KEY` or `X-API-Key: KEY`.
 * With keys configured, predict routes need a `predict` key and admin routes an `admin` key. With
 * none configured, predict routes are open and admin routes answer loopback clients only.
 *
 * Keys are compared by their sha256 digests with `timingSafeEqual`, so lookup time does not depend
 * on how many leading characters of a guess are right.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ModelyardError } from '../errors.js';
import type { Scope } from './options.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

export class Auth {
  private readonly keys: { digest: Buffer; scopes: Set<Scope> }[];

  constructor(keys: Record<string, Scope[]>) {
    this.keys = Object.entries(keys).map(([k, scopes]) => ({ digest: digest(k), scopes: new Set(scopes) }));
  }

  get enabled(): boolean {
    return this.keys.length > 0;
  }

  /** The key a request carries, if any. */
  static keyOf(req: FastifyRequest): string | undefined {
    const h = req.headers.authorization;
    if (typeof h === 'string' && h.length > 7 && h.slice(0, 7).toLowerCase() === 'bearer ') return h.slice(7).trim();
    const x = req.headers['x-api-key'];
    return typeof x === 'string' && x.length > 0 ? x : undefined;
  }

  /** Throws UNAUTHORIZED / FORBIDDEN unless `req` may use `scope`. */
  check(req: FastifyRequest, scope: Scope): void {
    if (!this.enabled) {
      if (scope === 'admin' && !LOOPBACK.has(req.socket?.remoteAddress ?? '')) {
        throw new ModelyardError('FORBIDDEN', 'admin routes answer only loopback clients while no API keys are configured (set MODELYARD_API_KEYS with an admin key)', {});
      }
      return;
    }
    const key = Auth.keyOf(req);
    if (key === undefined) throw new ModelyardError('UNAUTHORIZED', 'an API key is required: send Authorization: Bearer KEY or X-API-Key: KEY', { field: 'authorization' });
    const d = digest(key);
    let scopes: Set<Scope> | undefined;
    for (const k of this.keys) if (timingSafeEqual(k.digest, d)) scopes = k.scopes;
    if (!scopes) throw new ModelyardError('UNAUTHORIZED', 'unknown API key', { field: 'authorization' });
    if (!scopes.has(scope)) throw new ModelyardError('FORBIDDEN', `this API key lacks the ${scope} scope`, { field: 'authorization' });
  }

  /** A preHandler hook for routes of `scope`. */
  hook(scope: Scope): (req: FastifyRequest, reply: FastifyReply) => Promise<void> {
    return async (req) => this.check(req, scope);
  }
}
