/**
 * Seeded shuffling and batching, exactly resumable: getState() captures the
 * epoch, the position inside it and the random generator, and setState() on
 * a fresh loader over the same data continues with identical batches — what
 * a resumed training run needs.
 *
 * Shapes: B batch, C channels, H height, W width, T tokens per window.
 *
 * @example
 * const loader = new ImageLoader(train, { batchSize: 128, seed: 1, augment: { cropPadding: 2, flip: true } });
 * for (const { x, y } of loader.epoch()) { ... }        // x [B, C, H, W], y Int32Array [B]
 * const saved = loader.getState();                      // later: loader2.setState(saved)
 * const text = new TextLoader(ds.train, { batchSize: 32, blockSize: 64, seed: 1 });
 * const { x, y, idsShape } = text.next();               // x, y Int32Array [B, T]; y is x shifted by one
 */
import { Tensor } from '../tensor/tensor.js';
import { ArgumentError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import type { ImageDataset } from './image-dataset.js';

/** A loader's position: plain JSON, saved with checkpoints. */
export interface LoaderState {
  readonly epoch: number;
  /** Batches already served in this epoch. */
  readonly position: number;
  /** Samples (images) or tokens in the data, to catch a resume over different data. */
  readonly size: number;
  readonly rng: readonly number[];
  /** The generator as it was before drawing this epoch's order (null before the first batch of the epoch). */
  readonly epochRng: readonly number[] | null;
}

export interface ImageBatch {
  /** [B, C, H, W], normalised. */
  readonly x: Tensor;
  /** [B] class ids. */
  readonly y: Int32Array;
  readonly epoch: number;
  /** Index of this batch within its epoch. */
  readonly index: number;
}

export interface ImageLoaderOptions {
  batchSize: number;
  /** A new random order each epoch (default true). */
  shuffle?: boolean;
  seed?: number;
  /** Drop the last, smaller batch of each epoch (default false). */
  dropLast?: boolean;
  /** Per channel: x = (pixel - mean) / std, with pixels in [0, 1] for byte images. */
  normalize?: { readonly mean: readonly number[]; readonly std: readonly number[] };
  augment?: {
    /** Pad by this many zero pixels on each side, then crop back to H×W at a random offset. */
    cropPadding?: number;
    /** Mirror left-right with probability 1/2. */
    flip?: boolean;
  };
}

/** Batches of images and labels in a seeded order, with optional random-crop and flip augmentation. */
export class ImageLoader {
  readonly batchSize: number;
  readonly batchesPerEpoch: number;
  private readonly shuffle: boolean;
  private readonly padding: number;
  private readonly flip: boolean;
  private readonly mean: Float32Array;
  private readonly std: Float32Array;
  private readonly rng: Rng;
  private epochIndex = 0;
  private position = 0;
  private order: Int32Array | null = null;
  private epochRng: number[] | null = null;

  constructor(readonly dataset: ImageDataset, opts: ImageLoaderOptions) {
    this.batchSize = positiveInt(opts.batchSize, 'ImageLoader', 'batchSize');
    this.shuffle = opts.shuffle ?? true;
    this.padding = opts.augment?.cropPadding ?? 0;
    if (!Number.isInteger(this.padding) || this.padding < 0) throw new ArgumentError(`ImageLoader: cropPadding ${this.padding} must be a non-negative integer`);
    this.flip = opts.augment?.flip ?? false;
    const c = dataset.channels;
    const mean = opts.normalize?.mean ?? new Array<number>(c).fill(0);
    const std = opts.normalize?.std ?? new Array<number>(c).fill(1);
    if (mean.length !== c || std.length !== c || std.some((s) => !(s > 0))) {
      throw new ArgumentError(`ImageLoader ${dataset.name}: normalize needs ${c} means and ${c} positive stds (one per channel), got mean [${mean}] and std [${std}]`);
    }
    this.mean = Float32Array.from(mean);
    this.std = Float32Array.from(std);
    const full = Math.floor(dataset.count / this.batchSize);
    this.batchesPerEpoch = opts.dropLast === true || dataset.count % this.batchSize === 0 ? full : full + 1;
    if (this.batchesPerEpoch === 0) {
      throw new ArgumentError(`ImageLoader ${dataset.name}: ${dataset.count} images make no batch of ${this.batchSize} with dropLast; lower batchSize`);
    }
    this.rng = new Rng(opts.seed ?? 0);
  }

  /** The next batch, moving on to a new epoch after the last one. */
  next(): ImageBatch {
    if (this.position >= this.batchesPerEpoch) {
      this.epochIndex++;
      this.position = 0;
      this.order = null;
    }
    const order = this.currentOrder();
    const start = this.position * this.batchSize;
    const picks = order.subarray(start, Math.min(start + this.batchSize, this.dataset.count));
    const batch = { x: this.assemble(picks), y: picks.map((i) => this.dataset.labels[i]!), epoch: this.epochIndex, index: this.position };
    this.position++;
    return batch;
  }

  /** The batches left in the current epoch (all of them at its start). */
  *epoch(): Generator<ImageBatch, void, undefined> {
    if (this.position >= this.batchesPerEpoch) yield this.next();
    while (this.position < this.batchesPerEpoch) yield this.next();
  }

  getState(): LoaderState {
    return { epoch: this.epochIndex, position: this.position, size: this.dataset.count, rng: this.rng.getState(), epochRng: this.epochRng === null ? null : [...this.epochRng] };
  }

  setState(state: LoaderState): void {
    checkState(state, this.dataset.count, this.batchesPerEpoch, `ImageLoader ${this.dataset.name}`);
    this.epochIndex = state.epoch;
    this.position = state.position;
    this.order = null;
    this.epochRng = null;
    if (state.epochRng !== null) {
      this.rng.setState(state.epochRng);
      this.currentOrder();
    }
    this.rng.setState(state.rng);
  }

  private currentOrder(): Int32Array {
    if (this.order === null) {
      this.epochRng = this.rng.getState();
      this.order = this.shuffle ? this.rng.permutation(this.dataset.count) : Int32Array.from({ length: this.dataset.count }, (_, i) => i);
    }
    return this.order;
  }

  /** Copies, normalises and augments the picked images into one [B, C, H, W] tensor. */
  private assemble(picks: Int32Array): Tensor {
    const { channels: c, height: h, width: w, images } = this.dataset;
    const scale = images instanceof Uint8Array ? 1 / 255 : 1;
    const p = this.padding;
    const out = new Float32Array(picks.length * c * h * w);
    for (let b = 0; b < picks.length; b++) {
      // Draw order per image is part of the resume contract: crop rows, crop columns, then flip.
      const dy = p > 0 ? this.rng.int(2 * p + 1) - p : 0;
      const dx = p > 0 ? this.rng.int(2 * p + 1) - p : 0;
      const mirror = this.flip && this.rng.uniform() < 0.5;
      for (let ch = 0; ch < c; ch++) {
        const src = (picks[b]! * c + ch) * h * w;
        const dst = (b * c + ch) * h * w;
        const m = this.mean[ch]!;
        const s = this.std[ch]!;
        for (let y = 0; y < h; y++) {
          const sy = y + dy;
          for (let x = 0; x < w; x++) {
            const sx = (mirror ? w - 1 - x : x) + dx;
            const v = sy >= 0 && sy < h && sx >= 0 && sx < w ? images[src + sy * w + sx]! * scale : 0;
            out[dst + y * w + x] = (v - m) / s;
          }
        }
      }
    }
    return new Tensor(out, [picks.length, c, h, w]);
  }
}

export interface TextBatch {
  /** [B, T] input ids. */
  readonly x: Int32Array;
  /** [B, T] next-token ids: the window shifted by one. */
  readonly y: Int32Array;
  readonly idsShape: readonly [number, number];
  readonly epoch: number;
  readonly index: number;
}

export interface TextLoaderOptions {
  batchSize: number;
  /** Tokens per window (T). */
  blockSize: number;
  /** 'random' (default): windows at random offsets; 'sequential': consecutive windows from the start, for evaluation. */
  mode?: 'random' | 'sequential';
  seed?: number;
}

/** Windows of T tokens and their next-token targets. */
export class TextLoader {
  readonly batchSize: number;
  readonly blockSize: number;
  readonly mode: 'random' | 'sequential';
  /** For random windows, one epoch is as many tokens as the text holds. */
  readonly batchesPerEpoch: number;
  private readonly windows: number;
  private readonly rng: Rng;
  private epochIndex = 0;
  private position = 0;

  constructor(readonly ids: Int32Array, opts: TextLoaderOptions) {
    this.batchSize = positiveInt(opts.batchSize, 'TextLoader', 'batchSize');
    this.blockSize = positiveInt(opts.blockSize, 'TextLoader', 'blockSize');
    this.mode = opts.mode ?? 'random';
    if (ids.length < this.blockSize + 1) {
      throw new ArgumentError(`TextLoader: ${ids.length} tokens are too few for windows of ${this.blockSize} (at least ${this.blockSize + 1} needed); lower blockSize or use a longer text`);
    }
    this.windows = Math.floor((ids.length - 1) / this.blockSize);
    this.batchesPerEpoch = this.mode === 'sequential' ? Math.ceil(this.windows / this.batchSize) : Math.max(1, Math.floor(this.windows / this.batchSize));
    this.rng = new Rng(opts.seed ?? 0);
  }

  next(): TextBatch {
    if (this.position >= this.batchesPerEpoch) {
      this.epochIndex++;
      this.position = 0;
    }
    const t = this.blockSize;
    const first = this.position * this.batchSize;
    const rows = this.mode === 'sequential' ? Math.min(this.batchSize, this.windows - first) : this.batchSize;
    const x = new Int32Array(rows * t);
    const y = new Int32Array(rows * t);
    for (let b = 0; b < rows; b++) {
      const start = this.mode === 'sequential' ? (first + b) * t : this.rng.int(this.ids.length - t);
      x.set(this.ids.subarray(start, start + t), b * t);
      y.set(this.ids.subarray(start + 1, start + t + 1), b * t);
    }
    const batch: TextBatch = { x, y, idsShape: [rows, t], epoch: this.epochIndex, index: this.position };
    this.position++;
    return batch;
  }

  *epoch(): Generator<TextBatch, void, undefined> {
    if (this.position >= this.batchesPerEpoch) yield this.next();
    while (this.position < this.batchesPerEpoch) yield this.next();
  }

  getState(): LoaderState {
    return { epoch: this.epochIndex, position: this.position, size: this.ids.length, rng: this.rng.getState(), epochRng: null };
  }

  setState(state: LoaderState): void {
    checkState(state, this.ids.length, this.batchesPerEpoch, 'TextLoader');
    this.epochIndex = state.epoch;
    this.position = state.position;
    this.rng.setState(state.rng);
  }
}

function positiveInt(v: number, op: string, key: string): number {
  if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`${op}: ${key} must be a positive integer, got ${v}`);
  return v;
}

function checkState(state: LoaderState, size: number, batchesPerEpoch: number, where: string): void {
  const ok =
    typeof state === 'object' && state !== null && Number.isInteger(state.epoch) && state.epoch >= 0 &&
    Number.isInteger(state.position) && state.position >= 0 && state.position <= batchesPerEpoch &&
    Array.isArray(state.rng) && state.rng.length >= 4;
  if (!ok) throw new ArgumentError(`${where}: setState got ${JSON.stringify(state)?.slice(0, 120)}, not a state saved by getState() of a loader like this one`);
  if (state.size !== size) {
    throw new ArgumentError(`${where}: the saved state is for data of ${state.size} samples or tokens, but this loader has ${size}; resume with the same dataset`);
  }
}
