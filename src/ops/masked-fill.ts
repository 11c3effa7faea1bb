import { record } from '../autograd/function.js';
import { Tensor } from '../tensor/tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../util/errors.js';
import { broadcastShapes, sameShape } from '../util/shape.js';
import { ZERO, select } from './where.js';

/**
 * x with `value` wherever mask is nonzero; mask broadcasts to x's shape
 * (it may not grow it). value may be ±Infinity (attention masks).
 * d/dx = g where the mask is zero, 0 where it filled.
 *
 * @example
 * maskedFill(tensor([1, 2, 3]), tensor([0, 1, 0]), -Infinity).toArray(); // [1, -Infinity, 3]
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  if (typeof value !== 'number') throw new ArgumentError(`maskedFill: value must be a number, got ${typeof value}`);
  const shape = broadcastShapes(mask.shape, x.shape, 'maskedFill');
  if (!sameShape(shape, x.shape)) {
    throw new ShapeError(`maskedFill: mask ${fmtShape(mask.shape)} must broadcast to x ${fmtShape(x.shape)} without growing it`);
  }
  const fill = new Tensor(Float32Array.of(value), []);
  return record('maskedFill', select(mask, fill, x, x.shape), [x], (g) => [select(mask, ZERO, g, x.shape)]);
}
