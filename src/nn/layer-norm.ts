/**
 * Layer normalisation over the last axis (Ba, Kiros & Hinton 2016, arXiv:1607.06450).
 * Shapes: x: [..., C] -> same; weight, bias: [C].
 */
import { layerNorm } from '../ops/layer-norm.js';
import { ones, zeros } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { ArgumentError } from '../util/errors.js';
import { Module } from './module.js';
import type { Parameter } from './parameter.js';

export interface LayerNormOptions {
  /** Added to the variance (default 1e-5). */
  readonly eps?: number;
  /** Learned scale (and shift, unless bias is false); default true. */
  readonly elementwiseAffine?: boolean;
  /** Learned shift (default true; only with elementwiseAffine). */
  readonly bias?: boolean;
}

/**
 * `nn.LayerNorm(C)`: weight starts at ones, bias at zeros.
 *
 * @example
 * const ln = new LayerNorm(64);
 * ln.forward(x); // x: [B, T, 64]
 */
export class LayerNorm extends Module {
  readonly normalizedShape: number;
  readonly eps: number;
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;

  constructor(normalizedShape: number, opts: LayerNormOptions = {}) {
    super();
    if (!Number.isInteger(normalizedShape) || normalizedShape < 1) {
      throw new ArgumentError(`LayerNorm: normalizedShape ${normalizedShape} must be a positive integer (the size of the last axis)`);
    }
    this.normalizedShape = normalizedShape;
    this.eps = opts.eps ?? 1e-5;
    const affine = opts.elementwiseAffine ?? true;
    this.weight = affine ? this.registerParameter('weight', ones([normalizedShape]), { role: 'norm' }) : null;
    this.bias = affine && (opts.bias ?? true) ? this.registerParameter('bias', zeros([normalizedShape]), { role: 'bias' }) : null;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.weight, this.bias, this.eps);
  }
}
