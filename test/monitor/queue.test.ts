/**
 * The job queues behind retraining: in-process, SQLite and Postgres (`FOR UPDATE SKIP LOCKED`) run
 * the same contract; the persistent ones also with two workers on one store (every job exactly once).
 */
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Json } from '../../src/learn/types.js';
import { PgJobQueue } from '../../src/monitor/pg-queue.js';
import { InProcessQueue, type Job, type JobQueue } from '../../src/monitor/queue.js';
import { SqliteJobQueue } from '../../src/monitor/sqlite-queue.js';
import { PG_URL, pgProblem, REQUIRE_PG, tmpDir } from '../helpers/registry-dialects.js';

const schemas: string[] = [];
afterAll(async () => {
  if (pgProblem || schemas.length === 0) return;
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  for (const s of schemas) await c.query(`drop schema if exists "${s}" cascade`);
  await c.end();
});

type Maker = () => Promise<{ open: () => Promise<JobQueue>; shared: boolean }>;
const makers: Record<string, Maker> = {
  memory: async () => {
    const q = new InProcessQueue({ retryBaseMs: 5 });
    return { open: async () => q, shared: false };
  },
  sqlite: async () => {
    const file = path.join(tmpDir('queue'), 'jobs.db');
    return { open: async () => SqliteJobQueue.open({ file, pollMs: 10, retryBaseMs: 5 }), shared: true };
  },
  postgres: async () => {
    const schema = `q_${randomBytes(5).toString('hex')}`;
    schemas.push(schema);
    return { open: () => PgJobQueue.open({ url: PG_URL, schema, pollMs: 10, retryBaseMs: 5 }), shared: true };
  },
};

for (const [name, make] of Object.entries(makers)) {
  const skip = name === 'postgres' && pgProblem !== null && !REQUIRE_PG;
  (skip ? describe.skip : describe)(`job queue [${name}]${skip ? ` (skipped: Postgres unreachable at ${PG_URL})` : ''}`, () => {
    it('runs jobs off the caller, records results, dedupes, retries with backoff, fails after max attempts', async () => {
      const { open } = await make();
      const q = await open();
      const seen: Json[] = [];
      let flaky = 0;
      q.start({
        echo: async (job: Job) => {
          seen.push(job.payload);
          return { got: job.payload, attempt: job.attempts };
        },
        flaky: async (job: Job) => {
          flaky++;
          if (job.attempts < 2) throw new Error('first attempt fails');
          return 'ok';
        },
        broken: async () => {
          throw new Error('always fails');
        },
      });
      const id = await q.enqueue('echo', { n: 1 }, { dedupeKey: 'retrain:credit' });
      expect(id).not.toBeNull();
      expect(seen).toEqual([]); // enqueue never runs the handler itself
      expect(await q.enqueue('echo', { n: 2 }, { dedupeKey: 'retrain:credit' })).toBeNull();
      const f = await q.enqueue('flaky', {});
      const b = await q.enqueue('broken', {}, { maxAttempts: 2 });
      await q.idle();
      await new Promise((r) => setTimeout(r, 60)); // retries wait for their backoff
      await q.idle();
      expect(await q.get(id!)).toMatchObject({ status: 'done', result: { got: { n: 1 }, attempt: 1 } });
      expect(await q.get(f!)).toMatchObject({ status: 'done', attempts: 2, result: 'ok' });
      expect(await q.get(b!)).toMatchObject({ status: 'failed', attempts: 2, error: 'always fails' });
      expect(flaky).toBe(2);
      // Once done, the same key may be queued again.
      expect(await q.enqueue('echo', { n: 3 }, { dedupeKey: 'retrain:credit' })).not.toBeNull();
      await q.idle();
      expect(seen).toEqual([{ n: 1 }, { n: 3 }]);
      await q.close();
    });

    if (name !== 'memory') {
      it('two workers on one store: each of 40 jobs runs exactly once', async () => {
        const { open } = await make();
        const a = await open();
        const b = await open();
        const runs = new Map<number, string[]>();
        const handler = (who: string) => async (job: Job) => {
          const n = (job.payload as { n: number }).n;
          runs.set(n, [...(runs.get(n) ?? []), who]);
          await new Promise((r) => setTimeout(r, 2));
        };
        for (let n = 0; n < 40; n++) await a.enqueue('work', { n });
        a.start({ work: handler('a') });
        b.start({ work: handler('b') });
        await a.idle();
        expect([...runs.keys()].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i));
        for (const [, who] of runs) expect(who).toHaveLength(1);
        const workers = new Set([...runs.values()].flat());
        expect(workers.size).toBe(2); // both took work
        await a.close();
        await b.close();
      });
    }
  });
}
