/**
 * Synthetic football league (seed 002): teams with attack and defence strengths that drift between
 * seasons, a double round robin each season, goals drawn from Poisson distributions (Maher 1982;
 * Dixon & Coles 1997) with home advantage, and a little momentum — a team on a winning run plays
 * slightly above itself — so form and streak features carry real (and noisy) signal. Result H/D/A.
 * Seeded, no downloads. Used as a pipeline function stage (`run: generate.ts#generate`).
 */
import fs from 'node:fs';
import path from 'node:path';

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

export interface LeagueOptions {
  teams: number;
  seasons: number;
  seed?: number;
  firstSeason?: number;
  /**
   * From this season on, matches are played behind closed doors: no home advantage. Home advantage
   * all but vanished in the 2020 ghost games (McCarrick et al. 2021, "Home advantage during the
   * COVID-19 pandemic", Psychology of Sport and Exercise 56) — a real shift a model trained on
   * earlier seasons does not know about.
   */
  closedDoorsFrom?: number;
  /**
   * From this season on, a spending cap levels the league: every team's attack and defence
   * strength is halved at the start of that season, so gaps in form say less about the next result.
   */
  levelFrom?: number;
}

const NAMES = ['Ashford', 'Brookvale', 'Castleton', 'Dunmore', 'Eastwick', 'Fairhaven', 'Glenrock', 'Harrow', 'Ironbridge', 'Kingsport', 'Larkfield', 'Millbrook', 'Northgate', 'Oakridge', 'Portwell', 'Queensbury', 'Riverton', 'Stonebury', 'Thornfield', 'Westmere', 'Yarrow', 'Zennor'];

/** CSV text: match_id,season,round,date,home_team,away_team,home_goals,away_goals,result. */
export function leagueCsv(opts: LeagueOptions): string {
  const r = rng(opts.seed ?? 2);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const poisson = (mean: number): number => {
    const l = Math.exp(-mean);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= r();
    } while (p > l);
    return k - 1;
  };
  const n = Math.min(opts.teams, NAMES.length);
  if (n % 2 !== 0) throw new Error('teams must be even');
  // A top-heavy league (a few rich clubs, a long tail): strengths spread wide enough that
  // bookmaker-style favourites at ≥ 70 % exist, as in leagues with dominant clubs.
  const attack = Array.from({ length: n }, () => 0.55 * normal());
  const defence = Array.from({ length: n }, () => 0.45 * normal());
  const lines = ['match_id,season,round,date,home_team,away_team,home_goals,away_goals,result'];
  let id = 0;
  const first = opts.firstSeason ?? 2019;
  for (let s = 0; s < opts.seasons; s++) {
    const season = first + s;
    // Strengths drift between seasons (transfers, managers), shrinking towards the mean.
    for (let t = 0; t < n; t++) {
      attack[t] = 0.9 * attack[t] + 0.2 * normal();
      defence[t] = 0.9 * defence[t] + 0.17 * normal();
      if (season === opts.levelFrom) {
        attack[t] *= 0.5;
        defence[t] *= 0.5;
      }
    }
    // Circle-method round robin, then the mirror half with home and away swapped.
    const order = [...Array(n).keys()];
    const rounds: [number, number][][] = [];
    for (let k = 0; k < n - 1; k++) {
      const games: [number, number][] = [];
      for (let i = 0; i < n / 2; i++) {
        const a = order[i];
        const b = order[n - 1 - i];
        games.push(k % 2 === 0 ? [a, b] : [b, a]);
      }
      rounds.push(games);
      order.splice(1, 0, order.pop()!);
    }
    const all = [...rounds, ...rounds.map((g) => g.map(([a, b]) => [b, a] as [number, number]))];
    const momentum = new Array<number>(n).fill(0);
    const start = Date.UTC(season, 7, 10);
    all.forEach((games, round) => {
      const date = new Date(start + round * 7 * 86_400_000 + (round >= n - 1 ? 14 * 86_400_000 : 0)).toISOString().slice(0, 10);
      for (const [h, a] of games) {
        const home = opts.closedDoorsFrom !== undefined && season >= opts.closedDoorsFrom ? 0 : 0.35;
        const muH = Math.exp(0.1 + attack[h] - defence[a] + home + 0.08 * momentum[h] + 0.1 * normal());
        const muA = Math.exp(0.1 + attack[a] - defence[h] + 0.08 * momentum[a] + 0.1 * normal());
        const hg = poisson(muH);
        const ag = poisson(muA);
        const result = hg > ag ? 'H' : hg < ag ? 'A' : 'D';
        // Momentum: +1 per win, -1 per loss, decaying; capped so it stays a nudge.
        momentum[h] = Math.max(-3, Math.min(3, 0.7 * momentum[h] + (hg > ag ? 1 : hg < ag ? -1 : 0)));
        momentum[a] = Math.max(-3, Math.min(3, 0.7 * momentum[a] + (ag > hg ? 1 : ag < hg ? -1 : 0)));
        lines.push([`M${String(id++).padStart(5, '0')}`, season, round + 1, date, NAMES[h], NAMES[a], hg, ag, result].join(','));
      }
    });
  }
  return `${lines.join('\n')}\n`;
}

export function generate(ctx: { params: Record<string, unknown>; outputs: Record<string, string> }): { matches: number } {
  const csv = leagueCsv(ctx.params as unknown as LeagueOptions);
  fs.mkdirSync(path.dirname(ctx.outputs.matches), { recursive: true });
  fs.writeFileSync(ctx.outputs.matches, csv);
  return { matches: csv.split('\n').length - 2 };
}
