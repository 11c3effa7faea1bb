/**
 * The data a recipe names, loaded and split: images (Fashion-MNIST or the
 * synthetic set) with a test split, or a text dataset with its validation
 * part. Shapes: N images, C channels, H×W size; text as token ids.
 *
 * @example
 * const data = loadTaskData(recipe.data);
 * if (data.kind === 'image') data.train.count; else data.text.vocab.size;
 */
import { loadFashionMnist, FASHION_MNIST_NORMALIZE } from '../data/fashion-mnist.js';
import { imageDataset, type ImageDataset } from '../data/image-dataset.js';
import { generateCorpus } from '../data/corpus.js';
import { loadTextFile, textDataset, type TextDataset } from '../data/text.js';
import { syntheticImages } from '../data/synthetic.js';
import { ArgumentError, ConfigError } from '../util/errors.js';
import type { DataConfig } from './recipe-schema.js';

export interface ImageTaskData {
  readonly kind: 'image';
  readonly train: ImageDataset;
  readonly test: ImageDataset;
  readonly normalize: { readonly mean: readonly number[]; readonly std: readonly number[] } | undefined;
  /** Training-time augmentation (none for synthetic images). */
  readonly augment: { readonly cropPadding: number; readonly flip: boolean };
  /** Where the images came from, for the summary. */
  readonly description: string;
}

export interface TextTaskData {
  readonly kind: 'text';
  readonly text: TextDataset;
  /** Tokens per training window (T). */
  readonly contextLength: number;
  readonly description: string;
}

export type TaskData = ImageTaskData | TextTaskData;

/** Loads what `data:` names; a missing file or folder is a clear error naming the `data.*` key. */
export function loadTaskData(cfg: DataConfig, seed: number): TaskData {
  switch (cfg.type) {
    case 'fashion-mnist': {
      const fm = rethrowAsConfig('data.source', () => loadFashionMnist({ source: cfg.source }));
      return {
        kind: 'image',
        train: fm.train,
        test: fm.test,
        normalize: cfg.normalize ? FASHION_MNIST_NORMALIZE : undefined,
        augment: cfg.augment,
        description: `Fashion-MNIST ${fm.embedded ? 'embedded subset' : 'full set'} from ${fm.dir} (${fm.train.count} train, ${fm.test.count} test)`,
      };
    }
    case 'synthetic': {
      // One draw for both splits, so the test images share the class patterns of the training ones.
      const all = syntheticImages({ count: cfg.count + cfg.testCount, classes: cfg.classes, size: cfg.size, channels: cfg.channels, noise: cfg.noise, shift: cfg.shift, seed });
      return {
        kind: 'image',
        train: slice(all, 0, cfg.count, 'synthetic/train'),
        test: slice(all, cfg.count, cfg.count + cfg.testCount, 'synthetic/test'),
        normalize: undefined,
        augment: { cropPadding: 0, flip: false },
        description: `synthetic images (${cfg.count} train, ${cfg.testCount} test, ${cfg.classes} classes, ${cfg.size}×${cfg.size})`,
      };
    }
    case 'text': {
      const opts = { level: cfg.level, valFraction: cfg.valFraction };
      const text =
        cfg.path === undefined
          ? textDataset(generateCorpus({ seed: cfg.corpusSeed, chars: cfg.corpusChars }), { ...opts, name: 'generated corpus' })
          : rethrowAsConfig('data.path', () => loadTextFile(cfg.path!, opts));
      const minTokens = cfg.contextLength + 1;
      if (text.val.length < minTokens || text.train.length < minTokens) {
        throw new ConfigError(
          `data: ${text.name} gives ${text.train.length} training and ${text.val.length} validation tokens, too few for windows of data.contextLength ${cfg.contextLength}; use a longer text, a larger data.valFraction or a smaller data.contextLength`,
        );
      }
      return { kind: 'text', text, contextLength: cfg.contextLength, description: `${text.name} (${cfg.level} level, vocabulary ${text.vocab.size}, ${text.train.length} train and ${text.val.length} validation tokens)` };
    }
  }
}

function slice(ds: ImageDataset, start: number, end: number, name: string): ImageDataset {
  const plane = ds.channels * ds.height * ds.width;
  return imageDataset(name, ds.images.subarray(start * plane, end * plane), ds.labels.subarray(start, end), [end - start, ds.channels, ds.height, ds.width], ds.numClasses);
}

function rethrowAsConfig<T>(key: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    // A missing file or folder is a recipe problem: name the key that points there.
    if (err instanceof ArgumentError) throw new ConfigError(`${key}: ${err.message}`);
    throw err;
  }
}
