/** Human formatting of metrics and tables for CLI output. */

/** `roc_auc 0.8546  log_loss 0.4012 …` with 4 significant decimals. */
export function formatMetrics(m: Record<string, number> | undefined): string {
  if (!m) return '';
  return Object.entries(m)
    .map(([k, v]) => `${k} ${formatNumber(v)}`)
    .join('  ');
}

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a >= 1000 ? v.toFixed(1) : a >= 1 ? v.toFixed(3) : v.toFixed(4);
}
