/**
 * Numbers as a reader wants them in tables and on axes: FLOPs with SI
 * prefixes (1.23 G), fractions with a few significant digits, durations in
 * s/m/h. Non-finite or missing values show as an em dash.
 *
 * @example
 * formatSi(3.2e12);      // '3.20 T'
 * formatMetric(0.91234); // '0.9123'
 */
import { formatDuration } from '../train/progress.js';

const SI = ['', 'k', 'M', 'G', 'T', 'P', 'E'];

/** Shown where a value is missing or not finite. */
export const MISSING = '—';

/** A count with an SI prefix and three significant digits: 1530 → '1.53 k'. */
export function formatSi(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return MISSING;
  if (Math.abs(v) < 1000) return trimZeros(Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));
  const { mantissa, prefix } = siParts(v);
  return `${mantissa} ${prefix}`;
}

function siParts(v: number): { mantissa: string; prefix: string } {
  let p = Math.min(SI.length - 1, Math.floor(Math.log10(Math.abs(v)) / 3));
  // 999.6 k rounds to '1.00e+3'; move to the next prefix instead
  if (Math.abs(Number((v / 10 ** (3 * p)).toPrecision(3))) >= 1000 && p < SI.length - 1) p++;
  return { mantissa: (v / 10 ** (3 * p)).toPrecision(3), prefix: SI[p]! };
}

/** A metric value: four decimals below 10, fewer digits above. */
export function formatMetric(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return MISSING;
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2);
  if (a >= 1000) return v.toFixed(0);
  if (a >= 10) return v.toFixed(2);
  return v.toFixed(4);
}

/** A duration in seconds as 5s, 2m05s or 1h02m. */
export function formatSeconds(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return MISSING;
  return v < 10 ? `${v.toFixed(1)}s` : formatDuration(v);
}

/** An axis tick label: short, with an SI prefix for large values. */
export function formatTick(v: number, step: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4) {
    const { mantissa, prefix } = siParts(v);
    return `${trimZeros(mantissa)}${prefix}`;
  }
  // enough decimals to tell neighbouring ticks apart
  const decimals = Math.max(0, Math.min(8, -Math.floor(Math.log10(step) + 1e-9)));
  return v.toFixed(decimals);
}

function trimZeros(s: string): string {
  return s.includes('.') && !s.includes('e') ? s.replace(/\.?0+$/, '') : s;
}
