/**
 * The set of served models and the hot swap. Each served model name has a default selector (the
 * alias or version a bare `name` means: its `champion`, else `latest`, unless `--models` pinned
 * one) and a table of tracked selectors (`credit@champion`, `credit@1.0.2`, …) → loaded version.
 *
 * A swap replaces one table entry by a fully loaded and pre-warmed model: a request picks its entry
 * once, when it starts, and keeps that object to the end, so a request in flight during a swap
 * finishes on the old version and the next one sees the new one. Nothing is ever unloaded under a
 * request (the garbage collector frees old versions once no request holds them).
 */
import { ModelyardError } from '../errors.js';
import { modelFromBytes } from '../artifact/model-artifact.js';
import { loadModel } from '../model/load.js';
import type { Model } from '../model/model.js';
import type { Registry } from '../registry/index.js';
import { isSemver, isValidAlias, parseRef } from '../registry/ref.js';
import type { AliasChange } from '../registry/types.js';
import { scoreMatrix } from './fused.js';
import { conformMatrix, recordSource } from './rows.js';

/** One loaded model version. */
export interface Served {
  name: string;
  version: string;
  sha256: string;
  model: Model;
  source: 'file' | 'registry';
  /** Seconds spent loading (read + verify + decode + warm). */
  loadSeconds: number;
  loadedAt: string;
}

export interface HubEvents {
  onLoad?(s: Served): void;
  onSwap?(name: string, selector: string, from: string | null, to: string): void;
  onError?(e: unknown, what: string): void;
}

const SEMVER = /^\d+\.\d+\.\d+/;

/** A single-row example built from the schema, used to pre-warm and by `smoke`. */
export function exampleRow(model: Model): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const f of model.schema.features) {
    if (f.kind === 'categorical') row[f.name] = f.categories?.[0] ?? null;
    else if (f.kind === 'boolean') row[f.name] = 0;
    else if (f.kind === 'datetime') row[f.name] = 0;
    else row[f.name] = 0;
  }
  if (model.segments) row[model.segments.by] = Object.keys(model.segments.parts)[0] ?? null;
  return row;
}

/** Compiles the model's serving path (fused.ts) and runs it a few times so the first real request meets optimised code. */
export function prewarm(model: Model, iterations = 50): void {
  const row = exampleRow(model);
  const one = [row];
  const batch = Array.from({ length: 64 }, () => row);
  for (let i = 0; i < iterations; i++) {
    const src = recordSource(i % 10 === 0 ? batch : one);
    scoreMatrix(model, conformMatrix(model, src), src);
  }
}

export class ModelHub {
  /** name → selector a bare name means. */
  private readonly defaults = new Map<string, { selector: string; pinned: boolean }>();
  /** `name@selector` → loaded version. */
  private readonly slots = new Map<string, Served>();
  /** sha256 → loaded version (two aliases on one version share the object). */
  private readonly bySha = new Map<string, Served>();
  private readonly loading = new Map<string, Promise<Served>>();
  /**
   * Learner kinds (with task) whose scoring code has had a full pre-warm. The JIT compiles code, not
   * models: the first model of a kind gets every iteration, later ones of the same kind only enough to
   * touch their own arrays (with ten 100-tree GBDT models this halves the time to ready).
   */
  private readonly warmedKinds = new Set<string>();
  private stopWatch: (() => Promise<void>) | null = null;
  ready = false;

  constructor(
    private readonly registry: (() => Promise<Registry>) | null,
    private readonly events: HubEvents = {},
    private readonly warmIterations = 50,
  ) {}

  /** Names of served models, sorted. */
  names(): string[] {
    return [...this.defaults.keys()].sort();
  }

  has(name: string): boolean {
    return this.defaults.has(name);
  }

