/**
 * The mask-decay factor β(t) of MDGF (Bambhaniya et al. 2024), t in steps since
 * the sparse phase began: linear β = max(0, 1 − c·t), exponential β = exp(−c·t).
 *
 * @example
 * maskDecayFactor(1000, { type: 'linear', coef: 2e-4 }); // 0.8
 * maskDecayFactor(1000, { type: 'exp', coef: 2e-4 });    // e^−0.2 ≈ 0.819
 */
import { ConfigError } from '../../util/errors.js';

export type MaskDecayType = 'linear' | 'exp';

export interface MaskDecay {
  readonly type: MaskDecayType;
  /** The decay coefficient c (the reference code's default is 2e-4). */
  readonly coef: number;
}

/** β(t) in [0, 1]; 1 before the sparse phase (t < 0). */
export function maskDecayFactor(t: number, decay: MaskDecay): number {
  if (!(decay.coef >= 0) || !Number.isFinite(decay.coef)) {
    throw new ConfigError(`sparsity.decayCoef: ${decay.coef} must be a finite number >= 0`);
  }
  if (t <= 0) return 1;
  return decay.type === 'linear' ? Math.max(0, 1 - decay.coef * t) : Math.exp(-decay.coef * t);
}
