/**
 * Weight initialisation, in place, every draw from a seeded Rng passed in.
 * Fans follow PyTorch: for a weight [O, I, ...kernel], fanIn = I·Πkernel and
 * fanOut = O·Πkernel.
 *
 * @example
 * const rng = new Rng(0);
 * init.kaimingNormal(conv.weight, rng, { nonlinearity: 'relu' });
 * init.truncNormal(vit.clsToken, rng, { std: 0.02 });
 * init.zeros(fc.bias!);
 */
import type { Tensor } from '../tensor/tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../util/errors.js';
import type { Rng } from '../util/rng.js';

export type Nonlinearity = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'selu';
export type FanMode = 'fanIn' | 'fanOut';

export interface KaimingOptions {
  /** Negative slope of leakyRelu (default 0). */
  readonly a?: number;
  /** Preserve the variance of the forward pass (fanIn, default) or of the backward pass (fanOut). */
  readonly mode?: FanMode;
  /** default 'leakyRelu' (with a = 0 the same as relu), as PyTorch. */
  readonly nonlinearity?: Nonlinearity;
}

export interface TruncNormalOptions {
  readonly mean?: number;
  readonly std?: number;
  /** Lower cut-off, an absolute value (default −2), as PyTorch's trunc_normal_. */
  readonly a?: number;
  /** Upper cut-off, an absolute value (default 2). */
  readonly b?: number;
}

/** fanIn and fanOut of a weight of at least two dimensions. */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) {
    throw new ShapeError(`init: fans need a weight of at least 2 dimensions ([out, in, ...kernel]), got ${fmtShape(shape)}; initialise biases and vectors with uniform, normal or constants`);
  }
  let receptive = 1;
  for (let i = 2; i < shape.length; i++) receptive *= shape[i]!;
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

/** The gain that keeps activations' variance steady through `nonlinearity` (PyTorch's calculate_gain). */
export function gain(nonlinearity: Nonlinearity, negativeSlope = 0): number {
  switch (nonlinearity) {
    case 'linear':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leakyRelu':
      return Math.sqrt(2 / (1 + negativeSlope * negativeSlope));
    case 'selu':
      return 3 / 4;
    default:
      throw new ArgumentError(`init.gain: unknown nonlinearity '${String(nonlinearity)}' (use linear, sigmoid, tanh, relu, leakyRelu or selu)`);
  }
}

/** Uniform draws in [lo, hi). */
export function uniform<T extends Tensor>(t: T, rng: Rng, lo = 0, hi = 1): T {
  if (!(hi >= lo)) throw new ArgumentError(`init.uniform: hi ${hi} must not be below lo ${lo}`);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.uniform(lo, hi);
  return t;
}

/** Normal draws. */
export function normal<T extends Tensor>(t: T, rng: Rng, mean = 0, std = 1): T {
  checkStd(std, 'normal');
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal(mean, std);
  return t;
}

/** Every value set to `value`. */
export function constant<T extends Tensor>(t: T, value: number): T {
  t.data.fill(value);
  return t;
}

export function zeros<T extends Tensor>(t: T): T {
  return constant(t, 0);
}

export function ones<T extends Tensor>(t: T): T {
  return constant(t, 1);
}

/**
 * Normal draws redrawn until they fall in [a, b] (rejection sampling, exact
 * for the truncated distribution). Refuses cut-offs that keep almost no mass.
 */
export function truncNormal<T extends Tensor>(t: T, rng: Rng, opts: TruncNormalOptions = {}): T {
  const mean = opts.mean ?? 0;
  const std = opts.std ?? 1;
  const a = opts.a ?? -2;
  const b = opts.b ?? 2;
  checkStd(std, 'truncNormal');
  if (!(a < b)) throw new ArgumentError(`init.truncNormal: cut-offs a ${a} and b ${b} need a < b`);
  const kept = std === 0 ? (mean >= a && mean <= b ? 1 : 0) : normalCdf((b - mean) / std) - normalCdf((a - mean) / std);
  if (!(kept >= 1e-3)) {
    throw new ArgumentError(`init.truncNormal: [${a}, ${b}] holds only ${kept.toExponential(2)} of N(${mean}, ${std}²); move the cut-offs towards the mean`);
  }
  for (let i = 0; i < t.size; i++) {
    let v = rng.normal(mean, std);
    while (v < a || v > b) v = rng.normal(mean, std);
    t.data[i] = v;
  }
  return t;
}

/** He et al. 2015 (arXiv:1502.01852): uniform in ±gain·sqrt(3/fan). */
export function kaimingUniform<T extends Tensor>(t: T, rng: Rng, opts: KaimingOptions = {}): T {
  const bound = Math.sqrt(3) * kaimingStd(t, opts);
  return uniform(t, rng, -bound, bound);
}

/** He et al. 2015: normal with std gain/sqrt(fan). */
export function kaimingNormal<T extends Tensor>(t: T, rng: Rng, opts: KaimingOptions = {}): T {
  return normal(t, rng, 0, kaimingStd(t, opts));
}

/** Glorot & Bengio 2010: uniform in ±gain·sqrt(6/(fanIn + fanOut)). */
export function xavierUniform<T extends Tensor>(t: T, rng: Rng, gainValue = 1): T {
  const { fanIn, fanOut } = fans(t.shape);
  const bound = gainValue * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(t, rng, -bound, bound);
}

/** Glorot & Bengio 2010: normal with std gain·sqrt(2/(fanIn + fanOut)). */
export function xavierNormal<T extends Tensor>(t: T, rng: Rng, gainValue = 1): T {
  const { fanIn, fanOut } = fans(t.shape);
  return normal(t, rng, 0, gainValue * Math.sqrt(2 / (fanIn + fanOut)));
}

function kaimingStd(t: Tensor, opts: KaimingOptions): number {
  const { fanIn, fanOut } = fans(t.shape);
  const mode = opts.mode ?? 'fanIn';
  if (mode !== 'fanIn' && mode !== 'fanOut') throw new ArgumentError(`init.kaiming: mode '${String(mode)}' must be 'fanIn' or 'fanOut'`);
  const fan = mode === 'fanIn' ? fanIn : fanOut;
  if (fan === 0) throw new ShapeError(`init.kaiming: weight ${fmtShape(t.shape)} has a zero ${mode}`);
  return gain(opts.nonlinearity ?? 'leakyRelu', opts.a ?? 0) / Math.sqrt(fan);
}

function checkStd(std: number, fn: string): void {
  if (!(std >= 0) || !Number.isFinite(std)) throw new ArgumentError(`init.${fn}: std ${std} must be a finite non-negative number`);
}

// Φ(x) through erf, Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7): enough to judge the kept mass.
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
