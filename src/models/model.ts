/**
 * The two kinds of model and the one way a trainer tells them apart: the
 * `task` field. Shapes: B batch, C channels, H×W image, K classes, T tokens,
 * V vocabulary.
 */
import type { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Rng } from '../util/rng.js';

/** 'classify': images in, class logits out; 'lm': token ids in, next-token logits out. */
export type ModelTask = 'classify' | 'lm';

/**
 * An image classifier: x [B, C, H, W] -> logits [B, K].
 *
 * @example
 * const logits = model.forward(images); // [64, 1, 28, 28] -> [64, 10]
 */
export interface ImageClassifier extends Module {
  readonly task: 'classify';
  /** Number of classes K. */
  readonly classes: number;
  /** The stream every dropout of the model draws from: save its state in a checkpoint to resume exactly. */
  readonly dropoutRng: Rng;
  forward(x: Tensor): Tensor;
}

/**
 * A causal language model: ids (B·T token ids, row-major) with idsShape
 * [B, T] -> logits [B, T, V]; position t sees tokens 0..t only.
 *
 * @example
 * const logits = gpt.forward(Int32Array.from([1, 5, 2, 7]), [2, 2]); // [2, 2, V]
 */
export interface LanguageModel extends Module {
  readonly task: 'lm';
  /** Vocabulary size V. */
  readonly vocabSize: number;
  /** Longest sequence T the model accepts. */
  readonly contextLength: number;
  /** The stream every dropout of the model draws from: save its state in a checkpoint to resume exactly. */
  readonly dropoutRng: Rng;
  forward(ids: Int32Array, idsShape: readonly number[]): Tensor;
}

/**
 * What buildModel returns; narrow it with `task`.
 *
 * @example
 * const model = buildModel(config, rng);
 * const logits = model.task === 'lm' ? model.forward(ids, [B, T]) : model.forward(images);
 */
export type Model = ImageClassifier | LanguageModel;
