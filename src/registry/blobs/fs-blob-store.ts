/**
 * Blobs as files: `<root>/ab/cdef…` (the first two hex digits of the sha256 name a folder, as git
 * does for loose objects, so no folder grows past 256 × n/256 entries).
 *
 * A put never leaves a partial blob under its final name: bytes go to `<root>/tmp/<sha>.<host>.<pid>.<rand>.tmp`,
 * are fsynced, renamed onto the final name (rename is atomic within a file system) and the folder
 * is fsynced so the rename itself survives a power cut — the sequence recommended for crash-safe
 * file replacement (e.g. Pillai et al., "All File Systems Are Not Created Equal", OSDI 2014). A
 * crash leaves at most a temporary file, which `verify` lists with the host and pid that wrote it.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sha256Hex } from '../../artifact/container.js';
import { faultPoint } from '../fault.js';
import { isSha256, type BlobEntry, type BlobStore, type TempEntry } from './blob-store.js';

const TMP = 'tmp';

/**
 * @example
 * ```ts
 * const blobs = new FsBlobStore('.modelyard/blobs');
 * await blobs.put(sha256Hex(bytes), bytes);
 * ```
 */
export class FsBlobStore implements BlobStore {
  readonly kind = 'fs' as const;
  readonly location: string;

  constructor(readonly root: string) {
    this.root = path.resolve(root);
    this.location = this.root;
  }

  /** The final path of a blob. */
  pathOf(sha256: string): string {
    if (!isSha256(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2));
  }

  async put(sha256: string, bytes: Uint8Array): Promise<void> {
    const final = this.pathOf(sha256);
    const existing = await readOrNull(final);
    if (existing && sha256Hex(existing) === sha256) return;
    const tmpDir = path.join(this.root, TMP);
    await fs.mkdir(tmpDir, { recursive: true });
    // A new fan-out folder must itself be durable before a rename into it is.
    if (await fs.mkdir(path.dirname(final), { recursive: true })) await fsyncDir(this.root);
    const tmp = path.join(tmpDir, `${sha256}.${safeHost()}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    const fh = await fs.open(tmp, 'wx');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await faultPoint('blob:temp-written');
    try {
      await fs.rename(tmp, final);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
    await faultPoint('blob:renamed');
    await fsyncDir(path.dirname(final));
  }

  async get(sha256: string): Promise<Buffer | null> {
    return readOrNull(this.pathOf(sha256));
  }

  async has(sha256: string): Promise<boolean> {
    try {
      await fs.access(this.pathOf(sha256));
      return true;
    } catch {
      return false;
    }
  }

  async delete(sha256: string): Promise<void> {
    const p = this.pathOf(sha256);
    await fs.rm(p, { force: true });
    await fsyncDir(path.dirname(p));
  }

  async list(): Promise<BlobEntry[]> {
    const out: BlobEntry[] = [];
    for (const dir of await readdirOrEmpty(this.root)) {
      if (!/^[0-9a-f]{2}$/.test(dir)) continue;
      for (const f of await readdirOrEmpty(path.join(this.root, dir))) {
        const sha = dir + f;
        if (!isSha256(sha)) continue;
        const p = path.join(this.root, dir, f);
        try {
          const st = await fs.stat(p);
          out.push({ sha256: sha, size: st.size, modified_at: st.mtime.toISOString(), where: p });
        } catch {
          // Deleted while listing.
        }
      }
    }
    return out.sort((a, b) => (a.sha256 < b.sha256 ? -1 : 1));
  }

  describe(sha256: string): string {
    return this.pathOf(sha256);
  }

  async temps(): Promise<TempEntry[]> {
    const dir = path.join(this.root, TMP);
    const out: TempEntry[] = [];
    for (const f of await readdirOrEmpty(dir)) {
      const m = /^[0-9a-f]{64}\.(.+)\.(\d+)\.[0-9a-f]+\.tmp$/.exec(f);
      if (!m) continue;
      const p = path.join(dir, f);
      try {
        const st = await fs.stat(p);
        out.push({ path: p, size: st.size, modified_at: st.mtime.toISOString(), host: m[1], pid: Number(m[2]) });
      } catch {
        // Renamed into place while listing.
      }
    }
    return out;
  }

  async removeTemp(p: string): Promise<void> {
    if (path.dirname(path.resolve(p)) !== path.join(this.root, TMP)) throw new Error(`${p} is not a temporary blob file`);
    await fs.rm(p, { force: true });
  }
}

/** The host name as it appears in temporary file names (dots would confuse the parser). */
export function safeHost(): string {
  return os.hostname().replace(/[^A-Za-z0-9-]/g, '-') || 'host';
}

async function readOrNull(p: string): Promise<Buffer | null> {
  try {
    return await fs.readFile(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

async function readdirOrEmpty(p: string): Promise<string[]> {
  try {
    return await fs.readdir(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw e;
  }
}

/** fsyncs a folder so that a rename or unlink in it is durable (a no-op where folders cannot be opened, e.g. Windows). */
async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fh = await fs.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
