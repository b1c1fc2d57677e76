/**
 * A recruit-like data set (seeds 000/001): athletes with a position (QB/RB/WR), combine measurements
 * and position-specific stats, and whether they received a Division I offer. Seeded, no downloads.
 */
import { Rng } from '../../src/util/random.js';

export interface RecruitOptions {
  n: number;
  seed?: number;
  positions?: string[];
}

/** CSV text with header: athlete_id,position,height_in,weight_lb,forty,vertical,pass_yds,rush_yds,rec_yds,gpa,d1_offer */
export function recruitCsv(opts: RecruitOptions): string {
  const rng = new Rng(opts.seed ?? 7);
  const positions = opts.positions ?? ['QB', 'RB', 'WR'];
  const lines = ['athlete_id,position,height_in,weight_lb,forty,vertical,pass_yds,rush_yds,rec_yds,gpa,d1_offer'];
  for (let i = 0; i < opts.n; i++) {
    const pos = positions[rng.int(positions.length)];
    const talent = rng.normal();
    const height = (pos === 'QB' ? 74 : pos === 'WR' ? 72 : 70) + 1.8 * rng.normal() + 0.6 * talent;
    const weight = (pos === 'RB' ? 205 : pos === 'QB' ? 210 : 185) + 12 * rng.normal();
    const forty = (pos === 'QB' ? 4.85 : 4.55) - 0.08 * talent + 0.07 * rng.normal();
    const vertical = 31 + 2.5 * talent + 3 * rng.normal();
    const passYds = pos === 'QB' ? Math.round(2200 + 600 * talent + 400 * rng.normal()) : NaN;
    const rushYds = pos !== 'WR' ? Math.round((pos === 'RB' ? 1100 : 250) + (pos === 'RB' ? 300 : 80) * talent + 200 * rng.normal()) : NaN;
    const recYds = pos !== 'QB' ? Math.round((pos === 'WR' ? 850 : 200) + (pos === 'WR' ? 250 : 60) * talent + 150 * rng.normal()) : NaN;
    const gpa = Math.min(4, Math.max(1.8, 3.1 + 0.4 * rng.normal()));
    const score = 1.6 * talent + 0.3 * (gpa - 3.1) - 0.6 + 0.5 * rng.normal();
    const offer = score > 0 ? 'yes' : 'no';
    const f = (v: number, d = 1): string => (Number.isNaN(v) ? '' : v.toFixed(d));
    // A few missing combine results, as in real recruiting data.
    lines.push([`A${10000 + i}`, pos, f(height), f(weight, 0), rng.next() < 0.05 ? '' : f(forty, 2), rng.next() < 0.08 ? '' : f(vertical), f(passYds, 0), f(rushYds, 0), f(recYds, 0), f(gpa, 2), offer].join(','));
  }
  return `${lines.join('\n')}\n`;
}
