/**
 * Registry consistency: every version's blob is present and hashes to its sha256, every alias
 * points at a live version, and every blob nobody references (or unfinished temporary write) is
 * listed with the reason it is there. `fix` removes orphans and dead temporary files (under the
 * registry-wide lock, so a register in flight is never robbed of its blob: it re-checks its blob
 * inside its own locked transaction and writes it again if it vanished).
 */
import { sha256Hex } from '../artifact/container.js';
import type { BlobStore } from './blobs/blob-store.js';
import { safeHost } from './blobs/fs-blob-store.js';
import { auditRows, insertAudit, referencedShas, type Db } from './queries.js';
import type { RegistryStore } from './store.js';
import type { OrphanInfo, VerifyProblem, VerifyReport } from './types.js';

export interface VerifyScope {
  /** Only this model (all its versions), or only these versions. Orphans are checked on full runs only. */
  name?: string;
  versions?: string[];
}

export interface VerifyOptions {
  fix?: boolean;
  actor: string;
  reason?: string;
  /** Temporary files older than this are removed by `fix` even when their writer may be alive elsewhere (default 1 h). */
  staleTempMs?: number;
}

/**
 * @example
 * ```ts
 * const report = await verifyRegistry(store, blobs, {}, { fix: true, actor: 'ops' });
 * report.ok; // false when a blob is missing or corrupt
 * ```
 */
export async function verifyRegistry(store: RegistryStore, blobs: BlobStore, scope: VerifyScope, opts: VerifyOptions): Promise<VerifyReport> {
  const { versions, aliases } = await store.read(async (tx) => {
    let vq = tx.selectFrom('versions').select(['name', 'version', 'sha256']);
    let aq = tx.selectFrom('aliases').select(['name', 'alias', 'version']);
    if (scope.name !== undefined) {
      vq = vq.where('name', '=', scope.name);
      aq = aq.where('name', '=', scope.name);
    }
    if (scope.versions) vq = vq.where('version', 'in', scope.versions);
    return { versions: await vq.execute(), aliases: await aq.execute() };
  });
  const problems: VerifyProblem[] = [];
  const shaState = new Map<string, 'ok' | 'missing' | { actual: string }>();
  for (const v of versions) {
    let state = shaState.get(v.sha256);
    if (!state) {
      const bytes = await blobs.get(v.sha256);
      const actual = bytes ? sha256Hex(bytes) : null;
      state = actual === null ? 'missing' : actual === v.sha256 ? 'ok' : { actual };
      shaState.set(v.sha256, state);
    }
    const ref = `${v.name}@${v.version}`;
    if (state === 'missing') {
      problems.push({ kind: 'blob-missing', code: 'ARTIFACT_MISSING', name: v.name, version: v.version, sha256: v.sha256, message: `${ref}: its artifact blob ${blobs.describe(v.sha256)} is missing` });
    } else if (state !== 'ok') {
      problems.push({
        kind: 'blob-corrupt',
        code: 'ARTIFACT_CORRUPT',
        name: v.name,
        version: v.version,
        sha256: v.sha256,
        message: `${ref}: artifact blob ${blobs.describe(v.sha256)} fails its sha256 check (expected ${v.sha256}, content hashes to ${state.actual})`,
      });
    }
  }
  const live = new Set(versions.map((v) => `${v.name}@${v.version}`));
  for (const a of aliases) {
    if (scope.versions && !scope.versions.includes(a.version)) continue;
    if (!live.has(`${a.name}@${a.version}`)) {
      problems.push({ kind: 'alias-dangling', code: 'MODEL_NOT_FOUND', name: a.name, alias: a.alias, version: a.version, message: `alias ${a.name}@${a.alias} points at ${a.version}, which is not registered` });
    }
  }
  const full = scope.name === undefined && scope.versions === undefined;
  const orphans = full ? await findOrphans(store, blobs, opts) : [];
  return {
    ok: problems.length === 0,
    registry: `${store.location}; blobs: ${blobs.kind === 'db' ? 'in the database' : blobs.location}`,
    checked: { versions: versions.length, blobs: shaState.size, aliases: aliases.length },
    problems,
    orphans,
  };
}

