/**
 * Float32 buffers recycled from one training step to the next.
 *
 * Every step of a fixed-shape model allocates the same activations and
 * gradients, hundreds of kilobytes to megabytes each. Fresh typed arrays that
 * size cost a zero-filled mapping from the system, page faults on first touch
 * and garbage-collector work to return them (about a fifth of a small ViT's
 * step). Inside `withStepBuffers`, ops take their output and gradient buffers
 * from a pool instead; when the step ends, every buffer handed out during it
 * goes back to the pool for the next step.
 *
 * The contract: nothing allocated inside the step may be used after it. The
 * trainer's step (forward, backward, clipping, update) and an evaluation batch
 * keep it: parameters, gradients (`Tensor.grad` is a copy), optimizer state
 * and masks are made outside the pool. With SPARSEKIT_POOL_CHECK=1 every
 * returned buffer is filled with NaN, and so is every `allocOverwritten`
 * buffer, so a use after the step or an element left unwritten shows up as
 * NaN in results (the test suite can run so).
 *
 * @example
 * const loss = withStepBuffers(() => {
 *   const l = crossEntropy(model.forward(x), y);
 *   l.backward();
 *   optimizer.step();
 *   return l.item();
 * });
 */
import { alignedFloats } from '../kernels/aligned-floats.js';

/**
 * Below this many floats a buffer comes from the JavaScript heap, where it is
 * cheap. From this size on buffers start on a 64-byte line (alignedFloats),
 * so that the kernels' vector stores do not straddle two lines (the N:M lane
 * path, 1:16 at 3072×768, batch 256: 1.13 → 1.07 ms with Y on a line).
 */
const MIN_POOLED = 4096;

let check = process.env.SPARSEKIT_POOL_CHECK === '1';

/** Turns the NaN check on or off (it starts as SPARSEKIT_POOL_CHECK says). */
export function setBufferPoolCheck(on: boolean): void {
  check = on;
}

/** Free buffers by length; refilled with the last step's buffers when a step ends. */
let free = new Map<number, Float32Array[]>();
/** Buffers handed out in the open step, or null outside a step. */
let taken: Float32Array[] | null = null;

function take(n: number): Float32Array | null {
  if (taken === null || n < MIN_POOLED) return null;
  const buf = free.get(n)?.pop() ?? fresh(n);
  taken.push(buf);
  return buf;
}

/** n zeroed floats outside the pool: line-aligned from MIN_POOLED floats on. */
function fresh(n: number): Float32Array {
  return n < MIN_POOLED ? new Float32Array(n) : alignedFloats(n);
}

/** n floats, all zero. */
export function allocZeroed(n: number): Float32Array {
  const buf = take(n);
  if (buf === null) return fresh(n);
  return buf.fill(0);
}

/** n floats of undefined value: the caller writes every element before reading any. */
export function allocOverwritten(n: number): Float32Array {
  const buf = take(n);
  if (buf === null) return check ? fresh(n).fill(Number.NaN) : fresh(n);
  return check ? buf.fill(Number.NaN) : buf;
}

/** A copy of src. */
export function copyFloats(src: Float32Array): Float32Array {
  const buf = allocOverwritten(src.length);
  buf.set(src);
  return buf;
}

/**
 * Runs one step with pooled buffers and returns them all to the pool when it
 * ends (also when it throws). A step inside a step joins the outer one.
 */
export function withStepBuffers<T>(step: () => T): T {
  if (taken !== null) return step();
  taken = [];
  try {
    return step();
  } finally {
    const done = taken;
    taken = null;
    // Only this step's buffers are kept: a shape no longer used stops costing memory.
    free = new Map();
    for (const buf of done) {
      if (check) buf.fill(Number.NaN);
      const list = free.get(buf.length);
      if (list === undefined) free.set(buf.length, [buf]);
      else list.push(buf);
    }
  }
}
