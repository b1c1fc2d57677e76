/** What the log fault tests serve: the stand-in server's request shape (see log-standin-server.mjs). */
export const SERVER_KIND: 'standin' | 'serve' = 'standin';
export const predictPath = '/predict';
let n = 0;
export function requestBody(): unknown {
  n++;
  return { instances: [{ age: 20 + (n % 50), income: 1000 + n, region: n % 2 ? 'north' : 'south' }] };
}
/** Prepares MODELYARD_HOME (the stand-in needs nothing; the real server needs a registered model). */
export async function prepareHome(_home: string, _env: Record<string, string>): Promise<void> {}
