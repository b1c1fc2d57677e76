/**
 * A refused `models promote --approve` is recorded, but it is not a comparison verdict: the
 * monitor's later decision for the same challenger is still written to the audit log, and the next
 * approval attempt reports that decision.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelToBytes } from '../artifact/model-artifact.js';
import type { PredictionRecord } from '../log/record.js';
import { openRegistry, type Registry } from '../registry/registry.js';
import { DAY, feedback, generate, score, train } from '../../test/monitor/sim.js';
import { approvePromotion, decideChallenger } from './challenger.js';
import { ShadowScorer } from './shadow.js';
import { MemorySource } from './source.js';

let dir: string;
let registry: Registry;
const NOW = Date.now();

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelyard-challenger-audit-'));
  registry = await openRegistry({ url: dir });
});
afterAll(async () => {
  await registry.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('approval refusals and comparison decisions', () => {
  it('a premature --approve does not hide the later "keep" from the audit log', async () => {
    const strong = await train(2000, 11);
    const weak = await train(2000, 12, { exclude: ['x1', 'x2'] });
    const a = await registry.register({ name: 'm', bytes: modelToBytes(strong), aliases: ['champion'] });
    const b = await registry.register({ name: 'm', bytes: modelToBytes(weak), aliases: ['challenger'], version: '2.0.0' });
    // Approved before any comparison: refused and recorded as an approval refusal.
    await expect(approvePromotion(registry, 'm@challenger')).rejects.toMatchObject({ code: 'PROMOTION_NOT_RECOMMENDED' });
    // Then 800 labelled requests over 8 days: the weaker challenger is kept.
    const { rows, y } = generate(800, 13);
    const primary = score(strong, 'm', a.version, rows, NOW - 8 * DAY, NOW - 60_000);
    const shadowRecords: PredictionRecord[] = [];
    const shadow = new ShadowScorer({ model: weak, name: 'm', version: b.version, write: (r) => shadowRecords.push(...r) });
    shadow.submit(rows, primary);
    await shadow.drain();
    const source = new MemorySource([...primary, ...shadowRecords], feedback(primary, y));
    const d = await decideChallenger(registry, source, 'm', { now: NOW });
    expect(d.comparison.decision).toBe('keep');
    expect(d.recorded).toBe('challenger.refuse');
    const rowsAfter = await registry.audit({ name: 'm', limit: 10 });
    expect(rowsAfter[0]).toMatchObject({ action: 'challenger.refuse', actor: 'monitor' });
    expect(rowsAfter[0].details.approval).toBeUndefined();
    // The same decision again records nothing; a second approval names the comparison's refusal.
    expect((await decideChallenger(registry, source, 'm', { now: NOW })).recorded).toBeNull();
    await expect(approvePromotion(registry, 'm@challenger')).rejects.toMatchObject({ message: expect.stringContaining('the latest comparison refused m@2.0.0') });
    expect((await registry.resolve('m@champion')).version).toBe(a.version);
  }, 60_000);
});
