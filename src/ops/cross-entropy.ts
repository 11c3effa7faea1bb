/**
 * Cross-entropy of logits against class indices, with PyTorch's semantics.
 * Shapes: logits: [..., C] (N rows of C classes), targets: [N] class indices.
 */
import { record } from '../autograd/function.js';
import { crossEntropyRows, crossEntropyRowsBackward } from '../kernels/index.js';
import { Tensor } from '../tensor/tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../util/errors.js';
import { sizeOf } from '../util/shape.js';
import { allocOverwritten, allocZeroed } from '../tensor/buffer-pool.js';

export interface CrossEntropyOptions {
  /** Rows whose target equals this contribute nothing and are not counted (default −100). */
  readonly ignoreIndex?: number;
  /** ε in (1 − ε)·nll + ε·mean over classes of −log p, in [0, 1] (default 0). */
  readonly labelSmoothing?: number;
  /** 'mean' over non-ignored rows (default), 'sum', or 'none' (one loss per row, shape [...]). */
  readonly reduction?: 'mean' | 'sum' | 'none';
}

/**
 * Softmax cross-entropy, as `F.cross_entropy` with class indices (classes on
 * the last axis). A mean over zero counted rows is NaN, as in PyTorch.
 *
 * @example
 * const loss = crossEntropy(logits, Int32Array.from([3, 0, 1])); // logits: [3, 10] -> scalar
 * loss.backward();
 */
export function crossEntropy(logits: Tensor, targetIds: Int32Array, opts: CrossEntropyOptions = {}): Tensor {
  // A copy, so a caller reusing its buffer before backward() changes nothing.
  const targets = Int32Array.from(targetIds);
  const ignoreIndex = opts.ignoreIndex ?? -100;
  const smoothing = opts.labelSmoothing ?? 0;
  const reduction = opts.reduction ?? 'mean';
  if (logits.ndim < 1) throw new ShapeError(`crossEntropy: logits must have a class axis, got shape ${fmtShape(logits.shape)}`);
  if (!(smoothing >= 0 && smoothing <= 1)) throw new ArgumentError(`crossEntropy: labelSmoothing ${smoothing} must be in [0, 1]`);
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new ArgumentError(`crossEntropy: reduction '${String(reduction)}' must be 'mean', 'sum' or 'none'`);
  }
  const c = logits.shape[logits.ndim - 1]!;
  const rowShape = logits.shape.slice(0, -1);
  const rows = sizeOf(rowShape);
  if (targets.length !== rows) {
    throw new ShapeError(`crossEntropy: ${targets.length} targets for logits ${fmtShape(logits.shape)}, which hold ${rows} rows of ${c} classes`);
  }
  let counted = 0;
  for (let r = 0; r < rows; r++) {
    const t = targets[r]!;
    if (t === ignoreIndex) continue;
    if (t < 0 || t >= c) {
      throw new ArgumentError(`crossEntropy: target ${t} at row ${r} is outside [0, ${c}) for logits ${fmtShape(logits.shape)}; use class indices or ignoreIndex (${ignoreIndex})`);
    }
    counted++;
  }
  const lse = allocZeroed(rows);
  const losses = allocZeroed(rows);
  crossEntropyRows(rows, c, ignoreIndex, smoothing, logits.data, targets, lse, losses);
  let out: Tensor;
  if (reduction === 'none') {
    out = new Tensor(losses, rowShape);
  } else {
    let total = 0;
    for (let r = 0; r < rows; r++) total += losses[r]!;
    out = new Tensor(Float32Array.of(reduction === 'mean' ? total / counted : total), []);
  }
  return record('crossEntropy', out, [logits], (g) => {
    const gradRows = allocZeroed(rows);
    if (reduction === 'none') gradRows.set(g.data);
    else gradRows.fill(reduction === 'mean' ? g.data[0]! / counted : g.data[0]!);
    const d = allocOverwritten(logits.size);
    crossEntropyRowsBackward(rows, c, ignoreIndex, smoothing, logits.data, targets, lse, gradRows, d);
    return [new Tensor(d, logits.shape)];
  });
}
