/**
 * Unstructured magnitude mask: keep the largest |w| of the whole tensor.
 *
 * @example
 * magnitudeMask(tensor([0.1, -3, 2, 0.5]), { sparsity: 0.5 }).toArray(); // [0, 1, 1, 0]
 */
import { Tensor } from '../../tensor/tensor.js';
import { ArgumentError } from '../../util/errors.js';

export interface MagnitudeMaskOptions {
  /** Fraction of weights set to zero, in [0, 1]. */
  readonly sparsity: number;
  /** The parameter's qualified name, for error messages. */
  readonly name?: string;
}

/**
 * 0/1 mask keeping round((1 − sparsity)·size) weights of largest magnitude;
 * ties go to the lower flat index, NaN counts as smallest.
 */
export function magnitudeMask(weight: Tensor, opts: MagnitudeMaskOptions): Tensor {
  const s = opts.sparsity;
  if (!(s >= 0 && s <= 1)) {
    const where = opts.name === undefined ? 'magnitudeMask' : `magnitudeMask (${opts.name})`;
    throw new ArgumentError(`${where}: sparsity ${s} must lie in [0, 1] (the fraction of weights set to zero)`);
  }
  const size = weight.size;
  const keep = Math.round((1 - s) * size);
  const score = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const a = Math.abs(weight.data[i]!);
    score[i] = a === a ? a : -1;
  }
  const order = Array.from({ length: size }, (_, i) => i);
  order.sort((a, b) => score[b]! - score[a]! || a - b);
  const out = new Float32Array(size);
  for (let r = 0; r < keep; r++) out[order[r]!] = 1;
  return new Tensor(out, weight.shape);
}
