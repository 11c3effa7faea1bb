/**
 * Layer normalisation over the last axis (Ba, Kiros & Hinton 2016, arXiv:1607.06450).
 * Shapes: x: [..., C] (R rows of C), weight, bias: [C].
 */
import { record } from '../autograd/function.js';
import { layerNormBackward, layerNormForward } from '../kernels/index.js';
import { Tensor } from '../tensor/tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../util/errors.js';
import { allocOverwritten, allocZeroed } from '../tensor/buffer-pool.js';

const none = new Float32Array(0);

/**
 * (x − mean)/sqrt(var + eps)·weight + bias over the last axis, with the
 * biased variance, as `F.layer_norm(x, [C], weight, bias, eps)`.
 * A null weight or bias leaves that part out.
 *
 * @example
 * const y = layerNorm(x, gamma, beta); // x: [B, T, C], gamma, beta: [C]
 */
export function layerNorm(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps = 1e-5): Tensor {
  if (x.ndim < 1) throw new ShapeError(`layerNorm: input must have at least one dimension, got ${fmtShape(x.shape)}`);
  const c = x.shape[x.ndim - 1]!;
  for (const [name, p] of [['weight', weight], ['bias', bias]] as const) {
    if (p !== null && (p.ndim !== 1 || p.shape[0] !== c)) {
      throw new ShapeError(`layerNorm: ${name} ${fmtShape(p.shape)} must be [${c}], the last dimension of input ${fmtShape(x.shape)}`);
    }
  }
  if (!(eps >= 0)) throw new ArgumentError(`layerNorm: eps ${eps} must be non-negative`);
  const rows = c === 0 ? 0 : x.size / c;
  const y = allocOverwritten(x.size);
  const mean = allocZeroed(rows);
  const rstd = allocZeroed(rows);
  layerNormForward(rows, c, eps, x.data, weight?.data ?? none, bias?.data ?? none, y, mean, rstd);
  const inputs = [x, ...(weight === null ? [] : [weight]), ...(bias === null ? [] : [bias])];
  return record('layerNorm', new Tensor(y, x.shape), inputs, (g) => {
    const dx = allocOverwritten(x.size);
    const dw = weight?.requiresGrad ? allocZeroed(c) : none;
    const db = bias?.requiresGrad ? allocZeroed(c) : none;
    layerNormBackward(rows, c, x.data, weight?.data ?? none, mean, rstd, g.data, dx, dw, db);
    const grads: Array<Tensor | null> = [new Tensor(dx, x.shape)];
    if (weight !== null) grads.push(dw.length > 0 ? new Tensor(dw, weight.shape) : null);
    if (bias !== null) grads.push(db.length > 0 ? new Tensor(db, bias.shape) : null);
    return grads;
  });
}
