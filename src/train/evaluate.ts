/**
 * Evaluation of a model on the held-out split, without gradients and in eval
 * mode (no dropout, batch-norm running statistics), in a fixed order, so it
 * draws no random numbers and a resumed run evaluates exactly as an
 * uninterrupted one. Shapes: images x [B, C, H, W] -> logits [B, K];
 * text ids [B, T] -> logits [B, T, V].
 *
 * @example
 * const m = evaluate(model, data, { batchSize: 256 });
 * m.accuracy;      // images: loss, accuracy, top5
 * m.bitsPerChar;   // text: loss, accuracy, perplexity, bitsPerChar
 */
import { ImageLoader, TextLoader } from '../data/loader.js';
import type { Model } from '../models/model.js';
import { crossEntropy } from '../ops/cross-entropy.js';
import { noGrad } from '../tensor/grad-mode.js';
import { withStepBuffers } from '../tensor/buffer-pool.js';
import { ConfigError } from '../util/errors.js';
import { addBatch, classificationMetrics, emptyTotals, languageMetrics } from './metrics.js';
import type { TaskData } from './task-data.js';

export interface EvalOptions {
  batchSize: number;
  /** At most this many batches (0 or absent: the whole split). */
  maxBatches?: number;
}

/** Metrics of one evaluation: always loss and accuracy (next-token accuracy for text). */
export interface EvalMetrics {
  loss: number;
  accuracy: number;
  top5?: number;
  perplexity?: number;
  bitsPerChar?: number;
  /** Samples (images) or tokens evaluated. */
  count: number;
}

/** Evaluates on the test split (images) or the validation text. */
export function evaluate(model: Model, data: TaskData, opts: EvalOptions): EvalMetrics {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => (data.kind === 'image' ? evalImages(model, data, opts) : evalText(model, data, opts)));
  } finally {
    model.train(wasTraining);
  }
}

function evalImages(model: Model, data: Extract<TaskData, { kind: 'image' }>, opts: EvalOptions): EvalMetrics {
  if (model.task !== 'classify') throw new ConfigError(`evaluate: a ${model.task} model cannot be evaluated on images; use an image classifier (mlp, cnn, vit)`);
  const loader = new ImageLoader(data.test, { batchSize: opts.batchSize, shuffle: false, ...(data.normalize === undefined ? {} : { normalize: data.normalize }) });
  const totals = emptyTotals();
  let batches = 0;
  for (const { x, y } of loader.epoch()) {
    withStepBuffers(() => {
      const logits = model.forward(x);
      addBatch(totals, logits.data, model.classes, y, crossEntropy(logits, y).item());
    });
    if (++batches === opts.maxBatches) break;
  }
  const m = classificationMetrics(totals);
  return { loss: m.loss, accuracy: m.accuracy, top5: m.top5, count: totals.count };
}

function evalText(model: Model, data: Extract<TaskData, { kind: 'text' }>, opts: EvalOptions): EvalMetrics {
  if (model.task !== 'lm') throw new ConfigError(`evaluate: a ${model.task} model cannot be evaluated on text; use a language model (gpt)`);
  const loader = new TextLoader(data.text.val, { batchSize: opts.batchSize, blockSize: data.contextLength, mode: 'sequential' });
  const totals = emptyTotals();
  let batches = 0;
  for (const { x, y, idsShape } of loader.epoch()) {
    withStepBuffers(() => {
      const logits = model.forward(x, idsShape);
      addBatch(totals, logits.data, model.vocabSize, y, crossEntropy(logits, y).item());
    });
    if (++batches === opts.maxBatches) break;
  }
  const m = classificationMetrics(totals);
  return { ...languageMetrics(m.loss), accuracy: m.accuracy, count: totals.count };
}
