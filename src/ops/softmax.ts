/**
 * Softmax and log-softmax along one axis. The kernels work on rows of the
 * last axis; another axis is first moved last by a copy and moved back after.
 * Shapes: x: [outer, C, inner] around the chosen axis of length C.
 */
import { record } from '../autograd/function.js';
import { softmaxRows, softmaxRowsBackward } from '../kernels/index.js';
import { Tensor } from '../tensor/tensor.js';
import { normAxis } from '../util/shape.js';
import { allocOverwritten, allocZeroed } from '../tensor/buffer-pool.js';

/**
 * exp(x) / Σ exp(x) along `axis` (max-subtracted, so large values are safe).
 *
 * @example
 * softmax(tensor([[0, Math.log(3)]])).toArray(); // [0.25, 0.75]
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  return softmaxAlong(x, axis, false, 'softmax');
}

/**
 * x − log Σ exp(x) along `axis`; more accurate than log(softmax(x)).
 *
 * @example
 * logSoftmax(logits); // [B, V] -> [B, V], each row's exp sums to 1
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return softmaxAlong(x, axis, true, 'logSoftmax');
}

function softmaxAlong(x: Tensor, axis: number, log: boolean, op: string): Tensor {
  const a = normAxis(axis, x.ndim, op);
  const c = x.shape[a]!;
  const inner = x.shape.slice(a + 1).reduce((p, d) => p * d, 1);
  const outer = c * inner === 0 ? 0 : x.size / (c * inner);
  const rows = outer * inner;
  const xr = moveToEnd(x.data, outer, c, inner);
  const yr = allocOverwritten(x.size);
  softmaxRows(rows, c, log, xr, yr);
  const y = new Tensor(moveFromEnd(yr, outer, c, inner), x.shape);
  return record(op, y, [x], (g) => {
    const dx = allocOverwritten(x.size);
    softmaxRowsBackward(rows, c, log, yr, moveToEnd(g.data, outer, c, inner), dx);
    return [new Tensor(moveFromEnd(dx, outer, c, inner), x.shape)];
  });
}

// [outer, C, inner] -> [outer, inner, C]; no copy when inner is 1.
function moveToEnd(d: Float32Array, outer: number, c: number, inner: number): Float32Array {
  if (inner === 1) return d;
  const out = allocZeroed(d.length);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < c; j++) for (let i = 0; i < inner; i++) out[(o * inner + i) * c + j] = d[(o * c + j) * inner + i]!;
  }
  return out;
}

// [outer, inner, C] -> [outer, C, inner]; no copy when inner is 1.
function moveFromEnd(d: Float32Array, outer: number, c: number, inner: number): Float32Array {
  if (inner === 1) return d;
  const out = allocZeroed(d.length);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < c; j++) for (let i = 0; i < inner; i++) out[(o * c + j) * inner + i] = d[(o * inner + i) * c + j]!;
  }
  return out;
}
