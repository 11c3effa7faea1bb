/**
 * Batch normalisation of images per channel (Ioffe & Szegedy 2015, arXiv:1502.03167).
 * Shapes: x: [B, C, H, W]; runningMean, runningVar, weight, bias: [C];
 * statistics run over the B·H·W values of each channel.
 */
import { record } from '../autograd/function.js';
import { batchNormBackward, batchNormForward, channelMoments } from '../kernels/index.js';
import { Tensor } from '../tensor/tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../util/errors.js';
import { allocZeroed } from '../tensor/buffer-pool.js';

const none = new Float32Array(0);

export interface BatchNormOptions {
  /** Normalise with this batch's statistics and update the running ones (true), or use the running ones (false). */
  readonly training: boolean;
  /** running ← (1 − momentum)·running + momentum·batch (default 0.1). */
  readonly momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  readonly eps?: number;
}

/**
 * `F.batch_norm` for [B, C, H, W]. In training it normalises with the batch
 * mean and biased variance and updates runningMean / runningVar in place
 * (the variance stored is the unbiased one, as PyTorch does); in evaluation
 * it normalises with the running statistics. Null running statistics mean
 * batch statistics always, null weight / bias leave the affine part out.
 *
 * @example
 * const y = batchNorm2d(x, rm, rv, gamma, beta, { training: true }); // x: [8, 16, 14, 14]
 */
export function batchNorm2d(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null,
  bias: Tensor | null,
  opts: BatchNormOptions,
): Tensor {
  const momentum = opts.momentum ?? 0.1;
  const eps = opts.eps ?? 1e-5;
  if (x.ndim !== 4) throw new ShapeError(`batchNorm2d: input must be [B, C, H, W], got ${fmtShape(x.shape)}`);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const s = h * w;
  const params = [['runningMean', runningMean], ['runningVar', runningVar], ['weight', weight], ['bias', bias]] as const;
  for (const [name, p] of params) {
    if (p !== null && (p.ndim !== 1 || p.shape[0] !== c)) {
      throw new ShapeError(`batchNorm2d: ${name} ${fmtShape(p.shape)} must be [${c}], the channels of input ${fmtShape(x.shape)}`);
    }
  }
  if ((runningMean === null) !== (runningVar === null)) {
    throw new ArgumentError('batchNorm2d: pass both runningMean and runningVar, or neither');
  }
  if (!(momentum >= 0 && momentum <= 1)) throw new ArgumentError(`batchNorm2d: momentum ${momentum} must be in [0, 1]`);
  if (!(eps >= 0)) throw new ArgumentError(`batchNorm2d: eps ${eps} must be non-negative`);
  const batchStats = opts.training || runningMean === null;
  const count = n * s;
  const mean = allocZeroed(c);
  const variance = allocZeroed(c);
  if (batchStats) {
    if (opts.training && count < 2) {
      throw new ArgumentError(`batchNorm2d: training needs more than one value per channel, input ${fmtShape(x.shape)} has ${count}`);
    }
    channelMoments(n, c, s, x.data, mean, variance);
    if (opts.training && runningMean !== null && runningVar !== null) {
      const unbias = count / (count - 1);
      for (let ch = 0; ch < c; ch++) {
        runningMean.data[ch] = (1 - momentum) * runningMean.data[ch]! + momentum * mean[ch]!;
        runningVar.data[ch] = (1 - momentum) * runningVar.data[ch]! + momentum * variance[ch]! * unbias;
      }
    }
  } else {
    mean.set(runningMean!.data);
    variance.set(runningVar!.data);
  }
  const rstd = variance.map((v) => 1 / Math.sqrt(v + eps));
  const y = allocZeroed(x.size);
  batchNormForward(n, c, s, x.data, mean, rstd, weight?.data ?? none, bias?.data ?? none, y);
  const inputs = [x, ...(weight === null ? [] : [weight]), ...(bias === null ? [] : [bias])];
  return record('batchNorm2d', new Tensor(y, x.shape), inputs, (g) => {
    const dx = allocZeroed(x.size);
    const dw = weight?.requiresGrad ? allocZeroed(c) : none;
    const db = bias?.requiresGrad ? allocZeroed(c) : none;
    batchNormBackward(n, c, s, batchStats, x.data, mean, rstd, weight?.data ?? none, g.data, dx, dw, db);
    const grads: Array<Tensor | null> = [new Tensor(dx, x.shape)];
    if (weight !== null) grads.push(dw.length > 0 ? new Tensor(dw, weight.shape) : null);
    if (bias !== null) grads.push(db.length > 0 ? new Tensor(db, bias.shape) : null);
    return grads;
  });
}
