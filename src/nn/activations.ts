/**
 * Activation functions as modules (no parameters), for Sequential and MLP,
 * and a factory from names used in configs.
 */
import { gelu } from '../ops/gelu.js';
import { relu } from '../ops/relu.js';
import { sigmoid } from '../ops/sigmoid.js';
import { silu } from '../ops/silu.js';
import { tanh } from '../ops/tanh.js';
import type { Tensor } from '../tensor/tensor.js';
import { ArgumentError } from '../util/errors.js';
import { Module } from './module.js';
import type { UnaryModule } from './sequential.js';

/**
 * max(x, 0).
 *
 * @example
 * new ReLU().forward(tensor([-1, 2])).toArray(); // [0, 2]
 */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/**
 * Gaussian error linear unit (Hendrycks & Gimpel 2016, arXiv:1606.08415);
 * exact by default, or the tanh approximation of GPT-2.
 *
 * @example
 * new GELU('tanh').forward(x);
 */
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';

  constructor(approximate: 'none' | 'tanh' = 'none') {
    super();
    this.approximate = approximate;
  }

  forward(x: Tensor): Tensor {
    return gelu(x, { approximate: this.approximate });
  }
}

/**
 * x·sigmoid(x) (Elfwing et al. 2018, arXiv:1702.03118).
 *
 * @example
 * new SiLU().forward(x);
 */
export class SiLU extends Module {
  forward(x: Tensor): Tensor {
    return silu(x);
  }
}

/**
 * 1/(1 + e^−x).
 *
 * @example
 * new Sigmoid().forward(tensor([0])).toArray(); // [0.5]
 */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/**
 * tanh(x).
 *
 * @example
 * new Tanh().forward(x);
 */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/**
 * Returns its input unchanged (a placeholder where a config turns a layer off).
 *
 * @example
 * const norm = cfg.norm ? new LayerNorm(c) : new Identity();
 */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

/** Activation names accepted by configs. */
export const ACTIVATIONS = ['relu', 'gelu', 'geluTanh', 'silu', 'sigmoid', 'tanh', 'identity'] as const;

export type ActivationName = (typeof ACTIVATIONS)[number];

/**
 * The activation module of a name.
 *
 * @example
 * activation('geluTanh').forward(x); // gelu with the tanh approximation
 */
export function activation(name: ActivationName): UnaryModule {
  switch (name) {
    case 'relu':
      return new ReLU();
    case 'gelu':
      return new GELU();
    case 'geluTanh':
      return new GELU('tanh');
    case 'silu':
      return new SiLU();
    case 'sigmoid':
      return new Sigmoid();
    case 'tanh':
      return new Tanh();
    case 'identity':
      return new Identity();
    default:
      throw new ArgumentError(`activation: unknown name '${String(name)}' (use ${ACTIVATIONS.join(', ')})`);
  }
}
