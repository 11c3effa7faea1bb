/**
 * Parameter: a leaf Tensor that requires gradients and carries a role, the
 * tag sparsity plans select weights by.
 */
import { Tensor } from '../tensor/tensor.js';

/**
 * What a parameter does in its model. `ff` feed-forward weights, `q`/`k`/`v`
 * attention projections, `proj` the attention output projection, `conv`
 * convolution kernels, `embed` embedding tables, `head` the classifier or
 * language-model head, `norm` normalisation scales, `bias` every bias and
 * shift, `other` anything else (class tokens, position tables).
 */
export type ParamRole = 'ff' | 'q' | 'k' | 'v' | 'proj' | 'conv' | 'embed' | 'head' | 'norm' | 'bias' | 'other';

/**
 * A trainable tensor. Optimizers and loadStateDict write its `data` in
 * place, so a Parameter keeps its identity for the life of its module.
 *
 * @example
 * const w = new Parameter(new Float32Array(6), [2, 3], 'ff');
 * w.requiresGrad; // true
 * w.role = 'head'; // a model may re-tag a layer's weight
 */
export class Parameter extends Tensor {
  role: ParamRole;

  constructor(data: Float32Array, shape: readonly number[], role: ParamRole = 'other') {
    super(data, shape);
    this.requiresGrad = true;
    this.role = role;
  }

  /** A parameter holding a copy of t's values. */
  static from(t: Tensor, role: ParamRole = 'other'): Parameter {
    return new Parameter(new Float32Array(t.data), t.shape, role);
  }
}
