/**
 * What the log fault tests serve. Default: the real server (`modelyard serve` from dist/) with a
 * linear model trained on a small synthetic set. `MODELYARD_LOG_TEST_SERVER=standin` runs the
 * stand-in instead (test/helpers/log-standin-server.mjs: the writer used exactly as the server uses it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { cli } from './cli.js';

export const SERVER_KIND: 'standin' | 'serve' = process.env.MODELYARD_LOG_TEST_SERVER === 'standin' ? 'standin' : 'serve';
export const predictPath = SERVER_KIND === 'serve' ? '/v1/models/toy/predict' : '/predict';

let n = 0;
export function requestBody(): unknown {
  n++;
  return { instances: [{ age: 20 + (n % 50), income: 1000 + ((n * 37) % 5000), region: n % 2 ? 'north' : 'south' }] };
}

/** Registers the model the real server serves in `home` (nothing for the stand-in). */
export async function prepareHome(home: string, env: Record<string, string>): Promise<void> {
  if (SERVER_KIND === 'standin') return;
  const lines = ['age,income,region,y'];
  for (let i = 0; i < 300; i++) {
    const age = 20 + (i % 50);
    const income = 1000 + ((i * 37) % 5000);
    lines.push(`${age},${income},${i % 2 ? 'north' : 'south'},${age + income / 200 > 40 ? 'yes' : 'no'}`);
  }
  const data = path.join(home, 'toy.csv');
  fs.writeFileSync(data, `${lines.join('\n')}\n`);
  const r = cli(['train', data, '--target', 'y', '--name', 'toy', '--learner', 'linear'], { home, env: { ...env, MODELYARD_LOG: 'off' } });
  if (r.code !== 0) throw new Error(`training the test model failed: ${r.stderr}`);
}
