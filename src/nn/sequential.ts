/**
 * Sequential: modules applied one after another; children named 0, 1, 2, …
 * so parameters read `0.weight`, `2.bias`, as in PyTorch.
 */
import type { Tensor } from '../tensor/tensor.js';
import { ArgumentError } from '../util/errors.js';
import { Module } from './module.js';

/** A module whose forward maps one tensor to one tensor. */
export interface UnaryModule extends Module {
  forward(x: Tensor): Tensor;
}

/**
 * `nn.Sequential`.
 *
 * @example
 * const mlp = new Sequential(new Linear(784, 256, { rng }), new ReLU(), new Linear(256, 10, { rng, role: 'head' }));
 * mlp.forward(x); // [B, 784] -> [B, 10]
 * mlp.namedParameters().map(([n]) => n); // ['0.weight', '0.bias', '2.weight', '2.bias']
 */
export class Sequential extends Module {
  readonly layers: readonly UnaryModule[];

  constructor(...layers: UnaryModule[]) {
    super();
    layers.forEach((m, i) => this.registerModule(String(i), m));
    this.layers = layers;
  }

  get length(): number {
    return this.layers.length;
  }

  /** The i-th layer. */
  at(i: number): UnaryModule {
    const m = this.layers[i];
    if (m === undefined) throw new ArgumentError(`Sequential.at: index ${i} is outside 0..${this.layers.length - 1}`);
    return m;
  }

  forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this.layers) y = m.forward(y);
    return y;
  }
}
