/**
 * The Kysely runtime the stores use, in one module. `npm run build` writes an esbuild bundle of
 * Kysely to dist/vendor/kysely.js: Kysely's ~400 ESM files take ~250 ms to load, the bundle ~20 ms,
 * which keeps `modelyard models list` fast (bench/registry). Where the bundle is absent (tests run
 * from the TypeScript sources, or a plain `tsc` build) the package itself is loaded; types always
 * come from the package.
 */
import type * as KyselyModule from 'kysely';

const VENDOR = '../../vendor/kysely.js';
const mod: typeof KyselyModule = await import(VENDOR).catch(() => import('kysely'));

export const { Kysely, PostgresDialect, SqliteDialect, sql } = mod;
export type Kysely<DB> = KyselyModule.Kysely<DB>;
