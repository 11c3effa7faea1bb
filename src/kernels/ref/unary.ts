/**
 * Reference elementwise unary kernels, the specification of the native twins.
 * x, y, g, out: flat arrays of the same length n (any shape, read row-major).
 *
 *   unary(op, x, out)                 out[i] = f(x[i])
 *   unaryBackward(op, x, y, g, out)   out[i] = g[i] · f'(x[i]); y = f(x) is the
 *                                      forward output, used where it is cheaper
 *
 * Ops (UnaryOp codes): exp, log, sqrt, abs, relu, gelu (exact, x·Φ(x) with the
 * normal CDF Φ), geluTanh (the tanh approximation), silu (x·σ(x)), sigmoid,
 * tanh. Each value is computed in float64 and rounded once to float32.
 * Outside a function's domain the result is NaN (log and sqrt of negatives),
 * as in IEEE arithmetic; abs and relu take derivative 0 at 0, as PyTorch does.
 * out may alias an input: element i reads only index i. Deliberately plain:
 * no vectorisation, no threads, no polynomial approximations.
 */
import { erfc } from './erf.js';

export const UnaryOp = {
  exp: 0,
  log: 1,
  sqrt: 2,
  abs: 3,
  relu: 4,
  gelu: 5,
  geluTanh: 6,
  silu: 7,
  sigmoid: 8,
  tanh: 9,
} as const;
export type UnaryOpCode = (typeof UnaryOp)[keyof typeof UnaryOp];

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_TANH_C = 0.044715;

/** Numerically stable logistic function. */
function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Φ(x), the standard normal CDF, through erfc so that the left tail keeps its relative accuracy. */
function normalCdf(x: number): number {
  return 0.5 * erfc(-x * SQRT1_2);
}

function forward(op: number, x: number): number {
  switch (op) {
    case 0: return Math.exp(x);
    case 1: return Math.log(x);
    case 2: return Math.sqrt(x);
    case 3: return Math.abs(x);
    case 4: return x > 0 ? x : 0;
    case 5: return x * normalCdf(x);
    case 6: return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + GELU_TANH_C * x * x * x)));
    case 7: return x * sigmoid(x);
    case 8: return sigmoid(x);
    case 9: return Math.tanh(x);
    default: throw new RangeError(`unary: unknown op code ${op}`);
  }
}

/** f'(x), given x and y = f(x). */
function derivative(op: number, x: number, y: number): number {
  switch (op) {
    case 0: return y;
    case 1: return 1 / x;
    case 2: return 0.5 / y;
    case 3: return x > 0 ? 1 : x < 0 ? -1 : 0;
    case 4: return x > 0 ? 1 : 0;
    case 5: return normalCdf(x) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    case 6: {
      const t = Math.tanh(SQRT_2_OVER_PI * (x + GELU_TANH_C * x * x * x));
      return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * GELU_TANH_C * x * x);
    }
    case 7: {
      const s = sigmoid(x);
      return s * (1 + x * (1 - s));
    }
    case 8: return y * (1 - y);
    case 9: return 1 - y * y;
    default: throw new RangeError(`unaryBackward: unknown op code ${op}`);
  }
}

export function unaryRef(op: number, x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = forward(op, x[i]!);
}

export function unaryBackwardRef(op: number, x: Float32Array, y: Float32Array, g: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = g[i]! * derivative(op, x[i]!, y[i]!);
}
