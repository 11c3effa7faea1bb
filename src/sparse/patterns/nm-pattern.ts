/**
 * The N:M pattern: in every group of m consecutive weights along one
 * dimension, at most n are non-zero (N counts the kept ones, DESIGN.md).
 * Shapes: Linear [O, K] (O outputs, K inputs: the reduction), Conv2d
 * [O, I, kh, kw]. Groups run along the input dimension (K, or I at each kernel
 * position) by default, as sparse tensor cores expect; axis 'output' groups
 * along O instead.
 *
 * @example
 * const p: NMPattern = { n: 2, m: 4 };       // 2:4 along the input dimension
 * nmLayout([8, 16], p, 'fc1.weight');        // { outer: 8, dim: 16, inner: 1 }
 * formatNM(p);                                // '2:4'
 */
import { ArgumentError, fmtShape } from '../../util/errors.js';
import { sizeOf } from '../../util/shape.js';

/** Which weight dimension the groups of M run along. */
export type NMAxis = 'input' | 'output';

export interface NMPattern {
  /** Kept weights in each group. */
  readonly n: number;
  /** Group size. */
  readonly m: number;
  /** Grouped dimension; 'input' when absent. */
  readonly axis?: NMAxis;
}

/** A weight read as [outer, dim, inner], the groups of m running along dim (stride inner). */
export interface GroupLayout {
  readonly outer: number;
  readonly dim: number;
  readonly inner: number;
}

/** Checks 1 <= n <= m (integers); `where` names the layer or key for the message. */
export function checkNM(n: number, m: number, where = 'N:M pattern'): void {
  if (!Number.isInteger(n) || !Number.isInteger(m) || n < 1 || m < 1) {
    throw new ArgumentError(`${where}: N:M needs whole numbers N >= 1 and M >= 1, got ${n}:${m} (N kept in every group of M, e.g. 2:4)`);
  }
  if (n > m) {
    throw new ArgumentError(`${where}: N:M = ${n}:${m} keeps more than the group holds; N counts the kept weights, so use N <= M (did you mean ${m}:${n}?)`);
  }
}

/**
 * How a weight of this shape splits into groups of m, after checking the
 * pattern; throws an ArgumentError naming the layer when M does not divide the
 * grouped dimension.
 */
export function nmLayout(shape: readonly number[], pattern: NMPattern, where = 'nmMask'): GroupLayout {
  checkNM(pattern.n, pattern.m, where);
  const axis = pattern.axis ?? 'input';
  if (shape.length < 2) {
    throw new ArgumentError(`${where}: N:M applies to weights with at least 2 dimensions ([O, K] or [O, I, kh, kw]), got ${fmtShape(shape)}; leave biases and norms dense`);
  }
  const layout: GroupLayout =
    axis === 'input'
      ? { outer: shape[0]!, dim: shape[1]!, inner: sizeOf(shape.slice(2)) }
      : { outer: 1, dim: shape[0]!, inner: sizeOf(shape.slice(1)) };
  if (layout.dim % pattern.m !== 0) {
    const other = axis === 'input' ? 'output' : 'input';
    throw new ArgumentError(
      `${where}: M = ${pattern.m} does not divide the ${axis} dimension (${layout.dim}) of weight ${fmtShape(shape)}; ` +
        `choose an M that divides ${layout.dim}, group along axis '${other}', or leave this layer dense`,
    );
  }
  return layout;
}

/** '2:4' */
export function formatNM(p: NMPattern): string {
  return `${p.n}:${p.m}`;
}

/** The kept fraction n/m. */
export function nmDensity(p: NMPattern): number {
  return p.n / p.m;
}

/** True when two patterns keep the same n of the same m along the same axis. */
export function samePattern(a: NMPattern, b: NMPattern): boolean {
  return a.n === b.n && a.m === b.m && (a.axis ?? 'input') === (b.axis ?? 'input');
}
