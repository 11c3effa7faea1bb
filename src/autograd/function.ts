/**
 * Recording ops on the tape, and custom functions whose forward and backward
 * the caller supplies (straight-through estimators, SR-STE, mask decay).
 */
import { Tensor } from '../tensor/tensor.js';
import { isGradEnabled, noGrad } from '../tensor/grad-mode.js';

export type GradRule = (grad: Tensor) => ReadonlyArray<Tensor | null | undefined>;

/**
 * Attaches a gradient rule to `out` when grad mode is on and an input requires
 * gradients. Ops call this after computing their forward value.
 */
export function record(name: string, out: Tensor, inputs: readonly Tensor[], backward: GradRule): Tensor {
  if (isGradEnabled() && inputs.some((t) => t.requiresGrad)) {
    out.requiresGrad = true;
    out.gradFn = { name, inputs, backward };
  }
  return out;
}

/** What a custom function's forward and backward share (saved tensors and values). */
export type FunctionContext = Record<string, unknown>;

export interface FunctionSpec<Inputs extends Tensor[]> {
  readonly name: string;
  /** Computes the output from plain values (runs with taping off). */
  forward(ctx: FunctionContext, ...inputs: Inputs): Tensor;
  /** Gradients for each input, given the output's gradient (runs with taping off). */
  backward(ctx: FunctionContext, grad: Tensor): ReadonlyArray<Tensor | null | undefined>;
}

/**
 * A differentiable function with a hand-written backward, like
 * torch.autograd.Function.
 *
 * @example
 * // straight-through estimator: hard mask forward, identity backward
 * const ste = defineFunction({
 *   name: 'ste',
 *   forward: (_ctx, w: Tensor, mask: Tensor) => mul(w, mask),
 *   backward: (_ctx, g) => [g, null],
 * });
 * const wEff = ste(weight, mask);
 */
export function defineFunction<Inputs extends Tensor[]>(spec: FunctionSpec<Inputs>): (...inputs: Inputs) => Tensor {
  return (...inputs: Inputs): Tensor => {
    const ctx: FunctionContext = {};
    const out = noGrad(() => spec.forward(ctx, ...inputs));
    // A fresh tensor, so the result never aliases an input's tape entry.
    const result = new Tensor(out.data, out.shape);
    return record(spec.name, result, inputs, (g) => spec.backward(ctx, g));
  };
}
