/**
 * Makes data/fashion-mnist-subset: a seeded, class-balanced subset of the full
 * Fashion-MNIST (by default from Debian's dataset-fashion-mnist), written as
 * gzipped IDX files with the standard names so the usual loader reads it.
 *
 * Usage: npx tsx scripts/make-embedded-fmnist.ts [fromDir] [toDir] [--train 6000] [--test 1000] [--seed 2017]
 */
import { join } from 'node:path';
import { encodeIdx } from '../src/data/idx.js';
import { FASHION_MNIST_EMBEDDED_DIR, FASHION_MNIST_FILES, FASHION_MNIST_SYSTEM_DIR, loadFashionMnist } from '../src/data/fashion-mnist.js';
import type { ImageDataset } from '../src/data/image-dataset.js';
import { writeFileAtomic } from '../src/io/atomic-write.js';
import { Rng } from '../src/util/rng.js';

const args = process.argv.slice(2);
function flag(name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(args.splice(i, 2)[1]);
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} needs a non-negative integer`);
  return v;
}
const trainCount = flag('train', 6000);
const testCount = flag('test', 1000);
const seed = flag('seed', 2017);
const [fromDir = FASHION_MNIST_SYSTEM_DIR, toDir = FASHION_MNIST_EMBEDDED_DIR] = args;

/** Indices of `total` images, total/classes of each class, chosen by a seeded shuffle and kept in shuffled order. */
function balancedPick(ds: ImageDataset, total: number, rng: Rng): Int32Array {
  if (total % ds.numClasses !== 0) throw new Error(`${total} is not a multiple of ${ds.numClasses} classes`);
  const perClass = total / ds.numClasses;
  const taken = new Array<number>(ds.numClasses).fill(0);
  const out: number[] = [];
  for (const i of rng.permutation(ds.count)) {
    const y = ds.labels[i]!;
    if (taken[y]! < perClass) {
      taken[y]!++;
      out.push(i);
    }
  }
  if (out.length !== total) throw new Error(`${ds.name} has too few images of some class for ${perClass} per class`);
  return Int32Array.from(out);
}

function writeSubset(ds: ImageDataset, picks: Int32Array, imagesName: string, labelsName: string): void {
  const pixels = ds.height * ds.width;
  const images = new Uint8Array(picks.length * pixels);
  const labels = new Uint8Array(picks.length);
  picks.forEach((src, k) => {
    images.set((ds.images as Uint8Array).subarray(src * pixels, (src + 1) * pixels), k * pixels);
    labels[k] = ds.labels[src]!;
  });
  writeFileAtomic(join(toDir, `${imagesName}.gz`), encodeIdx({ dtype: 'u8', shape: [picks.length, ds.height, ds.width], data: images }, true), { mkdir: true });
  writeFileAtomic(join(toDir, `${labelsName}.gz`), encodeIdx({ dtype: 'u8', shape: [picks.length], data: labels }, true));
}

const full = loadFashionMnist({ source: fromDir });
const rng = new Rng(seed);
writeSubset(full.train, balancedPick(full.train, trainCount, rng), FASHION_MNIST_FILES.trainImages, FASHION_MNIST_FILES.trainLabels);
writeSubset(full.test, balancedPick(full.test, testCount, rng), FASHION_MNIST_FILES.testImages, FASHION_MNIST_FILES.testLabels);
console.log(JSON.stringify({ from: full.dir, to: toDir, train: trainCount, test: testCount, seed }));
