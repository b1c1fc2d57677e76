/**
 * Synthetic e-commerce clickstream (seed 003): users with hidden personas browse an item catalogue
 * in visits; a visit's views, add-to-carts and purchases depend on the persona, the item's discount
 * and category, the device, the hour, and how much the user has already looked at that category.
 * Seeded, no downloads. Noise on purpose: bots, missing prices, long pauses that split a visit in
 * two, and returning users whose persona drifts.
 *
 * Used as a pipeline function stage (`run: generate.ts#generate`) and directly by the tests.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Mulberry32 (Tommy Ettinger's 32-bit generator): tiny, seeded, same stream on every platform. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ClickstreamOptions {
  users: number;
  days: number;
  items?: number;
  seed?: number;
  /** First day of the simulation (UTC). */
  start?: string;
}

const CATEGORIES = ['electronics', 'fashion', 'home', 'beauty', 'sports', 'books', 'toys'];
const BASE_PRICE: Record<string, number> = { electronics: 240, fashion: 55, home: 90, beauty: 30, sports: 70, books: 18, toys: 35 };
const DEVICES = ['mobile', 'desktop', 'tablet'];
const SOURCES = ['direct', 'search', 'social', 'email', 'ads'];

type Persona = 'browser' | 'researcher' | 'buyer' | 'deal_hunter' | 'bot';
interface PersonaSpec {
  share: number;
  visitsPerWeek: number;
  viewsPerVisit: number;
  /** Log-odds of buying a carted item, before the item and context effects. */
  buyBias: number;
  cartRate: number;
  discountSensitivity: number;
}
const PERSONAS: Record<Persona, PersonaSpec> = {
  browser: { share: 0.46, visitsPerWeek: 2.2, viewsPerVisit: 4, buyBias: -3.8, cartRate: 0.025, discountSensitivity: 1 },
  researcher: { share: 0.27, visitsPerWeek: 1.6, viewsPerVisit: 7, buyBias: -2.6, cartRate: 0.04, discountSensitivity: 1.5 },
  buyer: { share: 0.14, visitsPerWeek: 0.9, viewsPerVisit: 3, buyBias: -0.4, cartRate: 0.12, discountSensitivity: 0.5 },
  deal_hunter: { share: 0.1, visitsPerWeek: 1.8, viewsPerVisit: 5, buyBias: -2.6, cartRate: 0.03, discountSensitivity: 5 },
  bot: { share: 0.03, visitsPerWeek: 6, viewsPerVisit: 20, buyBias: -9, cartRate: 0.002, discountSensitivity: 0 },
};

interface Item {
  id: string;
  category: string;
  basePrice: number;
  price: number;
  discountPct: number;
}

function pick<T>(r: () => number, xs: readonly T[], w?: readonly number[]): T {
  if (!w) return xs[Math.floor(r() * xs.length)];
  let u = r() * w.reduce((a, b) => a + b, 0);
  for (let i = 0; i < xs.length; i++) if ((u -= w[i]) < 0) return xs[i];
  return xs[xs.length - 1];
}

