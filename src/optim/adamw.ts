/**
 * AdamW: Adam (Kingma & Ba 2015, arXiv:1412.6980) with decoupled weight
 * decay (Loshchilov & Hutter 2019, arXiv:1711.05101), as PyTorch's AdamW.
 */
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, checkNonNegative, checkUnitInterval, type DecayFilter, type ParamSource, type ParamState } from './optimizer.js';

export interface AdamWOptions {
  /** Default 1e-3. */
  readonly lr?: number;
  /** Decay rates of the first and second moments (default [0.9, 0.999]). */
  readonly betas?: readonly [number, number];
  /** Added to the root of the second moment (default 1e-8). */
  readonly eps?: number;
  /** Decoupled decay: w ← w·(1 − lr·wd) before the Adam step (default 0.01). */
  readonly weightDecay?: number;
  /** Which parameters decay (default all; `decayMatricesOnly` spares biases and norms). */
  readonly decayFilter?: DecayFilter;
}

/**
 * At step t: w ← w·(1 − lr·wd); m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²;
 * w ← w − lr/(1 − β1ᵗ) · m / (√v/√(1 − β2ᵗ) + eps).
 *
 * @example
 * const opt = new AdamW(model, { lr: 3e-4, weightDecay: 0.1, decayFilter: decayMatricesOnly });
 */
export class AdamW extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;

  constructor(params: ParamSource, opts: AdamWOptions = {}) {
    super(params, opts.lr ?? 1e-3, opts.decayFilter);
    [this.beta1, this.beta2] = opts.betas ?? [0.9, 0.999];
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0.01;
    checkUnitInterval(this.beta1, 'betas[0]', 'AdamW');
    checkUnitInterval(this.beta2, 'betas[1]', 'AdamW');
    checkNonNegative(this.eps, 'eps', 'AdamW');
    checkNonNegative(this.weightDecay, 'weightDecay', 'AdamW');
  }

  protected slots(p: Tensor): ReadonlyArray<readonly [string, readonly number[]]> {
    return [['exp_avg', p.shape], ['exp_avg_sq', p.shape]];
  }

  protected update(p: Tensor, g: Float32Array, state: ParamState, decays: boolean): void {
    const w = p.data;
    const m = state.get('exp_avg')!.data;
    const v = state.get('exp_avg_sq')!.data;
    const t = state.get('step')!.data[0]!;
    const { beta1: b1, beta2: b2, eps, lr } = this;
    const shrink = 1 - lr * (decays ? this.weightDecay : 0);
    const stepSize = lr / (1 - b1 ** t);
    const rootBc2 = Math.sqrt(1 - b2 ** t);
    for (let i = 0; i < w.length; i++) {
      const gi = g[i]!;
      m[i] = b1 * m[i]! + (1 - b1) * gi;
      v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
      w[i] = w[i]! * shrink - (stepSize * m[i]!) / (Math.sqrt(v[i]!) / rootBc2 + eps);
    }
  }
}
