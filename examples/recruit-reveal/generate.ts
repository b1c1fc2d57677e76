/**
 * Synthetic high-school football recruits (seeds 000/001): quarterbacks, running backs and wide
 * receivers with combine measurements, position-specific season stats, academics and school size,
 * and whether they received a Division I offer. What earns an offer differs by position (height and
 * passing for QBs, speed and rushing for RBs, speed, leaping and receiving for WRs) — the reason the
 * product trains one model per position. From the 2025 season on, coaches value dual-threat QBs:
 * QB rushing counts for much more, which is what makes a QB-only model update worthwhile.
 *
 *   npx tsx examples/recruit-reveal/generate.ts --n 3000 --season 2024 --seed 1 --out data/athletes_2024.csv
 *
 * Seeded, no downloads. Noise on purpose: missing combine results, stat lines with missing games,
 * a few implausible typos, and label noise (offers that the numbers do not explain).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Mulberry32 (Tommy Ettinger's 32-bit generator): tiny, seeded, same stream on every platform. */
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

export interface RecruitOptions {
  n: number;
  seed?: number;
  season?: number;
  /** Shares of QB, RB, WR. */
  mix?: [number, number, number];
}

export const COLUMNS = [
  'athlete_id', 'season', 'position', 'state', 'school_size', 'height_in', 'weight_lb', 'forty', 'vertical', 'shuttle', 'broad_jump',
  'games', 'pass_yds', 'pass_td', 'interceptions', 'completion_pct', 'rush_yds', 'rush_td', 'yards_per_carry', 'receptions', 'rec_yds', 'rec_td', 'gpa', 'd1_offer',
] as const;

const STATES = ['TX', 'FL', 'CA', 'GA', 'OH', 'PA', 'AL', 'LA', 'NC', 'AZ', 'MI', 'NJ'];
const STATE_W = [14, 12, 12, 8, 6, 5, 5, 4, 4, 3, 3, 3];
const SIZES = ['1A', '2A', '3A', '4A', '5A', '6A'];

