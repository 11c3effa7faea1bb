/**
 * 2-D max pooling. Shapes: x: [B, C, H, W] -> [B, C, OH, OW], with
 * OH = floor((H + 2·pad − kernel)/stride) + 1 (and likewise OW).
 */
import { record } from '../autograd/function.js';
import { maxPool2dBackward, maxPool2dForward } from '../kernels/index.js';
import { Tensor } from '../tensor/tensor.js';
import { poolGeometry, type PoolOptions } from './window.js';
import { allocZeroed } from '../tensor/buffer-pool.js';

/**
 * `F.max_pool2d(x, kernel, stride = kernel, padding)`; padding counts as −∞
 * and may be at most half the kernel, as in PyTorch.
 *
 * @example
 * maxPool2d(x, { kernel: 2 }); // [8, 16, 28, 28] -> [8, 16, 14, 14]
 */
export function maxPool2d(x: Tensor, opts: PoolOptions): Tensor {
  const gm = poolGeometry(x, opts, 'maxPool2d');
  const { planes, h, w, kh, kw, sh, sw, ph, pw, oh, ow } = gm;
  const y = allocZeroed(planes * oh * ow);
  const argmax = new Int32Array(planes * oh * ow);
  maxPool2dForward(planes, h, w, kh, kw, sh, sw, ph, pw, oh, ow, x.data, y, argmax);
  return record('maxPool2d', new Tensor(y, gm.outShape), [x], (g) => {
    const dx = allocZeroed(x.size);
    maxPool2dBackward(planes, h, w, oh, ow, argmax, g.data, dx);
    return [new Tensor(dx, x.shape)];
  });
}
