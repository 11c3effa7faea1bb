/**
 * Axis arithmetic: "nice" tick steps (1, 2 or 5 × 10^k) that cover the data,
 * and the linear map from data values to pixels.
 *
 * @example
 * const axis = niceAxis(0.13, 2.9);        // { lo: 0, hi: 3, step: 0.5, ticks: [0, 0.5, ..., 3] }
 * const px = linearScale([axis.lo, axis.hi], [300, 20]); px(1.5) === 160;
 */

export interface Axis {
  readonly lo: number;
  readonly hi: number;
  readonly step: number;
  readonly ticks: readonly number[];
}

/** A tick step of 1, 2 or 5 × 10^k near `span / target`. */
export function niceStep(span: number, target = 5): number {
  const raw = span / Math.max(1, target);
  const pow = 10 ** Math.floor(Math.log10(raw));
  const f = raw / pow;
  // thresholds at the geometric midpoints (√2, √10, √50), so the tick count stays near the target
  return (f < Math.SQRT2 ? 1 : f < Math.sqrt(10) ? 2 : f < Math.sqrt(50) ? 5 : 10) * pow;
}

/**
 * The axis from the data's extent widened to whole tick steps. A flat extent
 * (one value) is widened around the value so that it sits mid-axis.
 * `integer` keeps the step at 1 or more (steps, epochs).
 */
export function niceAxis(min: number, max: number, target = 5, integer = false): Axis {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return niceAxis(0, 1, target, integer);
  if (max < min) [min, max] = [max, min];
  if (max === min) {
    const pad = integer ? 1 : min === 0 ? 1 : Math.abs(min) * 0.1;
    return niceAxis(min - pad, max + pad, target, integer);
  }
  const step = integer ? Math.max(1, niceStep(max - min, target)) : niceStep(max - min, target);
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  const n = Math.round((hi - lo) / step);
  // ticks from integer multiples, so 0.1 + 0.2 never prints as 0.30000000000000004
  for (let i = 0; i <= n; i++) ticks.push(Number((lo + i * step).toPrecision(12)));
  return { lo: ticks[0]!, hi: ticks[n]!, step, ticks };
}

/** The smallest and largest of the values (a loop: spreading 10⁵ logged steps into Math.min overflows the stack). */
export function extent(values: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** Maps [d0, d1] onto [r0, r1] linearly (r1 < r0 is fine: SVG's y grows downwards). */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}
