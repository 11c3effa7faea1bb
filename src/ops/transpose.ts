import type { Tensor } from '../tensor/tensor.js';
import { normAxis } from '../util/shape.js';
import { permute } from './permute.js';

/**
 * Swaps two axes (by default the last two), copied to a contiguous tensor.
 * d/dx = g with the same axes swapped back.
 *
 * @example
 * transpose(tensor([[1, 2, 3], [4, 5, 6]])).toArray(); // [1, 4, 2, 5, 3, 6], shape [3, 2]
 * transpose(zeros([2, 3, 4]), 0, 2).shape;             // [4, 3, 2]
 */
export function transpose(x: Tensor, dim0 = -2, dim1 = -1): Tensor {
  const a = normAxis(dim0, x.ndim, 'transpose');
  const b = normAxis(dim1, x.ndim, 'transpose');
  const perm = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return permute(x, perm);
}
