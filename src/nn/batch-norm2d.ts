/**
 * Batch normalisation of image channels (Ioffe & Szegedy 2015, arXiv:1502.03167).
 * Shapes: x: [B, C, H, W] -> same; weight, bias, running statistics: [C].
 */
import { batchNorm2d } from '../ops/batch-norm.js';
import { ones, zeros } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { ArgumentError } from '../util/errors.js';
import { Module } from './module.js';
import type { Parameter } from './parameter.js';

export interface BatchNorm2dOptions {
  /** Added to the variance (default 1e-5). */
  readonly eps?: number;
  /** running ← (1 − momentum)·running + momentum·batch (default 0.1). */
  readonly momentum?: number;
  /** Learned per-channel scale and shift (default true). */
  readonly affine?: boolean;
  /** Keep running statistics for evaluation (default true); without them batch statistics are used always. */
  readonly trackRunningStats?: boolean;
}

/**
 * `nn.BatchNorm2d`. Batch statistics in training mode (the running ones are
 * updated in place), running statistics in eval mode. State-dict keys follow
 * PyTorch: `weight`, `bias`, `running_mean`, `running_var`.
 *
 * @example
 * const bn = new BatchNorm2d(16);
 * bn.forward(x);        // training: normalise with this batch's statistics
 * bn.eval().forward(x); // evaluation: with the running ones
 */
export class BatchNorm2d extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number;
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;

  constructor(numFeatures: number, opts: BatchNorm2dOptions = {}) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new ArgumentError(`BatchNorm2d: numFeatures ${numFeatures} must be a positive integer`);
    this.numFeatures = numFeatures;
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum ?? 0.1;
    const affine = opts.affine ?? true;
    this.weight = affine ? this.registerParameter('weight', ones([numFeatures]), { role: 'norm' }) : null;
    this.bias = affine ? this.registerParameter('bias', zeros([numFeatures]), { role: 'bias' }) : null;
    const track = opts.trackRunningStats ?? true;
    this.runningMean = track ? this.registerBuffer('running_mean', zeros([numFeatures])) : null;
    this.runningVar = track ? this.registerBuffer('running_var', ones([numFeatures])) : null;
  }

  forward(x: Tensor): Tensor {
    return batchNorm2d(x, this.runningMean, this.runningVar, this.weight, this.bias, {
      training: this.training,
      momentum: this.momentum,
      eps: this.eps,
    });
  }
}
