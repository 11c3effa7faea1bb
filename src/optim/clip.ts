/**
 * Gradient clipping by global norm (Pascanu et al. 2013, arXiv:1211.5063).
 */
import type { Tensor } from '../tensor/tensor.js';
import { ArgumentError } from '../util/errors.js';
import type { NamedParameters } from './optimizer.js';

/**
 * Scales every gradient by maxNorm/(norm + 1e-6) when the L2 norm of all
 * gradients together exceeds maxNorm, as PyTorch's clip_grad_norm_. Returns
 * the norm before clipping; a NaN or infinite norm is returned without
 * touching the gradients, for the caller's NaN guard to act on.
 *
 * @example
 * const norm = clipGradNorm(model, 1.0);
 * if (!Number.isFinite(norm)) throw new Error('gradients blew up');
 */
export function clipGradNorm(params: NamedParameters | Iterable<Tensor>, maxNorm: number): number {
  if (!(maxNorm > 0)) throw new ArgumentError(`clipGradNorm: maxNorm ${maxNorm} must be positive`);
  const tensors = 'namedParameters' in params ? params.namedParameters().map(([, p]) => p) : [...params];
  const grads = tensors.flatMap((p) => (p.grad === null ? [] : [p.grad.data]));
  let sq = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) sq += g[i]! * g[i]!;
  const norm = Math.sqrt(sq);
  if (!Number.isFinite(norm)) return norm;
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) for (const g of grads) for (let i = 0; i < g.length; i++) g[i] = g[i]! * coef;
  return norm;
}