  /** Every loaded selector of `name` → version. */
  selectors(name: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, s] of this.slots) if (k.startsWith(`${name}@`)) out[k.slice(name.length + 1)] = s.version;
    return out;
  }

  defaultSelector(name: string): string | undefined {
    return this.defaults.get(name)?.selector;
  }

  /** All distinct loaded versions. */
  loaded(): Served[] {
    return [...new Set(this.slots.values())];
  }

  /**
   * Loads the models named by `refs` (registry refs or `.myd` files); with no refs, every model
   * in the registry at its `champion`, else `latest`.
   */
  async start(refs: string[]): Promise<void> {
    if (refs.length === 0) {
      if (!this.registry) throw new ModelyardError('USAGE', 'no models to serve: name them with --models (or MODELYARD_MODELS), or give a registry', { flag: '--models' });
      const reg = await this.registry();
      for (const m of await reg.list()) refs.push(m.name);
    }
    await Promise.all(refs.map((r) => this.add(r)));
    this.ready = true;
  }

  /** Adds one model ref to the served set. */
  async add(ref: string): Promise<Served> {
    if (ref.endsWith('.myd') || ref.includes('/') || ref.includes('\\')) {
      const t0 = performance.now();
      const lm = await loadModel(ref, () => this.reg());
      const s = this.finish(lm.name, lm.version, lm.sha256, lm.model, 'file', t0);
      this.defaults.set(s.name, { selector: s.version, pinned: true });
      this.slots.set(`${s.name}@${s.version}`, s);
      return s;
    }
    const r = parseRef(ref);
    let selector = r.alias ?? r.version;
    const pinned = selector !== undefined && ref.includes('@');
    if (!pinned) selector = await this.defaultFor(r.name);
    this.defaults.set(r.name, { selector: selector!, pinned });
    return this.track(r.name, selector!);
  }

  /** The champion alias if the model has one, else latest. */
  private async defaultFor(name: string): Promise<string> {
    const reg = await this.reg();
    await reg.resolve(`${name}@latest`); // MODEL_NOT_FOUND for an unknown model
    const champion = await reg.resolve(`${name}@champion`).catch(() => null);
    return champion ? 'champion' : 'latest';
  }

  /**
   * The loaded version for `ref` (`name`, `name@alias`, `name@1.2.0`) if it is loaded already;
   * the request fast path (no await).
   */
  peek(ref: string): Served | undefined {
    const at = ref.indexOf('@');
    if (at < 0) {
      const d = this.defaults.get(ref);
      return d ? this.slots.get(`${ref}@${d.selector}`) : undefined;
    }
    return this.slots.get(ref);
  }

  /**
   * The loaded version for `ref`, loading a version or alias of a served model on first use.
   * Models that are not served are MODEL_NOT_FOUND (the server never loads arbitrary names).
   */
  async get(ref: string): Promise<Served> {
    const hit = this.peek(ref);
    if (hit) return hit;
    const at = ref.indexOf('@');
    const name = at < 0 ? ref : ref.slice(0, at);
    if (!this.defaults.has(name)) {
      const known = this.names();
      throw new ModelyardError('MODEL_NOT_FOUND', `model "${name.slice(0, 100)}" is not served here (served: ${known.length ? known.join(', ') : 'none'})`, { field: 'name' });
    }
    const selector = ref.slice(at + 1);
    if (!this.registry || !(isSemver(selector) || isValidAlias(selector))) {
      throw new ModelyardError('MODEL_NOT_FOUND', `${ref.slice(0, 200)}: no such version or alias is loaded`, { field: 'name' });
    }
    return this.track(name, selector);
  }

  /** Loads `name@selector` and keeps it in the table (watched for alias moves). */
  private async track(name: string, selector: string): Promise<Served> {
    const key = `${name}@${selector}`;
    const s = await this.loadRef(key);
    this.slots.set(key, s);
    return s;
  }

  /**
   * Loads a registry ref (shared by concurrent callers and by sha256). `light`: a short pre-warm —
   * for swaps, where the learner's code is already warm from the version being replaced.
   */
  private loadRef(ref: string, light = false): Promise<Served> {
    let p = this.loading.get(ref);
    if (p) return p;
    p = (async () => {
      const t0 = performance.now();
      const reg = await this.reg();
      // One resolve + blob read (registry.load checks the sha256); decoded versions are shared.
      const { info, bytes } = await reg.load(ref);
      const cached = this.bySha.get(info.sha256);
      if (cached) return cached;
      const { model, sha256 } = modelFromBytes(bytes, info.ref, info.sha256);
      return this.finish(info.name, info.version, sha256, model, 'registry', t0, light);
    })().finally(() => this.loading.delete(ref));
    this.loading.set(ref, p);
    return p;
  }

  private finish(name: string, version: string, sha256: string, model: Model, source: 'file' | 'registry', t0: number, light = false): Served {
    const existing = this.bySha.get(sha256);
    if (existing) return existing;
    if (this.warmIterations > 0) {
      const kind = `${model.metadata.learner}/${model.target.task}/${model.segments ? 'segmented' : 'single'}`;
      const warm = light || this.warmedKinds.has(kind);
      prewarm(model, warm ? Math.min(10, this.warmIterations) : this.warmIterations);
      this.warmedKinds.add(kind);
    }
    const s: Served = { name, version, sha256, model, source, loadSeconds: (performance.now() - t0) / 1000, loadedAt: new Date().toISOString() };
    this.bySha.set(sha256, s);
    this.events.onLoad?.(s);
    return s;
  }

  private async reg(): Promise<Registry> {
    if (!this.registry) throw new ModelyardError('MODEL_NOT_FOUND', 'no registry is configured: only model files are served');
    return this.registry();
  }

  /**
   * Re-resolves every tracked selector of `name` (and its default, unless pinned) and swaps in
   * versions that changed. Returns the swaps made.
   */
  async refresh(name: string): Promise<{ selector: string; from: string | null; to: string }[]> {
    if (!this.registry || !this.defaults.has(name)) return [];
    const d = this.defaults.get(name)!;
    if (!d.pinned) {
      const sel = await this.defaultFor(name).catch(() => d.selector);
      if (sel !== d.selector) {
        await this.track(name, sel);
        this.defaults.set(name, { selector: sel, pinned: false });
      }
    }
    const swaps: { selector: string; from: string | null; to: string }[] = [];
    for (const [key, cur] of [...this.slots]) {
      if (!key.startsWith(`${name}@`)) continue;
      const selector = key.slice(name.length + 1);
      if (SEMVER.test(selector)) continue; // versions never move
      const next = await this.loadRef(key, true).catch((e) => {
        this.events.onError?.(e, `reloading ${key}`);
        return null;
      });
      if (next && next.sha256 !== cur.sha256) {
        this.slots.set(key, next);
        swaps.push({ selector, from: cur.version, to: next.version });
        this.events.onSwap?.(name, selector, cur.version, next.version);
      }
    }
    this.gc();
    return swaps;
  }

  /**
   * Applies alias moves reported by the registry watch: a moved alias that is served is loaded at
   * its new version (no re-resolving) and swapped in; a `champion` created or removed changes what
   * a bare name serves (unless pinned).
   */
  async applyChanges(changes: AliasChange[]): Promise<void> {
    for (const c of changes) {
      const d = this.defaults.get(c.name);
      if (!d) continue;
      try {
        if (!d.pinned && c.alias === 'champion') {
          const sel = c.version ? 'champion' : 'latest';
          if (sel !== d.selector) {
            await this.track(c.name, sel);
            this.defaults.set(c.name, { selector: sel, pinned: false });
          }
        }
        const key = `${c.name}@${c.alias}`;
        const cur = this.slots.get(key);
        if (!cur) continue;
        if (c.version === null) {
          if (this.defaults.get(c.name)!.selector !== c.alias) this.slots.delete(key);
          continue;
        }
        if (cur.version === c.version) continue;
        const next = await this.loadRef(`${c.name}@${c.version}`, true);
        this.slots.set(key, next);
        this.events.onSwap?.(c.name, c.alias, cur.version, next.version);
      } catch (e) {
        this.events.onError?.(e, `applying the move of ${c.name}@${c.alias}`);
      }
    }
    this.gc();
  }

  /** Reloads every served model from the registry. */
  async refreshAll(): Promise<void> {
    for (const name of this.names()) await this.refresh(name);
  }

  /** Follows alias moves made by any process (Postgres LISTEN/NOTIFY, SQLite polling). */
  async watch(intervalMs = 250): Promise<void> {
    if (!this.registry || this.stopWatch) return;
    const reg = await this.registry();
    this.stopWatch = await reg.watch(
      (changes: AliasChange[]) => {
        this.applyChanges(changes).catch((e) => this.events.onError?.(e, 'applying alias moves'));
      },
      { intervalMs },
    );
  }

  /** Forgets loaded versions no table entry points at any more. */
  private gc(): void {
    const live = new Set(this.slots.values());
    for (const [sha, s] of this.bySha) if (!live.has(s)) this.bySha.delete(sha);
  }

  async close(): Promise<void> {
    if (this.stopWatch) await this.stopWatch();
    this.stopWatch = null;
  }
}
