/**
 * Synthetic B2B leads in a SQLite CRM table (seed 004): source, industry, company size, seniority,
 * engagement (pages viewed, emails opened, demo requested, last touch), and whether the lead
 * converted within 90 days. Conversion follows a logistic model of intent and fit with interactions
 * and noise; company size and budget are often missing, as in real CRMs. Seeded, no downloads.
 *
 *   npx tsx examples/lead-scoring/generate.ts --n 20000 --out data/crm.sqlite
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Lead {
  lead_id: string;
  created_at: string;
  source: string;
  industry: string;
  company_size: number | null;
  country: string;
  seniority: string;
  pages_viewed: number;
  emails_opened: number;
  demo_requested: number;
  days_since_last_touch: number;
  budget_k: number | null;
  converted: number;
}

export function leads(n: number, seed = 4, start = '2025-01-01'): Lead[] {
  const r = rng(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const pick = <T>(xs: readonly T[], w: readonly number[]): T => {
    let u = r() * w.reduce((a, b) => a + b, 0);
    for (let i = 0; i < xs.length; i++) if ((u -= w[i]) < 0) return xs[i];
    return xs[xs.length - 1];
  };
  const t0 = Date.parse(`${start}T00:00:00Z`);
  const out: Lead[] = [];
  for (let i = 0; i < n; i++) {
    const source = pick(['web', 'referral', 'event', 'cold_call', 'partner'], [5, 2, 1.5, 2, 1]);
    const industry = pick(['software', 'finance', 'retail', 'health', 'manufacturing', 'education'], [4, 2, 2, 1.5, 1.5, 1]);
    const seniority = pick(['ic', 'manager', 'director', 'vp', 'c_level'], [4, 3, 2, 1, 0.6]);
    const sizeLog = 3.5 + 1.6 * normal() + (industry === 'finance' ? 0.8 : 0);
    const size = Math.max(1, Math.round(Math.exp(sizeLog)));
    const intent = normal() + (source === 'referral' ? 0.8 : source === 'event' ? 0.4 : source === 'cold_call' ? -0.6 : 0);
    const pages = Math.max(0, Math.round(Math.exp(1.3 + 0.5 * intent + 0.5 * normal())));
    const opened = Math.max(0, Math.round(2 + 1.5 * intent + 2 * r()));
    const demo = r() < 1 / (1 + Math.exp(-(intent - 1.2))) ? 1 : 0;
    const lastTouch = Math.max(0, Math.round(-Math.log(1 - r()) * (20 - 6 * Math.tanh(intent))));
    const budget = r() < 0.45 ? null : Math.round(Math.exp(2.5 + 0.5 * Math.log(size) / 2 + 0.5 * normal()));
    const senior = ['ic', 'manager', 'director', 'vp', 'c_level'].indexOf(seniority);
    // Fit × intent: demos convert far better at mid-sized companies with a senior contact.
    const fit = 0.35 * senior - 0.15 * Math.abs(sizeLog - 5) + (industry === 'software' ? 0.4 : 0);
    const z = -2.6 + 0.9 * intent + 1.1 * demo * (senior >= 2 ? 1.4 : 0.7) + fit - 0.03 * lastTouch + (budget !== null ? 0.3 : 0) + 0.5 * normal();
    out.push({
      lead_id: `L${String(100000 + i)}`,
      created_at: new Date(t0 + Math.floor((i / n) * 365 * 86_400_000) + Math.floor(r() * 86_400_000)).toISOString().slice(0, 10),
      source,
      industry,
      company_size: r() < 0.15 ? null : size,
      country: pick(['US', 'GB', 'DE', 'FR', 'CA', 'AU'], [5, 2, 1.5, 1, 1, 0.8]),
      seniority,
      pages_viewed: pages,
      emails_opened: opened,
      demo_requested: demo,
      days_since_last_touch: lastTouch,
      budget_k: budget,
      converted: r() < 1 / (1 + Math.exp(-z)) ? 1 : 0,
    });
  }
  return out;
}

/** Writes the leads into a SQLite file, table `leads` (replacing the file). */
export function writeCrm(file: string, rows: Lead[]): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.rmSync(file, { force: true });
  const db = new Database(file);
  try {
    db.exec(`CREATE TABLE leads (lead_id TEXT PRIMARY KEY, created_at TEXT NOT NULL, source TEXT, industry TEXT, company_size INTEGER,
      country TEXT, seniority TEXT, pages_viewed INTEGER, emails_opened INTEGER, demo_requested INTEGER, days_since_last_touch INTEGER,
      budget_k INTEGER, converted INTEGER)`);
    const ins = db.prepare('INSERT INTO leads VALUES (@lead_id, @created_at, @source, @industry, @company_size, @country, @seniority, @pages_viewed, @emails_opened, @demo_requested, @days_since_last_touch, @budget_k, @converted)');
    db.transaction((xs: Lead[]) => {
      for (const x of xs) ins.run(x);
    })(rows);
  } finally {
    db.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const arg = (k: string, d: string): string => (argv.includes(`--${k}`) ? argv[argv.indexOf(`--${k}`) + 1] : d);
  const rows = leads(Number(arg('n', '20000')), Number(arg('seed', '4')));
  writeCrm(arg('out', 'data/crm.sqlite'), rows);
  process.stderr.write(`wrote ${rows.length} leads (${rows.filter((x) => x.converted).length} converted) to ${arg('out', 'data/crm.sqlite')}\n`);
}