function normal(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

function poisson(r: () => number, mean: number): number {
  // Knuth's method; the means here are small.
  const l = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= r();
  } while (p > l);
  return k - 1;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** `2026-01-05 14:03:27.123`: a zone-less UTC timestamp, read by DuckDB as TIMESTAMP. */
const stamp = (t: number): string => new Date(t).toISOString().slice(0, 23).replace('T', ' ');

export interface Clickstream {
  users: string;
  items: string;
  events: string;
  counts: { users: number; items: number; events: number; purchases: number };
}

/** CSV text of users, items and events (events sorted by time). */
export function clickstream(opts: ClickstreamOptions): Clickstream {
  const r = rng(opts.seed ?? 3);
  const nItems = opts.items ?? 400;
  const start = Date.parse(`${opts.start ?? '2026-01-05'}T00:00:00Z`);
  const DAY = 86_400_000;

  const items: Item[] = [];
  for (let i = 0; i < nItems; i++) {
    const category = pick(r, CATEGORIES, [3, 4, 3, 2, 2, 2, 1]);
    const basePrice = Math.round(BASE_PRICE[category] * Math.exp(0.5 * normal(r)) * 100) / 100;
    const discountPct = r() < 0.3 ? pick(r, [5, 10, 15, 20, 30, 40, 50], [3, 4, 3, 3, 2, 1, 1]) : 0;
    items.push({ id: `I${String(i).padStart(5, '0')}`, category, basePrice, price: Math.round(basePrice * (1 - discountPct / 100) * 100) / 100, discountPct });
  }
  // Popular items get most views (Zipf-like): a cumulative table, searched by bisection.
  const cum = new Float64Array(nItems);
  for (let i = 0, acc = 0; i < nItems; i++) cum[i] = acc += 1 / (1 + i) ** 0.8;
  const popularItem = (): Item => {
    const u = r() * cum[nItems - 1];
    let lo = 0;
    let hi = nItems - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return items[lo];
  };
  const byCategory: Record<string, Item[]> = {};
  for (const it of items) (byCategory[it.category] ??= []).push(it);
  const HOURS = [...Array(24).keys()];
  const HOUR_WEIGHT = [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 3.5, 3.5, 4, 4.5, 4, 3.5, 3.5, 4, 4.5, 5, 6, 6.5, 6, 4, 2];

  const userLines = ['user_id,signup_date,is_member,home_device,country'];
  const events: [number, string][] = [];
  let purchases = 0;
  for (let u = 0; u < opts.users; u++) {
    const userId = `U${String(u).padStart(6, '0')}`;
    let persona = pick(r, Object.keys(PERSONAS) as Persona[], Object.values(PERSONAS).map((p) => p.share));
    const spec = (): PersonaSpec => PERSONAS[persona];
    const signup = start - Math.floor(r() * 700) * DAY;
    const member = persona === 'buyer' ? r() < 0.5 : r() < 0.15;
    const homeDevice = persona === 'bot' ? 'desktop' : pick(r, DEVICES, [6, 3, 1]);
    const country = pick(r, ['US', 'GB', 'DE', 'FR', 'NL'], [5, 2, 2, 1, 1]);
    userLines.push([userId, new Date(signup).toISOString().slice(0, 10), member ? 1 : 0, homeDevice, country].join(','));
    const favourite = pick(r, CATEGORIES);
    const seenByCategory: Record<string, number> = {};
    // Each user's activity level varies around the persona's (heavy-tailed).
    const activity = spec().visitsPerWeek * Math.exp(0.6 * normal(r));
    for (let day = 0; day < opts.days; day++) {
      // Personas drift a little: some browsers turn into buyers after a while.
      if (persona === 'browser' && r() < 0.002) persona = 'buyer';
      const weekday = new Date(start + day * DAY).getUTCDay();
      const dayRate = (activity / 7) * (weekday === 0 || weekday === 6 ? 1.35 : 0.9);
      const visits = poisson(r, dayRate);
      for (let v = 0; v < visits; v++) {
        const hour = persona === 'bot' ? Math.floor(r() * 24) : pick(r, HOURS, HOUR_WEIGHT);
        let t = start + day * DAY + hour * 3_600_000 + Math.floor(r() * 3_600_000);
        const device = r() < 0.75 ? homeDevice : pick(r, DEVICES);
        const source = pick(r, SOURCES, persona === 'deal_hunter' ? [1, 1, 1, 4, 2] : [4, 3, 2, 1, 1]);
        const nViews = Math.max(1, poisson(r, spec().viewsPerVisit));
        const focus = r() < 0.6 ? favourite : pick(r, CATEGORIES);
        const cart: Item[] = [];
        for (let k = 0; k < nViews; k++) {
          let item = popularItem();
          if (r() < 0.55) {
            // Visits tend to stay in one category.
            const inCat = byCategory[focus] ?? [];
            if (inCat.length) item = inCat[Math.floor(r() * inCat.length)];
          }
          const missingPrice = r() < 0.01;
          events.push([t, [userId, stamp(t), 'view', item.id, item.category, missingPrice ? '' : item.price.toFixed(2), item.discountPct, device, source].join(',')]);
          seenByCategory[item.category] = (seenByCategory[item.category] ?? 0) + 1;
          const research = Math.log1p(seenByCategory[item.category]) / 3;
          const pCart = spec().cartRate * (1 + spec().discountSensitivity * item.discountPct / 40) * (1 + research) * (device === 'mobile' ? 0.8 : 1.1);
          if (r() < Math.min(0.9, pCart)) {
            t += Math.floor(20_000 + r() * 90_000);
            events.push([t, [userId, stamp(t), 'add_to_cart', item.id, item.category, item.price.toFixed(2), item.discountPct, device, source].join(',')]);
            cart.push(item);
          }
          // Mostly short gaps; now and then a long pause (> 30 min) that splits the visit.
          t += r() < 0.015 ? Math.floor(35 * 60_000 + r() * 3_600_000) : Math.floor(15_000 + 150_000 * -Math.log(1 - r()) / 2);
        }
        for (const item of cart) {
          const z =
            spec().buyBias +
            (spec().discountSensitivity * item.discountPct) / 25 +
            (member ? 0.7 : 0) +
            (device === 'mobile' ? -0.4 : 0.2) +
            (source === 'email' ? 0.5 : 0) +
            (hour >= 19 && hour <= 22 ? 0.3 : 0) -
            0.25 * Math.log(item.price / 50) +
            0.4 * normal(r);
          if (r() < sigmoid(z)) {
            t += Math.floor(30_000 + r() * 240_000);
            events.push([t, [userId, stamp(t), 'purchase', item.id, item.category, item.price.toFixed(2), item.discountPct, device, source].join(',')]);
            purchases++;
          }
        }
      }
    }
  }
  events.sort((a, b) => a[0] - b[0]);
  const eventLines = ['user_id,ts,event_type,item_id,category,price,discount_pct,device,source', ...events.map((e) => e[1])];
  const itemLines = ['item_id,category,base_price,discount_pct', ...items.map((it) => [it.id, it.category, it.basePrice.toFixed(2), it.discountPct].join(','))];
  return {
    users: `${userLines.join('\n')}\n`,
    items: `${itemLines.join('\n')}\n`,
    events: `${eventLines.join('\n')}\n`,
    counts: { users: opts.users, items: nItems, events: events.length, purchases },
  };
}

/** The pipeline stage: writes users.csv, items.csv and events.csv. */
export function generate(ctx: { params: Record<string, unknown>; outputs: Record<string, string> }): Clickstream['counts'] {
  const p = ctx.params as unknown as ClickstreamOptions;
  const data = clickstream({ users: p.users, days: p.days, items: p.items, seed: p.seed, start: p.start });
  for (const key of ['users', 'items', 'events'] as const) {
    fs.mkdirSync(path.dirname(ctx.outputs[key]), { recursive: true });
    fs.writeFileSync(ctx.outputs[key], data[key]);
  }
  return data.counts;
}
