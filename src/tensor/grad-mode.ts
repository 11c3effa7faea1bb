// Whether ops record themselves on the autograd tape. Lives in the tensor
// layer because Tensor.backward() runs its gradient rules with taping off.
let enabled = true;

/** True when new ops are recorded for backward(). */
export function isGradEnabled(): boolean {
  return enabled;
}

/**
 * Runs fn without recording ops (evaluation, weight updates, mask updates).
 *
 * @example
 * const logits = noGrad(() => model.forward(x));
 */
export function noGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}
