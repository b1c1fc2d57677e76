/**
 * The {@link MonitorSource} over the prediction log store (src/log): predictions joined to their
 * latest outcome by the store's query, events by kind and time, alerts written as events. The
 * store does not keep `shadow_of`; shadow rows are paired with the champion's rows by request id
 * and position (see challenger.ts `pairRows`), which is how the shadow scorer writes them.
 */
import type { EventRecord } from '../log/record.js';
import type { LogStore } from '../log/store.js';
import type { EventQuery, JoinedPrediction, MonitorSource, PredictionQuery } from './source.js';

/**
 * @example
 * ```ts
 * const source = new LogStoreSource(await openLogStore(resolveLogLocation()));
 * const report = await monitorReport(source, monitoredModel(name, version, model));
 * ```
 */
export class LogStoreSource implements MonitorSource {
  constructor(readonly store: LogStore) {}

  async predictions(q: PredictionQuery): Promise<JoinedPrediction[]> {
    const rows = await this.store.predictions({ model: q.model, version: q.version, since: q.since, until: q.until, role: q.role ?? 'primary', labelled: q.labelledOnly });
    return rows.map(({ actual, feedback_time: _t, ...prediction }) => ({ prediction, actual }));
  }

  events(q: EventQuery): Promise<EventRecord[]> {
    return this.store.events({ model: q.model, since: q.since, until: q.until, kind: q.kinds });
  }

  async writeEvent(e: EventRecord): Promise<void> {
    await this.store.insert({ events: [e] });
  }
}