/** CSV text with the {@link COLUMNS} header, one athlete per line. */
export function recruitsCsv(opts: RecruitOptions): string {
  const r = rng(opts.seed ?? 1);
  const season = opts.season ?? 2024;
  const dualThreat = season >= 2025;
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const pick = <T>(xs: readonly T[], w: readonly number[]): T => {
    let u = r() * w.reduce((a, b) => a + b, 0);
    for (let i = 0; i < xs.length; i++) if ((u -= w[i]) < 0) return xs[i];
    return xs[xs.length - 1];
  };
  const mix = opts.mix ?? [0.3, 0.3, 0.4];
  const lines: string[] = [COLUMNS.join(',')];
  for (let i = 0; i < opts.n; i++) {
    const pos = pick(['QB', 'RB', 'WR'] as const, mix);
    const state = pick(STATES, STATE_W);
    const size = pick(SIZES, [1, 2, 3, 4, 4, 3]);
    const sizeBoost = SIZES.indexOf(size) / 5; // bigger schools, tougher competition, more exposure
    const talent = normal();
    const athletic = 0.6 * talent + 0.8 * normal();
    const skill = 0.7 * talent + 0.7 * normal();
    const games = Math.max(4, Math.min(14, Math.round(11 + 1.5 * normal() - (r() < 0.1 ? 4 : 0))));
    const g = games / 11;
    const height = (pos === 'QB' ? 74 : pos === 'WR' ? 72.5 : 70) + 1.9 * normal() + (pos === 'QB' ? 0.4 * skill : 0);
    const weight = (pos === 'RB' ? 200 : pos === 'QB' ? 205 : 182) + 4.2 * (height - (pos === 'QB' ? 74 : pos === 'WR' ? 72.5 : 70)) + 11 * normal();
    const forty = (pos === 'QB' ? 4.85 : pos === 'RB' ? 4.58 : 4.55) - 0.09 * athletic + 0.06 * normal();
    const vertical = 30 + 2.8 * athletic + 2.5 * normal();
    const shuttle = 4.45 - 0.08 * athletic + 0.08 * normal();
    const broad = 112 + 5 * athletic + 5 * normal();
    const qbRun = pos === 'QB' ? normal() : 0; // a QB's running style, independent of passing skill
    const passYds = pos === 'QB' ? Math.max(200, (2300 + 650 * skill + 350 * normal()) * g) : NaN;
    const passTd = pos === 'QB' ? Math.max(0, Math.round(passYds / 115 + 3 * normal())) : NaN;
    const ints = pos === 'QB' ? Math.max(0, Math.round(9 - 2 * skill + 2.5 * normal())) : NaN;
    const comp = pos === 'QB' ? Math.min(78, Math.max(42, 60 + 5 * skill + 4 * normal())) : NaN;
    const rushYds = pos === 'RB' ? Math.max(100, (1150 + 320 * skill + 150 * athletic + 220 * normal()) * g) : pos === 'QB' ? Math.max(-50, (300 + 330 * qbRun + 60 * athletic + 80 * normal()) * g) : NaN;
    const carries = pos === 'RB' ? Math.max(40, (190 + 30 * normal()) * g) : pos === 'QB' ? Math.max(15, (70 + 25 * qbRun + 10 * normal()) * g) : NaN;
    const rushTd = pos === 'WR' ? NaN : Math.max(0, Math.round(rushYds / (pos === 'RB' ? 95 : 110) + 2 * normal()));
    const receptions = pos === 'QB' ? NaN : Math.max(0, Math.round((pos === 'WR' ? 55 + 12 * skill : 18 + 5 * skill) * g + 8 * normal()));
    const recYds = pos === 'QB' ? NaN : Math.max(0, receptions * (pos === 'WR' ? 14.5 + 1.6 * athletic : 9 + athletic) + 60 * normal());
    const recTd = pos === 'QB' ? NaN : Math.max(0, Math.round(recYds / (pos === 'WR' ? 85 : 120) + 1.5 * normal()));
    const gpa = Math.min(4, Math.max(1.9, 3.1 + 0.45 * normal()));

    // What coaches reward, by position (standardized, so the weights are comparable).
    let score: number;
    if (pos === 'QB') {
      score = 0.55 * (height - 74) / 1.9 + 0.9 * (passYds / g - 2300) / 700 + 0.35 * (comp - 60) / 5 - 0.25 * (ints - 9) / 3 + (dualThreat ? 1.1 : 0.1) * (rushYds / g - 300) / 340;
    } else if (pos === 'RB') {
      score = -1.0 * (forty - 4.58) / 0.1 + 0.8 * (rushYds / g - 1150) / 400 + 0.25 * (weight - 200) / 12 + 0.2 * (recYds - 180) / 80;
    } else {
      score = -0.9 * (forty - 4.55) / 0.1 + 0.5 * (vertical - 30) / 3.5 + 0.8 * (recYds / g - 800) / 260 + 0.35 * (height - 72.5) / 1.9;
    }
    score += 0.35 * sizeBoost + 0.25 * (gpa - 3.1) / 0.45 + (state === 'TX' || state === 'FL' || state === 'GA' ? 0.2 : 0) - 0.9;
    const pOffer = 1 / (1 + Math.exp(-1.6 * score));
    const offer = r() < pOffer;

    const f = (v: number, d = 1): string => (Number.isFinite(v) ? v.toFixed(d) : '');
    const maybe = (v: string, p: number): string => (r() < p ? '' : v);
    // A few typos: forty recorded in tenths (e.g. 45.2 for 4.52).
    const fortyText = r() < 0.003 ? f(forty * 10, 1) : f(forty, 2);
    const ypc = Number.isFinite(carries) && pos !== 'WR' ? rushYds / carries : NaN;
    lines.push(
      [
        `R${season}${String(i).padStart(5, '0')}`, season, pos, state, size, f(height), f(weight, 0), maybe(fortyText, 0.06), maybe(f(vertical), 0.1), maybe(f(shuttle, 2), 0.2), maybe(f(broad, 0), 0.15),
        games, f(passYds, 0), f(passTd, 0), f(ints, 0), f(comp), f(rushYds, 0), f(rushTd, 0), f(ypc, 2), f(receptions, 0), f(recYds, 0), f(recTd, 0), f(gpa, 2), offer ? 'yes' : 'no',
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

function main(argv: string[]): void {
  const arg = (name: string, dflt?: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : dflt;
  };
  const out = arg('out');
  if (!out) {
    process.stderr.write('usage: generate.ts --out FILE.csv [--n 3000] [--season 2024] [--seed 1]\n');
    process.exit(2);
  }
  const csv = recruitsCsv({ n: Number(arg('n', '3000')), season: Number(arg('season', '2024')), seed: Number(arg('seed', '1')) });
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(out, csv);
  process.stderr.write(`wrote ${csv.split('\n').length - 2} athletes to ${out}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
