/**
 * Stochastic gradient descent with momentum, Nesterov momentum (Sutskever et
 * al. 2013) and L2 weight decay added to the gradient, as PyTorch's SGD.
 */
import type { Tensor } from '../tensor/tensor.js';
import { ArgumentError } from '../util/errors.js';
import { Optimizer, checkNonNegative, checkUnitInterval, type DecayFilter, type ParamSource, type ParamState } from './optimizer.js';

export interface SgdOptions {
  readonly lr: number;
  /** Default 0 (plain SGD). */
  readonly momentum?: number;
  /** Scales the new gradient in the momentum buffer by 1 − dampening (default 0). */
  readonly dampening?: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening 0). */
  readonly nesterov?: boolean;
  /** L2 penalty: wd·w added to the gradient (default 0). */
  readonly weightDecay?: number;
  /** Which parameters decay (default all). */
  readonly decayFilter?: DecayFilter;
}

/**
 * d = g + wd·w; buf = d on the first step, else momentum·buf + (1 − dampening)·d;
 * the step direction is d + momentum·buf with Nesterov, else buf; w ← w − lr·direction.
 *
 * @example
 * const opt = new SGD(model, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
 * loss.backward(); opt.step(); opt.zeroGrad();
 */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;

  constructor(params: ParamSource, opts: SgdOptions) {
    super(params, opts.lr, opts.decayFilter);
    this.momentum = opts.momentum ?? 0;
    this.dampening = opts.dampening ?? 0;
    this.nesterov = opts.nesterov ?? false;
    this.weightDecay = opts.weightDecay ?? 0;
    checkUnitInterval(this.momentum, 'momentum', 'SGD');
    checkNonNegative(this.dampening, 'dampening', 'SGD');
    checkNonNegative(this.weightDecay, 'weightDecay', 'SGD');
    if (this.nesterov && (this.momentum === 0 || this.dampening !== 0)) {
      throw new ArgumentError(`SGD: nesterov needs momentum > 0 and dampening 0 (got momentum ${this.momentum}, dampening ${this.dampening})`);
    }
  }

  protected slots(p: Tensor): ReadonlyArray<readonly [string, readonly number[]]> {
    return this.momentum === 0 ? [] : [['momentum_buffer', p.shape]];
  }

  protected update(p: Tensor, g: Float32Array, state: ParamState, decays: boolean): void {
    const w = p.data;
    const wd = decays ? this.weightDecay : 0;
    const lr = this.lr;
    const mom = this.momentum;
    if (mom === 0) {
      for (let i = 0; i < w.length; i++) w[i] = w[i]! - lr * (g[i]! + wd * w[i]!);
      return;
    }
    const buf = state.get('momentum_buffer')!.data;
    const first = state.get('step')!.data[0] === 1;
    const keep = 1 - this.dampening;
    for (let i = 0; i < w.length; i++) {
      const d = g[i]! + wd * w[i]!;
      const b = first ? d : mom * buf[i]! + keep * d;
      buf[i] = b;
      w[i] = w[i]! - lr * (this.nesterov ? d + mom * b : b);
    }
  }
}
