/** Median, min and max of a list of numbers (null entries ignored). */
export function summarize(values) {
  const sorted = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return { median: null, min: null, max: null, n: 0 };
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

export const sum = (values) => values.reduce((a, b) => a + (b ?? 0), 0);

export function formatNumber(value, digits = 0) {
  if (value === null || value === undefined) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** `12,345 (11,900–12,800)` when there were several runs. */
export function formatSummary(summary, digits = 0) {
  if (summary.median === null) return '–';
  const median = formatNumber(summary.median, digits);
  if (summary.n < 2) return median;
  return `${median} (${formatNumber(summary.min, digits)}–${formatNumber(summary.max, digits)})`;
}

export const formatMiB = (bytes) => (bytes === null || bytes === undefined ? '–' : `${(bytes / 1048576).toFixed(0)} MiB`);

export function formatRatio(value, reference) {
  if (!value || !reference) return '–';
  return `${(value / reference).toFixed(2)}×`;
}
