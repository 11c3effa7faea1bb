/**
 * An image classification set held in memory: N images of C×H×W values and
 * one integer label each. Pixels stored as bytes are read as value/255.
 *
 * Shapes: N images, C channels, H height, W width.
 *
 * @example
 * const ds = imageDataset('toy', Uint8Array.of(0, 255, 255, 0), Int32Array.of(1), [1, 1, 2, 2], 2);
 * pixel(ds, 0, 0, 0, 1); // 1
 */
import { ArgumentError, ShapeError, fmtShape } from '../util/errors.js';

export interface ImageDataset {
  readonly name: string;
  /** [N, C, H, W] row-major; bytes are scaled by 1/255, floats used as they are. */
  readonly images: Uint8Array | Float32Array;
  /** [N], each in 0..numClasses-1. */
  readonly labels: Int32Array;
  readonly count: number;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly numClasses: number;
  readonly classNames?: readonly string[];
}

/** Builds an ImageDataset after checking that the sizes agree and every label is a valid class. */
export function imageDataset(
  name: string,
  images: Uint8Array | Float32Array,
  labels: Int32Array,
  shape: readonly [number, number, number, number],
  numClasses: number,
  classNames?: readonly string[],
): ImageDataset {
  const [count, channels, height, width] = shape;
  if (images.length !== count * channels * height * width) {
    throw new ShapeError(`imageDataset ${name}: ${images.length} pixel values do not fill shape ${fmtShape(shape)}`);
  }
  if (labels.length !== count) throw new ShapeError(`imageDataset ${name}: ${labels.length} labels for ${count} images`);
  for (let i = 0; i < count; i++) {
    const y = labels[i]!;
    if (y < 0 || y >= numClasses) throw new ArgumentError(`imageDataset ${name}: label ${y} of image ${i} is outside 0..${numClasses - 1}`);
  }
  if (classNames !== undefined && classNames.length !== numClasses) {
    throw new ArgumentError(`imageDataset ${name}: ${classNames.length} class names for ${numClasses} classes`);
  }
  return { name, images, labels, count, channels, height, width, numClasses, ...(classNames === undefined ? {} : { classNames }) };
}

/** The value of one pixel in [0, 1] for byte images. */
export function pixel(ds: ImageDataset, n: number, c: number, y: number, x: number): number {
  const v = ds.images[((n * ds.channels + c) * ds.height + y) * ds.width + x]!;
  return ds.images instanceof Uint8Array ? v / 255 : v;
}

/** How many images of each class (index = class). */
export function classCounts(ds: ImageDataset): number[] {
  const counts = new Array<number>(ds.numClasses).fill(0);
  for (let i = 0; i < ds.count; i++) counts[ds.labels[i]!]!++;
  return counts;
}
