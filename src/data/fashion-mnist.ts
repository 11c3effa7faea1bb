/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf 2017, arXiv:1708.07747): 28×28
 * grey images of clothing in ten classes, as four IDX files (raw or gzipped).
 * Sources, in the order 'auto' tries them: the full set that Debian's
 * dataset-fashion-mnist package installs, then the class-balanced subset
 * shipped in data/fashion-mnist-subset. Any folder with the four files works.
 *
 * @example
 * const { train, test, source } = loadFashionMnist();            // system set or embedded subset
 * const small = loadFashionMnist({ source: 'embedded' });        // 6000 train + 1000 test
 * const mine = loadFashionMnist({ source: '/data/fmnist' });     // any folder
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArgumentError, FormatError, fmtShape } from '../util/errors.js';
import { readIdx } from './idx.js';
import { imageDataset, type ImageDataset } from './image-dataset.js';

/** Where Debian's dataset-fashion-mnist package puts the full set. */
export const FASHION_MNIST_SYSTEM_DIR = '/usr/share/datasets/fashion-mnist';

/** The subset committed with sparsekit (made by scripts/make-embedded-fmnist.ts). */
export const FASHION_MNIST_EMBEDDED_DIR = fileURLToPath(new URL('../../data/fashion-mnist-subset', import.meta.url));

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
] as const;

/** Per-channel mean and standard deviation of the full training set's pixels (in [0, 1]), for normalising. */
export const FASHION_MNIST_NORMALIZE = { mean: [0.286] as readonly number[], std: [0.353] as readonly number[] };

export const FASHION_MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

export interface FashionMnist {
  readonly train: ImageDataset;
  readonly test: ImageDataset;
  /** The folder the files came from. */
  readonly dir: string;
  /** True when this is the embedded subset rather than a full set. */
  readonly embedded: boolean;
}

export interface FashionMnistOptions {
  /** 'auto' (default): the system set when installed, else the embedded subset; 'system'; 'embedded'; or a folder. */
  source?: 'auto' | 'system' | 'embedded' | (string & {});
}

const HOW_TO_GET =
  `install the full set with \`sudo apt install dataset-fashion-mnist\` (it goes to ${FASHION_MNIST_SYSTEM_DIR}), ` +
  `pass a folder holding ${Object.values(FASHION_MNIST_FILES).join(', ')} (each may end in .gz), ` +
  "or use source 'embedded' for the subset shipped with sparsekit";

/** Loads the training and test splits of Fashion-MNIST. */
export function loadFashionMnist(opts: FashionMnistOptions = {}): FashionMnist {
  const source = opts.source ?? 'auto';
  let dir: string;
  if (source === 'auto') dir = findFiles(FASHION_MNIST_SYSTEM_DIR) !== null ? FASHION_MNIST_SYSTEM_DIR : FASHION_MNIST_EMBEDDED_DIR;
  else if (source === 'system') dir = FASHION_MNIST_SYSTEM_DIR;
  else if (source === 'embedded') dir = FASHION_MNIST_EMBEDDED_DIR;
  else dir = source;
  if (!existsSync(dir)) throw new ArgumentError(`Fashion-MNIST: the folder ${dir} does not exist; ${HOW_TO_GET}`);
  const files = findFiles(dir);
  if (files === null) {
    const missing = Object.values(FASHION_MNIST_FILES).filter((f) => locate(dir, f) === null);
    throw new ArgumentError(`Fashion-MNIST: ${dir} has no ${missing.map((f) => `${f}[.gz]`).join(', ')}; ${HOW_TO_GET}`);
  }
  return {
    train: loadSplit('fashion-mnist/train', files.trainImages, files.trainLabels),
    test: loadSplit('fashion-mnist/test', files.testImages, files.testLabels),
    dir,
    embedded: dir === FASHION_MNIST_EMBEDDED_DIR,
  };
}

type FileSet = Record<keyof typeof FASHION_MNIST_FILES, string>;

function findFiles(dir: string): FileSet | null {
  const out: Partial<FileSet> = {};
  for (const [key, name] of Object.entries(FASHION_MNIST_FILES) as [keyof FileSet, string][]) {
    const path = locate(dir, name);
    if (path === null) return null;
    out[key] = path;
  }
  return out as FileSet;
}

function locate(dir: string, name: string): string | null {
  for (const candidate of [name, `${name}.gz`]) {
    const path = join(dir, candidate);
    if (existsSync(path)) return path;
  }
  return null;
}

function loadSplit(name: string, imagesPath: string, labelsPath: string): ImageDataset {
  const images = readIdx(imagesPath);
  const labels = readIdx(labelsPath);
  if (images.dtype !== 'u8' || images.shape.length !== 3) {
    throw new FormatError(`Fashion-MNIST ${imagesPath}: expected u8 images of shape [N, H, W], found ${images.dtype} ${fmtShape(images.shape)}; is this the right file?`);
  }
  if (labels.dtype !== 'u8' || labels.shape.length !== 1 || labels.shape[0] !== images.shape[0]) {
    throw new FormatError(
      `Fashion-MNIST ${labelsPath}: expected ${images.shape[0]} u8 labels to match ${imagesPath}, found ${labels.dtype} ${fmtShape(labels.shape)}; are the files from the same set?`,
    );
  }
  const [n, h, w] = images.shape as [number, number, number];
  const y = Int32Array.from(labels.data);
  const bad = y.findIndex((v) => v >= FASHION_MNIST_CLASSES.length);
  if (bad >= 0) throw new FormatError(`Fashion-MNIST ${labelsPath}: label ${y[bad]} at index ${bad} is not a class 0..9; the file is corrupt`);
  return imageDataset(name, images.data as Uint8Array, y, [n, 1, h, w], FASHION_MNIST_CLASSES.length, FASHION_MNIST_CLASSES);
}
