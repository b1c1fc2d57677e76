/**
 * No feature uses events after its prediction time (seed 003's "point-in-time correctness"). The
 * features are computed twice: from the whole clickstream, and from the clickstream cut at a
 * prediction time T (every event after T deleted). For every session predicted at or before T,
 * each feature must be identical; only the label may differ. Several cut points are checked, each
 * the prediction time of a real session, so sessions right at the cut are covered. A deliberately
 * leaky feature is caught by the same check (the check can fail).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { runSqlStage } from '../../../src/pipeline/stages/sql.js';
import type { SqlStage } from '../../../src/pipeline/types.js';
import { tempDir } from '../../../test/helpers/tmp.js';
import { clickstream } from '../generate.js';

const EXAMPLE = path.resolve(import.meta.dirname, '..');
const dir = tempDir('modelyard-leakage-');
const data = clickstream({ users: 120, days: 50, seed: 11 });
fs.writeFileSync(path.join(dir, 'users.csv'), data.users);
const eventLines = data.events.trimEnd().split('\n');
const header = eventLines[0];
const rows = eventLines.slice(1);

const stage = (name: string, sql: string, inputs: Record<string, string>, out: string, params = {}): SqlStage => ({ name, kind: 'sql', sql, inputs, outputs: { [name]: out }, params, deps: [] });
const SESSIONS_SQL = fs.readFileSync(path.join(EXAMPLE, 'sql/sessions.sql'), 'utf8');
const FEATURES_SQL = fs.readFileSync(path.join(EXAMPLE, 'sql/features.sql'), 'utf8');

/** Sessionizes and featurizes the events up to `cut` (all when null); returns the features file. */
async function features(tag: string, cut: string | null, featuresSql = FEATURES_SQL): Promise<string> {
  const events = path.join(dir, `events-${tag}.csv`);
  // Timestamps are zero-padded `YYYY-MM-DD hh:mm:ss.sss`, so string order is time order.
  const kept = cut === null ? rows : rows.filter((line) => line.split(',')[1] <= cut);
  fs.writeFileSync(events, `${[header, ...kept].join('\n')}\n`);
  const sessions = path.join(dir, `sessions-${tag}.parquet`);
  await runSqlStage(stage('sessions', SESSIONS_SQL, { events }, sessions, { gap_minutes: 30 }));
  const out = path.join(dir, `features-${tag}.parquet`);
  await runSqlStage(stage('features', featuresSql, { events: sessions, users: path.join(dir, 'users.csv') }, out));
  return out;
}

/** Feature columns that differ between the full and the cut data for sessions predicted at or before the cut. */
async function leakedColumns(full: string, cutFile: string, cut: string): Promise<{ compared: number; leaked: string[] }> {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try {
    const cols = (await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${full}')`)).getRows().map((r) => String(r[0]));
    const featureCols = cols.filter((c) => c !== 'session_id' && c !== 'purchased');
    const base = `FROM read_parquet('${full}') f JOIN read_parquet('${cutFile}') c USING (session_id) WHERE f.prediction_time <= TIMESTAMP '${cut}'`;
    const compared = Number((await con.runAndReadAll(`SELECT count(*) ${base}`)).getRows()[0][0]);
    const diffs = (await con.runAndReadAll(`SELECT ${featureCols.map((c) => `count(*) FILTER (WHERE f."${c}" IS DISTINCT FROM c."${c}")`).join(', ')} ${base}`)).getRows()[0];
    // Every session predicted by the cut must exist in the cut data too.
    const missing = Number((await con.runAndReadAll(`SELECT count(*) FROM read_parquet('${full}') f ANTI JOIN read_parquet('${cutFile}') c USING (session_id) WHERE f.prediction_time <= TIMESTAMP '${cut}'`)).getRows()[0][0]);
    expect(missing).toBe(0);
    return { compared, leaked: featureCols.filter((_, i) => Number(diffs[i]) > 0) };
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

async function predictionTimes(file: string): Promise<string[]> {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try {
    return (await con.runAndReadAll(`SELECT strftime(prediction_time, '%Y-%m-%d %H:%M:%S.%g') FROM read_parquet('${file}') ORDER BY prediction_time`)).getRows().map((r) => String(r[0]));
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

describe('purchase-prediction features are point-in-time', () => {
  it('no feature changes when every event after the prediction time is deleted', async () => {
    const full = await features('full', null);
    const times = await predictionTimes(full);
    expect(times.length).toBeGreaterThan(2000);
    // Cut points spread over the period (the prediction times of real sessions, so sessions
    // predicted exactly at the cut are included and their own later events are removed).
    const cuts = [0.2, 0.45, 0.7, 0.9].map((q) => times[Math.floor(q * (times.length - 1))]);
    for (const [i, cut] of cuts.entries()) {
      const cutFile = await features(`cut${i}`, cut);
      const { compared, leaked } = await leakedColumns(full, cutFile, cut);
      expect(compared).toBeGreaterThan(300);
      expect(leaked, `features that used events after ${cut}`).toEqual([]);
    }
  });

  it('the check catches a feature that looks ahead', async () => {
    // A session-length feature: known only when the session is over.
    const leaky = FEATURES_SQL.replace('  CASE WHEN s.n_purchases > 0', '  s.n_views AS views_this_session,\n  CASE WHEN s.n_purchases > 0');
    expect(leaky).not.toBe(FEATURES_SQL);
    const full = await features('leaky-full', null, leaky);
    const times = await predictionTimes(full);
    const cut = times[Math.floor(0.6 * (times.length - 1))];
    const cutFile = await features('leaky-cut', cut, leaky);
    const { leaked } = await leakedColumns(full, cutFile, cut);
    expect(leaked).toEqual(['views_this_session']);
  });
});
