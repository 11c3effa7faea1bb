/**
 * Small synthetic datasets with a known answer, for tests and quick checks:
 * Gaussian blobs (classification), a noisy linear map (regression) and tiny
 * images whose class is a fixed pattern, shifted and noisy.
 *
 * Shapes: N samples, D features, O outputs, C channels, H×W image size.
 *
 * @example
 * const { x, y } = gaussianBlobs({ count: 300, classes: 3, dim: 2, seed: 0 }); // x [300, 2], y Int32Array
 * const reg = linearRegression({ count: 100, inFeatures: 4, seed: 0 });        // reg.y ≈ x·weightᵀ + bias
 * const imgs = syntheticImages({ count: 512, classes: 4, size: 8, seed: 0 });   // an ImageDataset
 */
import { Tensor } from '../tensor/tensor.js';
import { ArgumentError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { imageDataset, type ImageDataset } from './image-dataset.js';

export interface BlobsOptions {
  count: number;
  classes?: number;
  dim?: number;
  /** Standard deviation of each blob around its centre (centres are about 3 apart). */
  spread?: number;
  seed?: number;
}

/** Points around one random centre per class; sample i has class i mod classes. */
export function gaussianBlobs(opts: BlobsOptions): { x: Tensor; y: Int32Array; centers: Tensor } {
  const { count, classes = 3, dim = 2, spread = 0.5, seed = 0 } = opts;
  checkCounts('gaussianBlobs', { count, classes, dim });
  const rng = new Rng(seed);
  const centers = new Float32Array(classes * dim);
  for (let i = 0; i < centers.length; i++) centers[i] = rng.normal(0, 3);
  const x = new Float32Array(count * dim);
  const y = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const c = n % classes;
    y[n] = c;
    for (let d = 0; d < dim; d++) x[n * dim + d] = centers[c * dim + d]! + rng.normal(0, spread);
  }
  return { x: new Tensor(x, [count, dim]), y, centers: new Tensor(centers, [classes, dim]) };
}

export interface LinearRegressionOptions {
  count: number;
  inFeatures: number;
  outFeatures?: number;
  /** Standard deviation of the noise added to y. */
  noise?: number;
  seed?: number;
}

/** x ~ N(0, 1); y = x·weightᵀ + bias + noise, with the true weight [O, D] and bias [O] returned. */
export function linearRegression(opts: LinearRegressionOptions): { x: Tensor; y: Tensor; weight: Tensor; bias: Tensor } {
  const { count, inFeatures: d, outFeatures: o = 1, noise = 0.1, seed = 0 } = opts;
  checkCounts('linearRegression', { count, inFeatures: d, outFeatures: o });
  const rng = new Rng(seed);
  const weight = Float32Array.from({ length: o * d }, () => rng.normal());
  const bias = Float32Array.from({ length: o }, () => rng.normal());
  const x = Float32Array.from({ length: count * d }, () => rng.normal());
  const y = new Float32Array(count * o);
  for (let n = 0; n < count; n++) {
    for (let j = 0; j < o; j++) {
      let acc = bias[j]!;
      for (let k = 0; k < d; k++) acc += x[n * d + k]! * weight[j * d + k]!;
      y[n * o + j] = acc + rng.normal(0, noise);
    }
  }
  return { x: new Tensor(x, [count, d]), y: new Tensor(y, [count, o]), weight: new Tensor(weight, [o, d]), bias: new Tensor(bias, [o]) };
}

export interface SyntheticImagesOptions {
  count: number;
  classes?: number;
  /** Height and width. */
  size?: number;
  channels?: number;
  /** Standard deviation of the pixel noise. */
  noise?: number;
  /** Largest shift of the pattern, in pixels, each way. */
  shift?: number;
  seed?: number;
}

/**
 * Images of a class-specific pattern (three soft bright spots per class and
 * channel), moved by up to `shift` pixels and overlaid with noise. Values are
 * floats near [0, 1]; image i has class i mod classes.
 */
export function syntheticImages(opts: SyntheticImagesOptions): ImageDataset {
  const { count, classes = 4, size = 8, channels = 1, noise = 0.1, shift = 1, seed = 0 } = opts;
  checkCounts('syntheticImages', { count, classes, size, channels });
  const rng = new Rng(seed);
  const plane = size * size;
  const templates = new Float32Array(classes * channels * plane);
  for (let t = 0; t < classes * channels; t++) {
    for (let spot = 0; spot < 3; spot++) {
      const cy = rng.uniform(0, size);
      const cx = rng.uniform(0, size);
      const r2 = (size / 5) ** 2;
      for (let yy = 0; yy < size; yy++) {
        for (let xx = 0; xx < size; xx++) templates[t * plane + yy * size + xx]! += Math.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / r2);
      }
    }
  }
  const images = new Float32Array(count * channels * plane);
  const labels = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const c = n % classes;
    labels[n] = c;
    const dy = rng.int(2 * shift + 1) - shift;
    const dx = rng.int(2 * shift + 1) - shift;
    for (let ch = 0; ch < channels; ch++) {
      const src = (c * channels + ch) * plane;
      const dst = (n * channels + ch) * plane;
      for (let yy = 0; yy < size; yy++) {
        for (let xx = 0; xx < size; xx++) {
          const sy = yy - dy;
          const sx = xx - dx;
          const v = sy >= 0 && sy < size && sx >= 0 && sx < size ? templates[src + sy * size + sx]! : 0;
          images[dst + yy * size + xx] = Math.min(v, 1) + rng.normal(0, noise);
        }
      }
    }
  }
  return imageDataset('synthetic-images', images, labels, [count, channels, size, size], classes);
}

function checkCounts(op: string, values: Record<string, number>): void {
  for (const [key, v] of Object.entries(values)) {
    if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`${op}: ${key} must be a positive integer, got ${v}`);
  }
}
