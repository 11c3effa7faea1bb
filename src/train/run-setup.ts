/**
 * Everything a run is made of, built from a validated recipe: data, model,
 * training loader, optimizer, learning-rate schedule, sparsity controller and
 * the run's length. The same recipe and seed always build the same setup;
 * `sparsekit eval` builds one to reload a checkpoint into.
 * Shapes: images x [B, C, H, W] -> logits [B, K]; text ids [B, T] -> logits [B, T, V].
 *
 * @example
 * const setup = setupTraining(recipe);
 * const { loss, samples } = trainingLoss(setup, setup.loader.next());
 */
import { ImageLoader, TextLoader, type ImageBatch, type TextBatch } from '../data/loader.js';
import { buildModel, type Model } from '../models/index.js';
import { Dropout } from '../nn/dropout.js';
import { crossEntropy } from '../ops/cross-entropy.js';
import type { LrSchedule } from '../optim/lr-schedule.js';
import type { Optimizer } from '../optim/optimizer.js';
import { applySparsity } from '../sparse/plan/apply-sparsity.js';
import type { SparsityController } from '../sparse/plan/sparsity-controller.js';
import type { Tensor } from '../tensor/tensor.js';
import { ConfigError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { buildLrSchedule, buildOptimizer } from './build-optimizer.js';
import type { Recipe } from './recipe-schema.js';
import { loadTaskData, type TaskData } from './task-data.js';

export interface TrainingSetup {
  /** The recipe as run: for text, model.vocabSize is the data's vocabulary size. */
  readonly recipe: Recipe;
  readonly data: TaskData;
  readonly model: Model;
  /** Every random generator the run draws from after setup, by a stable name (checkpointed). */
  readonly rngs: ReadonlyMap<string, Rng>;
  readonly loader: ImageLoader | TextLoader;
  readonly batchesPerEpoch: number;
  readonly totalSteps: number;
  readonly totalEpochs: number;
  readonly optimizer: Optimizer;
  /** Null when the optimizer sets its own step size (Adafactor without lr). */
  readonly lr: LrSchedule | null;
  readonly sparsity: SparsityController | null;
}

/** Builds a run from its recipe; a model that does not fit the data is a ConfigError saying which key to change. */
export function setupTraining(input: Recipe): TrainingSetup {
  const master = new Rng(input.seed);
  const data = loadTaskData(input.data, master.nextUint32());
  const recipe = fitModelToData(input, data);
  const model = buildModel(recipe.model, master.fork());
  const loaderSeed = master.nextUint32();
  const t = recipe.train;
  let loader: ImageLoader | TextLoader;
  if (data.kind === 'image') {
    loader = new ImageLoader(data.train, { batchSize: t.batchSize, seed: loaderSeed, augment: data.augment, ...(data.normalize === undefined ? {} : { normalize: data.normalize }) });
  } else {
    loader = new TextLoader(data.text.train, { batchSize: t.batchSize, blockSize: data.contextLength, seed: loaderSeed });
  }
  const batchesPerEpoch = loader.batchesPerEpoch;
  const totalSteps = t.steps ?? (t.epochs ?? 1) * batchesPerEpoch;
  const totalEpochs = totalSteps / batchesPerEpoch;
  const optimizer = buildOptimizer(model, recipe.optim);
  const lr = buildLrSchedule(recipe.lrSchedule, recipe.optim, totalSteps);
  const sparsity = recipe.sparsity === undefined ? null : applySparsity(model, recipe.sparsity, { totalSteps, totalEpochs });
  return { recipe, data, model, rngs: dropoutRngs(model), loader, batchesPerEpoch, totalSteps, totalEpochs, optimizer, lr, sparsity };
}

/** The loss of one training batch, on the tape, with the samples and tokens it holds. */
export function trainingLoss(setup: TrainingSetup, batch: ImageBatch | TextBatch): { loss: Tensor; samples: number; tokens: number } {
  const smoothing = setup.recipe.train.labelSmoothing;
  const model = setup.model;
  if ('idsShape' in batch) {
    if (model.task !== 'lm') throw new ConfigError('model: text data needs a language model (type gpt)');
    const logits = model.forward(batch.x, batch.idsShape);
    return { loss: crossEntropy(logits, batch.y, { labelSmoothing: smoothing }), samples: batch.idsShape[0], tokens: batch.x.length };
  }
  if (model.task !== 'classify') throw new ConfigError('model: image data needs an image classifier (type mlp, cnn or vit)');
  const logits = model.forward(batch.x);
  return { loss: crossEntropy(logits, batch.y, { labelSmoothing: smoothing }), samples: batch.y.length, tokens: 0 };
}

// Dropout draws from its own generator; one per distinct generator, named by the first module using it.
function dropoutRngs(model: Model): Map<string, Rng> {
  const out = new Map<string, Rng>();
  const seen = new Set<Rng>();
  for (const [name, m] of model.namedModules()) {
    if (m instanceof Dropout && !seen.has(m.rng)) {
      seen.add(m.rng);
      out.set(`dropout:${name}`, m.rng);
    }
  }
  return out;
}

function fitModelToData(recipe: Recipe, data: TaskData): Recipe {
  const m = recipe.model;
  if (data.kind === 'text') {
    if (m.type !== 'gpt') throw new ConfigError(`model.type: text data needs a language model; set model.type: gpt (it is ${m.type})`);
    if (data.contextLength > m.contextLength) {
      throw new ConfigError(`data.contextLength ${data.contextLength} exceeds model.contextLength ${m.contextLength}; lower data.contextLength or raise model.contextLength`);
    }
    // The vocabulary comes from the data (a char vocabulary depends on the text), so the data sets it.
    return m.vocabSize === data.text.vocab.size ? recipe : { ...recipe, model: { ...m, vocabSize: data.text.vocab.size } };
  }
  if (m.type === 'gpt') throw new ConfigError(`model.type: gpt is a language model, but data.type ${recipe.data.type} gives images; use data.type: text, or model.type mlp, cnn or vit`);
  const { numClasses, channels, height, width } = data.train;
  if (m.classes !== numClasses) throw new ConfigError(`model.classes is ${m.classes} but the data has ${numClasses} classes; set model.classes: ${numClasses}`);
  if (m.type === 'mlp') {
    const want = channels * height * width;
    const got = m.inputShape.reduce((a, b) => a * b, 1);
    if (got !== want) throw new ConfigError(`model.inputShape [${m.inputShape.join(', ')}] does not match the images [${channels}, ${height}, ${width}]; set model.inputShape: [${channels}, ${height}, ${width}]`);
  } else {
    if (m.inChannels !== channels) throw new ConfigError(`model.inChannels is ${m.inChannels} but the images have ${channels}; set model.inChannels: ${channels}`);
    if (m.type === 'vit' && (m.imageSize !== height || height !== width)) {
      throw new ConfigError(`model.imageSize is ${m.imageSize} but the images are ${height}×${width}; set model.imageSize: ${height}`);
    }
  }
  return recipe;
}
