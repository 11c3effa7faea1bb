/**
 * Embedding lookup: rows of a table picked by integer ids.
 * Shapes: weight: [V, D]; ids: [...idsShape] (N values) -> [...idsShape, D].
 */
import { record } from '../autograd/function.js';
import { embeddingBackward, embeddingForward } from '../kernels/index.js';
import { Tensor } from '../tensor/tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../util/errors.js';
import { checkShape, sizeOf } from '../util/shape.js';
import { allocZeroed } from '../tensor/buffer-pool.js';

/**
 * weight[ids], as `F.embedding`. The gradient adds each output row's
 * gradient into the weight row it came from (repeated ids add up).
 *
 * @example
 * const x = embedding(wte, tokens, [B, T]); // wte: [V, C] -> [B, T, C]
 */
export function embedding(weight: Tensor, idArray: Int32Array, idsShape: readonly number[]): Tensor {
  if (weight.ndim !== 2) throw new ShapeError(`embedding: weight must be [vocab, dim], got ${fmtShape(weight.shape)}`);
  checkShape(idsShape, 'embedding ids');
  const [v, d] = weight.shape as [number, number];
  const n = sizeOf(idsShape);
  if (idArray.length !== n) {
    throw new ShapeError(`embedding: ${idArray.length} ids do not fill idsShape ${fmtShape(idsShape)} (${n} needed)`);
  }
  // A copy, so a caller reusing its buffer before backward() changes nothing.
  const ids = Int32Array.from(idArray);
  for (let i = 0; i < n; i++) {
    if (ids[i]! < 0 || ids[i]! >= v) {
      throw new ArgumentError(`embedding: id ${ids[i]} at position ${i} is outside [0, ${v}) for weight ${fmtShape(weight.shape)}; check the vocabulary size or the tokenizer`);
    }
  }
  const y = allocZeroed(n * d);
  embeddingForward(n, d, weight.data, ids, y);
  return record('embedding', new Tensor(y, [...idsShape, d]), [weight], (g) => {
    const dw = allocZeroed(weight.size);
    embeddingBackward(n, d, ids, g.data, dw);
    return [new Tensor(dw, weight.shape)];
  });
}
