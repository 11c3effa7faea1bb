/**
 * Dropout as a module: active in training mode, the identity in eval mode.
 */
import { dropout } from '../ops/dropout.js';
import type { Tensor } from '../tensor/tensor.js';
import { ArgumentError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { Module } from './module.js';

/**
 * `nn.Dropout(p)` (Srivastava et al. 2014) drawing its masks from the Rng
 * passed in, so a run with the same seed drops the same units; checkpoint
 * that Rng's state to resume exactly.
 *
 * @example
 * const drop = new Dropout(0.1, rng.fork());
 * drop.forward(x);        // training: ~10% zeroed, the rest scaled by 1/0.9
 * drop.eval().forward(x); // x itself
 */
export class Dropout extends Module {
  readonly p: number;
  readonly rng: Rng;

  constructor(p: number, rng: Rng) {
    super();
    if (!(p >= 0 && p <= 1)) throw new ArgumentError(`Dropout: p ${p} must be a probability in [0, 1]`);
    this.p = p;
    this.rng = rng;
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.rng, this.training);
  }
}
