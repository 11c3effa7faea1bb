/**
 * Linear layer, y = x·Wᵀ + b, with its weight read through the
 * effective-weight hook. Shapes: x: [..., K] -> y: [..., O]; weight [O, K], bias [O].
 */
import { linear } from '../ops/linear.js';
import { zeros } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { ArgumentError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { kaimingUniform, uniform } from './init.js';
import { Module } from './module.js';
import type { Parameter, ParamRole } from './parameter.js';

export interface LinearOptions {
  /** Draws the initial weights. */
  readonly rng: Rng;
  /** Add a learned bias (default true). */
  readonly bias?: boolean;
  /** Role of the weight, which sparsity plans select by (default 'ff'; a classifier is 'head'). */
  readonly role?: ParamRole;
}

/**
 * Replaces the whole product when a weight transform is not enough (for
 * example bi-directional masks, whose backward uses another weight). It
 * receives the effective weight.
 */
export type LinearForward = (x: Tensor, weight: Tensor, bias: Tensor | null) => Tensor;

/**
 * `nn.Linear`. Initialised as PyTorch does: weight Kaiming-uniform with
 * a = √5 (bound 1/√K), bias uniform in ±1/√K.
 *
 * @example
 * const fc = new Linear(784, 256, { rng: new Rng(0) });
 * const y = fc.forward(x); // x: [B, 784] -> [B, 256]
 * fc.setWeightTransform('weight', (w) => steWeight(w, mask));
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  #override: LinearForward | null = null;

  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions) {
    super();
    checkSize(inFeatures, 'inFeatures');
    checkSize(outFeatures, 'outFeatures');
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = this.registerParameter('weight', zeros([outFeatures, inFeatures]), { role: opts.role ?? 'ff', transformable: true });
    kaimingUniform(this.weight, opts.rng, { a: Math.sqrt(5) });
    if (opts.bias ?? true) {
      const bound = 1 / Math.sqrt(inFeatures);
      this.bias = this.registerParameter('bias', uniform(zeros([outFeatures]), opts.rng, -bound, bound), { role: 'bias' });
    } else {
      this.bias = null;
    }
  }

  forward(x: Tensor): Tensor {
    const w = this.effectiveParameter('weight');
    return this.#override === null ? linear(x, w, this.bias) : this.#override(x, w, this.bias);
  }

  /** Installs (or with null removes) a replacement for the product. */
  setForwardOverride(fn: LinearForward | null): void {
    this.#override = fn;
  }
}

function checkSize(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 1) throw new ArgumentError(`Linear: ${what} ${n} must be a positive integer`);
}
