/**
 * Creating tensors.
 *
 * @example
 * tensor([[1, 2], [3, 4]]);          // shape [2, 2]
 * zeros([3, 4]); ones([2]); full([2, 2], 0.5);
 * randn([64, 32], new Rng(0), 0.02);
 */
import { ArgumentError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { sizeOf } from '../util/shape.js';
import { Tensor } from './tensor.js';

export type NestedArray = number | readonly NestedArray[];

/** A tensor from nested arrays, or from flat values with a shape. */
export function tensor(values: NestedArray | Float32Array | readonly number[], shape?: readonly number[]): Tensor {
  if (shape !== undefined) {
    const data = values instanceof Float32Array ? values : Float32Array.from(flatten(values as NestedArray));
    return new Tensor(data, shape);
  }
  if (values instanceof Float32Array) return new Tensor(values, [values.length]);
  const inferred = inferShape(values as NestedArray);
  return new Tensor(Float32Array.from(flatten(values as NestedArray)), inferred);
}

export function zeros(shape: readonly number[]): Tensor {
  return new Tensor(new Float32Array(sizeOf(shape)), shape);
}

export function ones(shape: readonly number[]): Tensor {
  return full(shape, 1);
}

export function full(shape: readonly number[], value: number): Tensor {
  return new Tensor(new Float32Array(sizeOf(shape)).fill(value), shape);
}

/** A scalar (shape []). */
export function scalar(value: number): Tensor {
  return new Tensor(Float32Array.of(value), []);
}

/** Values start, start+step, … below end. */
export function arange(start: number, end?: number, step = 1): Tensor {
  if (end === undefined) {
    end = start;
    start = 0;
  }
  if (step === 0) throw new ArgumentError('arange: step must not be 0');
  const n = Math.max(0, Math.ceil((end - start) / step));
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return new Tensor(data, [n]);
}

/** Normal draws with the given mean and standard deviation. */
export function randn(shape: readonly number[], rng: Rng, std = 1, mean = 0): Tensor {
  const t = zeros(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal(mean, std);
  return t;
}

/** Uniform draws in [lo, hi). */
export function rand(shape: readonly number[], rng: Rng, lo = 0, hi = 1): Tensor {
  const t = zeros(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.uniform(lo, hi);
  return t;
}

/** Same shape as t, filled with value. */
export function fullLike(t: Tensor, value: number): Tensor {
  return full(t.shape, value);
}

function inferShape(v: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0] as NestedArray;
  }
  return shape;
}

function flatten(v: NestedArray): number[] {
  if (typeof v === 'number') return [v];
  const out: number[] = [];
  const walk = (x: NestedArray, depth: number, expected: number[]): void => {
    if (typeof x === 'number') {
      if (depth !== expected.length) throw new ArgumentError('tensor(): ragged nested array (rows of different lengths)');
      out.push(x);
      return;
    }
    if (x.length !== expected[depth]) throw new ArgumentError('tensor(): ragged nested array (rows of different lengths)');
    for (const y of x) walk(y, depth + 1, expected);
  };
  walk(v, 0, inferShape(v));
  return out;
}
