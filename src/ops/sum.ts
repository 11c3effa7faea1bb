import { record } from '../autograd/function.js';
import { Tensor } from '../tensor/tensor.js';
import { normAxis } from '../util/shape.js';
import { expandTo, sumToShape } from './broadcast.js';

export interface ReduceOptions {
  /** Axes to reduce (negative counts from the end); all axes when omitted. */
  readonly axis?: number | readonly number[];
  /** Keep reduced axes as size 1. */
  readonly keepDims?: boolean;
}

/** Reduced shape with size-1 axes kept, and the final shape. */
export function reducedShapes(shape: readonly number[], opts: ReduceOptions, op: string): { kept: number[]; out: number[] } {
  const axes = opts.axis === undefined ? shape.map((_, i) => i) : (typeof opts.axis === 'number' ? [opts.axis] : opts.axis).map((a) => normAxis(a, shape.length, op));
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = opts.keepDims ? kept : shape.filter((_, i) => !axes.includes(i));
  return { kept, out };
}

/**
 * Sum over axes. d/dx = g broadcast back to x's shape.
 *
 * @example
 * sum(x);                          // scalar
 * sum(x, { axis: -1, keepDims: true });
 */
export function sum(x: Tensor, opts: ReduceOptions = {}): Tensor {
  const { kept, out } = reducedShapes(x.shape, opts, 'sum');
  const reduced = sumToShape(x, kept);
  return record('sum', new Tensor(reduced.data, out), [x], (g) => [expandTo(new Tensor(g.data, kept), x.shape)]);
}