async function findOrphans(store: RegistryStore, blobs: BlobStore, opts: VerifyOptions): Promise<OrphanInfo[]> {
  const all = await blobs.list();
  const referenced = await referencedShas(store.db);
  const orphans: OrphanInfo[] = [];
  for (const b of all) {
    if (referenced.has(b.sha256)) continue;
    const bytes = await blobs.get(b.sha256);
    const damaged = bytes !== null && sha256Hex(bytes) !== b.sha256;
    orphans.push({
      kind: 'blob',
      sha256: b.sha256,
      path: b.where,
      size: b.size,
      modified_at: b.modified_at,
      explanation: (await explainOrphan(store.db, b.sha256, b.modified_at)) + (damaged ? ' Its content is also damaged (it does not hash to its name).' : ''),
      removed: false,
    });
  }
  const host = safeHost();
  const staleMs = opts.staleTempMs ?? 3_600_000;
  const deadTemps = new Set<OrphanInfo>();
  for (const t of await blobs.temps()) {
    const age = Date.now() - Date.parse(t.modified_at);
    const writerAlive = t.host === host ? pidAlive(t.pid) : age < staleMs;
    const o: OrphanInfo = {
      kind: 'temp-file',
      path: t.path,
      size: t.size,
      modified_at: t.modified_at,
      explanation: writerAlive
        ? `a blob being written by process ${t.pid} on ${t.host}, which ${t.host === host ? 'is still running' : 'may still be running'}; it is left alone`
        : `a partial blob write by process ${t.pid} on ${t.host}, interrupted before it was renamed into place (the process ${t.host === host ? 'is gone' : 'wrote it over an hour ago'}); no version refers to it`,
      removed: false,
    };
    orphans.push(o);
    if (!writerAlive) deadTemps.add(o);
  }
  if (opts.fix && orphans.length > 0) await removeOrphans(store, blobs, orphans, deadTemps, opts);
  return orphans;
}

async function explainOrphan(db: Db, sha256: string, modifiedAt: string | null): Promise<string> {
  const rows = await auditRows(db, { contains: sha256, actions: ['register', 'version.delete', 'model.delete'], limit: 5 });
  const del = rows.find((r) => r.action === 'version.delete' || r.action === 'model.delete');
  if (del) {
    const what = del.action === 'version.delete' ? `${del.name}@${del.version}` : `model ${del.name}`;
    return `Left by deleting ${what} (${del.at}, by ${del.actor}): the delete committed but the process stopped before removing the blob. No version refers to it.`;
  }
  const ageS = modifiedAt ? Math.round((Date.now() - Date.parse(modifiedAt)) / 1000) : null;
  const recent = ageS !== null && ageS < 120 ? ` It was written ${ageS} s ago: it may belong to a register still in progress (a register that loses its blob to --fix writes it again).` : '';
  return `Written by a register that never committed: the process was interrupted (e.g. killed) or failed between storing the blob and recording the version, so no version refers to it.${recent}`;
}

async function removeOrphans(store: RegistryStore, blobs: BlobStore, orphans: OrphanInfo[], deadTemps: Set<OrphanInfo>, opts: VerifyOptions): Promise<void> {
  const shas = orphans.filter((o) => o.kind === 'blob').map((o) => o.sha256!);
  await store.write('registry', async (tx) => {
    // Re-check under the lock: a register may have committed a version for one of them meanwhile.
    const nowReferenced = await referencedShas(tx, shas);
    const gone: string[] = [];
    for (const o of orphans) {
      if (o.kind !== 'blob' || nowReferenced.has(o.sha256!)) continue;
      await blobs.delete(o.sha256!, tx);
      o.removed = true;
      gone.push(o.sha256!);
    }
    if (gone.length > 0) {
      await insertAudit(tx, { at: new Date().toISOString(), actor: opts.actor, action: 'blob.gc', reason: opts.reason ?? null, details: { removed: gone } });
    }
  });
  for (const o of deadTemps) {
    await blobs.removeTemp(o.path!);
    o.removed = true;
  }
}

/** Whether a process with this id is running on this host. */
function pidAlive(pid: number): boolean {
  if (!(pid > 0)) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
