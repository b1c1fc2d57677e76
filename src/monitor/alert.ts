/** The alert record every monitor check produces, and its stable key for de-duplication. */

export type AlertKind =
  | 'feature_drift'
  | 'prediction_drift'
  | 'missing_rate'
  | 'coverage'
  | 'non_finite'
  | 'decay'
  | 'calibration'
  | 'confident_mistakes'
  | 'error_rate'
  | 'latency';

export interface Alert {
  kind: AlertKind;
  /** 'warn' (worth a look) or 'alert' (act). */
  severity: 'warn' | 'alert';
  model: string;
  version: string;
  /** Feature or metric the alert is about, if any. */
  subject: string | null;
  /** The measured value and the threshold it crossed. */
  value: number;
  threshold: number;
  message: string;
  /** Unix ms of the check that raised it. */
  time: number;
}

/** (model, version, kind, subject, severity): one alert per key is sent per repeat interval. */
export function alertKey(a: Pick<Alert, 'model' | 'version' | 'kind' | 'subject' | 'severity'>): string {
  return `${a.model}\u0000${a.version}\u0000${a.kind}\u0000${a.subject ?? ''}\u0000${a.severity}`;
}
