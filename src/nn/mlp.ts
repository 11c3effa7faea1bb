/**
 * Transformer feed-forward block: fc1, activation, fc2, both weights tagged
 * 'ff' for sparsity plans. Shapes: x: [..., C] -> [..., Hd] -> [..., Cout].
 */
import type { Tensor } from '../tensor/tensor.js';
import type { Rng } from '../util/rng.js';
import { activation, type ActivationName } from './activations.js';
import { Linear } from './linear.js';
import { Module } from './module.js';
import type { UnaryModule } from './sequential.js';

export interface MLPOptions {
  readonly rng: Rng;
  /** Width of the output (default: inFeatures). */
  readonly outFeatures?: number;
  /** A name or a module (default 'gelu', exact). */
  readonly activation?: ActivationName | UnaryModule;
  /** Biases on fc1 and fc2 (default true). */
  readonly bias?: boolean;
}

/**
 * `fc2(act(fc1(x)))`, named as timm's Mlp: `fc1.weight`, `fc2.weight`.
 *
 * @example
 * const mlp = new MLP(64, 256, { rng });
 * mlp.forward(x); // [B, T, 64] -> [B, T, 64]
 */
export class MLP extends Module {
  readonly fc1: Linear;
  readonly act: UnaryModule;
  readonly fc2: Linear;

  constructor(inFeatures: number, hiddenFeatures: number, opts: MLPOptions) {
    super();
    const bias = opts.bias ?? true;
    const act = opts.activation ?? 'gelu';
    this.fc1 = this.registerModule('fc1', new Linear(inFeatures, hiddenFeatures, { rng: opts.rng, bias, role: 'ff' }));
    this.act = this.registerModule('act', typeof act === 'string' ? activation(act) : act);
    this.fc2 = this.registerModule('fc2', new Linear(hiddenFeatures, opts.outFeatures ?? inFeatures, { rng: opts.rng, bias, role: 'ff' }));
  }

  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.act.forward(this.fc1.forward(x)));
  }
}
