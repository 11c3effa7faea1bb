/**
 * Adafactor (Shazeer & Stern 2018, arXiv:1804.04235): second moments of a
 * matrix kept as a row vector and a column vector (factored), update
 * clipping by RMS, optional relative step size scaled by the parameter's RMS.
 * Follows the Hugging Face / fairseq formulation, so runs can be compared.
 * Shapes: a parameter [..., R, C] of two or more dimensions is L = Π leading
 * matrices of R×C; its state: row [..., R], col [..., C]. Vectors keep a full
 * second moment [N].
 */
import type { Tensor } from '../tensor/tensor.js';
import { ArgumentError } from '../util/errors.js';
import { Optimizer, checkNonNegative, checkUnitInterval, type DecayFilter, type ParamSource, type ParamState } from './optimizer.js';

export interface AdafactorOptions {
  /** External learning rate; when given, relativeStep defaults to false. */
  readonly lr?: number;
  /** Step size min(1e-2, 1/√t) (or min(1e-6·t, 1/√t) with warmupInit); default true when lr is not given. */
  readonly relativeStep?: boolean;
  /** Multiply the step size by max(eps2, RMS(w)) (default true). */
  readonly scaleParameter?: boolean;
  /** With relativeStep, grow the step size linearly from 1e-6·t (default false). */
  readonly warmupInit?: boolean;
  /** First-moment decay; unset means no first moment (the memory-saving default). */
  readonly beta1?: number;
  /** β2 at step t is 1 − t^decayRate (default −0.8). */
  readonly decayRate?: number;
  /** Added to g² (default 1e-30). */
  readonly eps1?: number;
  /** Floor of the parameter scale (default 1e-3). */
  readonly eps2?: number;
  /** The update is divided by max(1, RMS(update)/clipThreshold) (default 1). */
  readonly clipThreshold?: number;
  /** w ← w − wd·step·w (default 0). */
  readonly weightDecay?: number;
  /** Which parameters decay (default all). */
  readonly decayFilter?: DecayFilter;
}

/**
 * At step t, with ρ = step size (relative or lr, times max(eps2, RMS(w))):
 * β2 = 1 − t^decayRate; for a matrix, R ← β2·R + (1 − β2)·rowmean(g² + eps1),
 * C ← β2·C + (1 − β2)·colmean(g² + eps1), V̂ = R·Cᵀ / mean(R); for a vector
 * V ← β2·V + (1 − β2)·(g² + eps1); u = g/√V̂, u ← u / max(1, RMS(u)/d)·ρ;
 * with β1, u ← m = β1·m + (1 − β1)·u; w ← w − wd·ρ·w − u.
 *
 * @example
 * const opt = new Adafactor(model);            // relative step size, no first moment
 * const opt2 = new Adafactor(model, { lr: 1e-3, scaleParameter: false, beta1: 0.9 });
 */
export class Adafactor extends Optimizer {
  readonly relativeStep: boolean;
  readonly scaleParameter: boolean;
  readonly warmupInit: boolean;
  readonly beta1: number | undefined;
  readonly decayRate: number;
  readonly eps1: number;
  readonly eps2: number;
  readonly clipThreshold: number;
  readonly weightDecay: number;

  constructor(params: ParamSource, opts: AdafactorOptions = {}) {
    super(params, opts.lr ?? 0, opts.decayFilter);
    this.relativeStep = opts.relativeStep ?? opts.lr === undefined;
    if (this.relativeStep && opts.lr !== undefined) {
      throw new ArgumentError('Adafactor: give either lr or relativeStep: true, not both (the relative step replaces lr)');
    }
    if (!this.relativeStep && opts.lr === undefined) {
      throw new ArgumentError('Adafactor: relativeStep false needs an lr');
    }
    this.scaleParameter = opts.scaleParameter ?? true;
    this.warmupInit = opts.warmupInit ?? false;
    if (this.warmupInit && !this.relativeStep) throw new ArgumentError('Adafactor: warmupInit applies to the relative step only; set relativeStep or drop warmupInit');
    this.beta1 = opts.beta1;
    if (this.beta1 !== undefined) checkUnitInterval(this.beta1, 'beta1', 'Adafactor');
    this.decayRate = opts.decayRate ?? -0.8;
    if (!(this.decayRate < 0)) throw new ArgumentError(`Adafactor: decayRate ${this.decayRate} must be negative (β2 = 1 − t^decayRate)`);
    this.eps1 = opts.eps1 ?? 1e-30;
    this.eps2 = opts.eps2 ?? 1e-3;
    this.clipThreshold = opts.clipThreshold ?? 1;
    this.weightDecay = opts.weightDecay ?? 0;
    checkNonNegative(this.eps1, 'eps1', 'Adafactor');
    checkNonNegative(this.eps2, 'eps2', 'Adafactor');
    checkNonNegative(this.weightDecay, 'weightDecay', 'Adafactor');
    if (!(this.clipThreshold > 0)) throw new ArgumentError(`Adafactor: clipThreshold ${this.clipThreshold} must be positive`);
  }

