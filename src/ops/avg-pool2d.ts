/**
 * 2-D average pooling. Shapes: x: [B, C, H, W] -> [B, C, OH, OW], with
 * OH = floor((H + 2·pad − kernel)/stride) + 1 (and likewise OW).
 */
import { record } from '../autograd/function.js';
import { avgPool2dBackward, avgPool2dForward } from '../kernels/index.js';
import { Tensor } from '../tensor/tensor.js';
import { poolGeometry, type PoolOptions } from './window.js';
import { allocZeroed } from '../tensor/buffer-pool.js';

export interface AvgPoolOptions extends PoolOptions {
  /** Divide by the whole window, zero padding included (true, PyTorch's default), or by the values inside the input only. */
  readonly countIncludePad?: boolean;
}

/**
 * `F.avg_pool2d(x, kernel, stride = kernel, padding, count_include_pad)`.
 *
 * @example
 * avgPool2d(x, { kernel: 2 }); // [8, 16, 28, 28] -> [8, 16, 14, 14]
 */
export function avgPool2d(x: Tensor, opts: AvgPoolOptions): Tensor {
  const gm = poolGeometry(x, opts, 'avgPool2d');
  const { planes, h, w, kh, kw, sh, sw, ph, pw, oh, ow } = gm;
  const include = opts.countIncludePad ?? true;
  const y = allocZeroed(planes * oh * ow);
  avgPool2dForward(planes, h, w, kh, kw, sh, sw, ph, pw, oh, ow, include, x.data, y);
  return record('avgPool2d', new Tensor(y, gm.outShape), [x], (g) => {
    const dx = allocZeroed(x.size);
    avgPool2dBackward(planes, h, w, kh, kw, sh, sw, ph, pw, oh, ow, include, g.data, dx);
    return [new Tensor(dx, x.shape)];
  });
}
