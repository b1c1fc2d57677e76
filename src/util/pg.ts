/**
 * The `pg` driver, loaded without a ~60 ms detour on Node 20. Import `pg` from here.
 *
 * pg's lib/stream.js asks at load time whether it runs in a Cloudflare Worker: it reads
 * `navigator.userAgent`, and where `navigator` is undefined (Node 20) it constructs a `Response`,
 * whose first use makes Node load its whole fetch implementation (undici) — measured at ~60 ms of
 * every `pg` import, a quarter of a `modelyard models list` process on Postgres (bench/registry).
 * Node ≥ 21 defines `navigator.userAgent` ("Node.js/…"); on Node 20 the same answer is defined for
 * the duration of pg's (synchronous) evaluation and removed again. `require` rather than `import`
 * keeps that evaluation inside the try block, also when the CLI is bundled (scripts/bundle-cli.mjs).
 */
import { createRequire } from 'node:module';
import type PgModule from 'pg';

const g = globalThis as { navigator?: unknown };
const shim = typeof g.navigator === 'undefined';
if (shim) Object.defineProperty(globalThis, 'navigator', { value: { userAgent: `Node.js/${process.versions.node}` }, configurable: true, writable: true });
let loaded: typeof PgModule;
try {
  loaded = createRequire(import.meta.url)('pg') as typeof PgModule;
} finally {
  if (shim) delete g.navigator;
}
const pg = loaded;

export default pg;
