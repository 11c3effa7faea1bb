/**
 * Matrix product with batch broadcasting and transpose flags.
 * a: [..., M, K] ([..., K, M] when transA), b: [..., K, N] ([..., N, K] when
 * transB) -> [...batch, M, N]. Transposes are read in place, never copied.
 */
import { record } from '../autograd/function.js';
import { gemm } from '../kernels/index.js';
import { Tensor } from '../tensor/tensor.js';
import { ShapeError, fmtShape } from '../util/errors.js';
import { broadcastShapes, sameShape, sizeOf } from '../util/shape.js';
import { expandTo, sumToShape } from './broadcast.js';
import { allocZeroed } from '../tensor/buffer-pool.js';

export interface MatmulOptions {
  readonly transA?: boolean;
  readonly transB?: boolean;
}

/**
 * @example
 * matmul(x, w, { transB: true }); // x: [B, K], w: [O, K] -> [B, O]
 */
export function matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  const transA = opts.transA ?? false;
  const transB = opts.transB ?? false;
  const out = gemmTensors(a, b, transA, transB, 'matmul');
  return record('matmul', out, [a, b], (g) => {
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    if (a.requiresGrad) {
      ga = transA ? gemmTensors(b, g, transB, true, 'matmul backward') : gemmTensors(g, b, false, !transB, 'matmul backward');
      ga = sumToShape(ga, a.shape);
    }
    if (b.requiresGrad) {
      gb = transB ? gemmTensors(g, a, true, transA, 'matmul backward') : gemmTensors(a, g, !transA, false, 'matmul backward');
      gb = sumToShape(gb, b.shape);
    }
    return [ga, gb];
  });
}

/** The forward product as plain values (no tape), times `alpha`; batch dimensions broadcast. */
export function gemmTensors(a: Tensor, b: Tensor, transA: boolean, transB: boolean, op: string, alpha = 1): Tensor {
  if (a.ndim < 2 || b.ndim < 2) {
    throw new ShapeError(`${op}: both inputs need at least 2 dimensions, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const m = transA ? ac : ar;
  const k = transA ? ar : ac;
  const kb = transB ? bc : br;
  const n = transB ? br : bc;
  if (k !== kb) {
    const flags = `${transA ? ', transA' : ''}${transB ? ', transB' : ''}`;
    throw new ShapeError(`${op}: inner dimensions differ: ${fmtShape(a.shape)} × ${fmtShape(b.shape)}${flags} (${k} vs ${kb})`);
  }
  const batchShape = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), op);
  const batch = sizeOf(batchShape);
  const [aData, strideA] = batchOperand(a, batchShape);
  const [bData, strideB] = batchOperand(b, batchShape);
  const out = allocZeroed(batch * m * n);
  gemm(batch, transA, transB, m, n, k, alpha, aData, strideA, ac, bData, strideB, bc, 0, out, m * n, n);
  return new Tensor(out, [...batchShape, m, n]);
}

// A matrix stack laid out for a batched call: stride 0 repeats a single matrix.
function batchOperand(t: Tensor, batchShape: readonly number[]): [Float32Array, number] {
  const matShape = t.shape.slice(-2);
  const own = t.shape.slice(0, -2);
  const matSize = sizeOf(matShape);
  if (sizeOf(own) === 1 && sizeOf(batchShape) !== 1) return [t.data, 0];
  if (sameShape(own, batchShape) || sizeOf(own) === sizeOf(batchShape)) return [t.data, matSize];
  return [expandTo(t, [...batchShape, ...matShape]).data, matSize];
}
