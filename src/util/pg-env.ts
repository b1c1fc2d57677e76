/**
 * Runs before `pg` is evaluated (see ./pg.ts). pg's lib/stream.js asks at load time whether it
 * runs in a Cloudflare Worker: it reads `navigator.userAgent`, and where `navigator` is undefined
 * (Node 20) it constructs a `Response`, whose first use makes Node load its whole fetch
 * implementation (undici) — measured at ~60 ms of every `pg` import, a quarter of a
 * `modelyard models list` process on Postgres (bench/registry). Node ≥ 21 defines
 * `navigator.userAgent` ("Node.js/…"); on Node 20 this module defines the same answer for the
 * duration of pg's evaluation and ./pg.ts removes it again.
 */
export const definedNavigator = typeof (globalThis as { navigator?: unknown }).navigator === 'undefined';
if (definedNavigator) {
  Object.defineProperty(globalThis, 'navigator', { value: { userAgent: `Node.js/${process.versions.node}` }, configurable: true, writable: true });
}
