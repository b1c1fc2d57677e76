/** The model registry: service, stores, blob stores and references. */
export { openRegistry, Registry, type RegisterInput, type AliasMove, type OpenRegistryOptions } from './registry.js';
export { resolveLocation, type RegistryLocation, type LocationOptions } from './location.js';
export { parseRef, formatRef, isSemver, isValidAlias, isValidName, type ModelRef } from './ref.js';
export { compareSemver, nextPatch, parseSemver } from './semver.js';
export type { RegistryStore, Dialect, LockScope } from './store.js';
export type { BlobStore, BlobEntry } from './blobs/blob-store.js';
export { FsBlobStore } from './blobs/fs-blob-store.js';
export { DbBlobStore } from './blobs/db-blob-store.js';
export { openSqliteStore } from './stores/sqlite/sqlite-store.js';
export { openPostgresStore } from './stores/postgres/postgres-store.js';
export { FAULT_POINTS, type FaultPoint } from './fault.js';
export type * from './types.js';
