import { record } from '../autograd/function.js';
import { Tensor } from '../tensor/tensor.js';
import { ShapeError, fmtShape } from '../util/errors.js';
import { sizeOf } from '../util/shape.js';

/**
 * Same values, new shape (shares memory). One dimension may be -1 (inferred).
 * d/dx = g reshaped back.
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const resolved = [...shape];
  const infer = resolved.indexOf(-1);
  if (infer >= 0) {
    const rest = sizeOf(resolved.filter((_, i) => i !== infer));
    if (rest === 0 || x.size % rest !== 0) throw new ShapeError(`reshape: cannot infer -1 in ${fmtShape(shape)} for ${x.size} elements of ${fmtShape(x.shape)}`);
    resolved[infer] = x.size / rest;
  }
  if (sizeOf(resolved) !== x.size) {
    throw new ShapeError(`reshape: ${fmtShape(x.shape)} (${x.size} elements) cannot become ${fmtShape(shape)} (${sizeOf(resolved)} elements)`);
  }
  return record('reshape', new Tensor(x.data, resolved), [x], (g) => [new Tensor(g.data, x.shape)]);
}