  protected slots(p: Tensor): ReadonlyArray<readonly [string, readonly number[]]> {
    const s = p.shape;
    const second: Array<readonly [string, readonly number[]]> =
      s.length >= 2 ? [['exp_avg_sq_row', s.slice(0, -1)], ['exp_avg_sq_col', [...s.slice(0, -2), s[s.length - 1]!]]] : [['exp_avg_sq', s]];
    return this.beta1 === undefined ? second : [['exp_avg', s], ...second];
  }

  protected update(p: Tensor, g: Float32Array, state: ParamState, decays: boolean): void {
    const w = p.data;
    const n = w.length;
    const t = state.get('step')!.data[0]!;
    let rho = this.relativeStep ? Math.min(this.warmupInit ? 1e-6 * t : 1e-2, 1 / Math.sqrt(t)) : this.lr;
    if (this.scaleParameter) rho *= Math.max(this.eps2, rms(w));
    const beta2 = 1 - t ** this.decayRate;
    const u = new Float64Array(n);
    if (p.ndim >= 2) {
      this.#factoredDirection(p.shape, g, state, beta2, u);
    } else {
      const v = state.get('exp_avg_sq')!.data;
      for (let i = 0; i < n; i++) {
        v[i] = beta2 * v[i]! + (1 - beta2) * (g[i]! * g[i]! + this.eps1);
        u[i] = g[i]! / Math.sqrt(v[i]!);
      }
    }
    const scale = rho / Math.max(1, rms(u) / this.clipThreshold);
    const m = this.beta1 === undefined ? null : state.get('exp_avg')!.data;
    const shrink = 1 - (decays ? this.weightDecay : 0) * rho;
    for (let i = 0; i < n; i++) {
      let step = u[i]! * scale;
      if (m !== null) {
        m[i] = this.beta1! * m[i]! + (1 - this.beta1!) * step;
        step = m[i]!;
      }
      w[i] = w[i]! * shrink - step;
    }
  }

  // u = g / √V̂ with V̂[r, c] = row[r]·col[c] / mean(row), per matrix.
  #factoredDirection(shape: readonly number[], g: Float32Array, state: ParamState, beta2: number, u: Float64Array): void {
    const r = shape[shape.length - 2]!;
    const c = shape[shape.length - 1]!;
    const mats = g.length / Math.max(1, r * c);
    const row = state.get('exp_avg_sq_row')!.data;
    const col = state.get('exp_avg_sq_col')!.data;
    const colMean = new Float64Array(c);
    for (let l = 0; l < mats; l++) {
      const base = l * r * c;
      colMean.fill(0);
      let rowSum = 0;
      for (let i = 0; i < r; i++) {
        let acc = 0;
        for (let j = 0; j < c; j++) {
          const sq = g[base + i * c + j]! ** 2 + this.eps1;
          acc += sq;
          colMean[j]! += sq;
        }
        row[l * r + i] = beta2 * row[l * r + i]! + (1 - beta2) * (acc / c);
        rowSum += row[l * r + i]!;
      }
      for (let j = 0; j < c; j++) col[l * c + j] = beta2 * col[l * c + j]! + (1 - beta2) * (colMean[j]! / r);
      const rowMean = rowSum / r;
      for (let i = 0; i < r; i++) {
        const rf = 1 / Math.sqrt(row[l * r + i]! / rowMean);
        for (let j = 0; j < c; j++) u[base + i * c + j] = g[base + i * c + j]! * rf / Math.sqrt(col[l * c + j]!);
      }
    }
  }
}

function rms(x: ArrayLike<number>): number {
  let acc = 0;
  for (let i = 0; i < x.length; i++) acc += x[i]! * x[i]!;
  return x.length === 0 ? 0 : Math.sqrt(acc / x.length);
}
