import { record } from '../autograd/function.js';
import { Tensor } from '../tensor/tensor.js';
import { allocZeroed } from '../tensor/buffer-pool.js';

/** −x. d/dx = −g. */
export function neg(x: Tensor): Tensor {
  const out = allocZeroed(x.size);
  const d = x.data;
  for (let i = 0; i < out.length; i++) out[i] = -d[i]!;
  return record('neg', new Tensor(out, x.shape), [x], (g) => [neg(g)]);
}
