/**
 * The Kysely runtime the stores use, in one module. `npm run build` replaces its compiled output
 * with an esbuild bundle of Kysely: Kysely's ~400 ESM files take ~250 ms to load, the bundle ~20 ms,
 * which keeps `modelyard models list` fast (bench/registry). Types still come from the package.
 */
export { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
