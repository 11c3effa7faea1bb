/**
 * Plumbing shared by the tensor-with-a-number ops (addScalar, mulScalar,
 * pow): forward through `scalarOp`, gradient through `scalarOpBackward`.
 */
import { record } from '../autograd/function.js';
import { scalarOp, scalarOpBackward, type ScalarOpCode } from '../kernels/index.js';
import { Tensor } from '../tensor/tensor.js';
import { ArgumentError } from '../util/errors.js';
import { allocOverwritten } from '../tensor/buffer-pool.js';

/** y = x ∘ s elementwise, recorded with its gradient rule. */
export function applyScalar(op: ScalarOpCode, name: string, x: Tensor, s: number): Tensor {
  if (typeof s !== 'number' || !Number.isFinite(s)) {
    throw new ArgumentError(`${name}: the number must be finite, got ${String(s)}`);
  }
  const y = allocOverwritten(x.size);
  scalarOp(op, x.data, s, y);
  return record(name, new Tensor(y, x.shape), [x], (g) => {
    const dx = allocOverwritten(x.size);
    scalarOpBackward(op, x.data, s, g.data, dx);
    return [new Tensor(dx, x.shape)];
  });
}
