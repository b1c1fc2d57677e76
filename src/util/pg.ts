/**
 * The `pg` driver, loaded without the ~60 ms detour through Node's fetch implementation that its
 * Cloudflare-Worker check costs on Node 20 (see ./pg-env.ts). Import `pg` from here.
 *
 * Evaluation order matters: ./pg-env.js (listed first) runs before `pg`, and this module's body
 * runs after both (ECMAScript module evaluation is depth-first in import order).
 */
import { definedNavigator } from './pg-env.js';
import pg from 'pg';

if (definedNavigator) delete (globalThis as { navigator?: unknown }).navigator;

export default pg;
