/**
 * Counts the floating-point operations the kernels really execute, split into
 * the forward pass and the backward pass (Tensor.backward() switches the
 * phase). Kernels declare their cost when defined (a GEMM costs 2·M·N·K).
 *
 * @example
 * const before = flopCount();
 * loss = model.forward(x); loss.backward();
 * const { forward, backward } = flopsSince(before);
 */
export interface FlopCount {
  forward: number;
  backward: number;
}

const counts: FlopCount = { forward: 0, backward: 0 };
let phase: keyof FlopCount = 'forward';

export function addFlops(n: number): void {
  counts[phase] += n;
}

/** Runs fn with kernel costs counted as backward work. */
export function inBackwardPhase<T>(fn: () => T): T {
  const prev = phase;
  phase = 'backward';
  try {
    return fn();
  } finally {
    phase = prev;
  }
}

/** Totals since the process started (take differences to measure a step). */
export function flopCount(): FlopCount {
  return { ...counts };
}

export function flopsSince(start: FlopCount): FlopCount {
  return { forward: counts.forward - start.forward, backward: counts.backward - start.backward };
}
