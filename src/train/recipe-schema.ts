/**
 * The recipe: everything a training run needs, as one strict schema with
 * every default in this file. Unknown keys are rejected with their key path;
 * `sparsekit train` writes the resolved recipe (defaults filled in) into the run.
 *
 * @example
 * // examples/fmnist-mlp.yaml
 * // name: fmnist-mlp
 * // model: { type: mlp, hidden: [256, 128] }
 * // data: { type: fashion-mnist, source: system }
 * // optim: { type: adamw, lr: 1e-3 }
 * // lrSchedule: { type: cosine, warmupFraction: 0.02 }
 * // train: { epochs: 5, batchSize: 128 }
 * const recipe = loadRecipe('examples/fmnist-mlp.yaml', ['train.epochs=1']);
 */
import { z } from 'zod';
import { loadRecipeFile, validateRecipe } from '../io/recipe-file.js';
import { ModelConfigSchema } from '../models/index.js';
import { sparsityPlanSchema } from '../sparse/plan/schema.js';

const positiveInt = z.number().int().min(1);
const nonNegativeInt = z.number().int().min(0);
const fraction = z.number().min(0).max(1);

const FashionMnistDataSchema = z.strictObject({
  type: z.literal('fashion-mnist'),
  /** auto: the system set when installed, else the embedded subset; system; embedded; or a folder with the four IDX files. */
  source: z.string().min(1).default('auto'),
  augment: z
    .strictObject({
      /** Pad by this many pixels, then crop back at a random offset (0: off). */
      cropPadding: nonNegativeInt.default(0),
      flip: z.boolean().default(false),
    })
    .prefault({}),
  /** Standardise pixels with the training set's mean and std (default true). */
  normalize: z.boolean().default(true),
});

const TextDataSchema = z.strictObject({
  type: z.literal('text'),
  /** A text file; left out, the built-in generated corpus is used. */
  path: z.string().min(1).optional(),
  /** Size and seed of the generated corpus (when no path is given). */
  corpusChars: positiveInt.default(300_000),
  corpusSeed: nonNegativeInt.default(1234),
  level: z.enum(['char', 'byte']).default('char'),
  /** Tokens per training window (T); at most the model's context length. */
  contextLength: positiveInt.default(64),
  /** Share of the text, from its end, held out for validation. */
  valFraction: z.number().gt(0).lt(1).default(0.1),
});

const SyntheticDataSchema = z.strictObject({
  type: z.literal('synthetic'),
  /** Training images; testCount more are made from the same class patterns. */
  count: positiveInt.default(512),
  testCount: positiveInt.default(256),
  classes: positiveInt.default(4),
  size: positiveInt.default(8),
  channels: positiveInt.default(1),
  noise: z.number().min(0).default(0.1),
  shift: nonNegativeInt.default(1),
});

const DataSchema = z.discriminatedUnion('type', [FashionMnistDataSchema, TextDataSchema, SyntheticDataSchema]);

/** Which parameters weight decay applies to: all, or matrices and kernels only (not biases and norms). */
const decayOf = z.enum(['all', 'matrices']);

const SgdSchema = z.strictObject({
  type: z.literal('sgd'),
  lr: z.number().min(0).default(0.1),
  momentum: z.number().min(0).lt(1).default(0.9),
  nesterov: z.boolean().default(false),
  weightDecay: z.number().min(0).default(0),
  decay: decayOf.default('matrices'),
});

const AdamWSchema = z.strictObject({
  type: z.literal('adamw'),
  lr: z.number().min(0).default(1e-3),
  betas: z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]).default([0.9, 0.999]),
  eps: z.number().gt(0).default(1e-8),
  weightDecay: z.number().min(0).default(0.01),
  decay: decayOf.default('matrices'),
});

const AdafactorSchema = z.strictObject({
  type: z.literal('adafactor'),
  /** An external learning rate (then the lrSchedule applies); left out, Adafactor's relative step size is used. */
  lr: z.number().min(0).optional(),
  beta1: z.number().min(0).lt(1).optional(),
  scaleParameter: z.boolean().default(true),
  clipThreshold: z.number().gt(0).default(1),
  weightDecay: z.number().min(0).default(0),
  decay: decayOf.default('matrices'),
});

const OptimSchema = z.discriminatedUnion('type', [SgdSchema, AdamWSchema, AdafactorSchema]);

const warmup = {
  /** Linear warmup over this many steps ... */
  warmupSteps: nonNegativeInt.default(0),
  /** ... or over this fraction of the run (give one of the two). */
  warmupFraction: z.number().min(0).lt(1).default(0),
};

const LrScheduleSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('constant'), ...warmup }),
    z.strictObject({ type: z.literal('step'), ...warmup, stepSize: positiveInt, gamma: z.number().min(0).default(0.1) }),
    z.strictObject({ type: z.literal('linear'), ...warmup, endLr: z.number().min(0).default(0) }),
    z.strictObject({ type: z.literal('cosine'), ...warmup, endLr: z.number().min(0).default(0) }),
  ])
  .refine((s) => s.warmupSteps === 0 || s.warmupFraction === 0, { message: 'give warmupSteps or warmupFraction, not both', path: ['warmupSteps'] });

const TrainSchema = z
  .strictObject({
    /** Length of the run: epochs, or steps (optimizer updates); give one (default 1 epoch; null unsets, e.g. --set train.epochs=null). */
    epochs: positiveInt.nullish(),
    steps: positiveInt.nullish(),
    batchSize: positiveInt.default(64),
    /** Evaluate every this many steps as well as after each epoch (0: after each epoch only). */
    evalEvery: nonNegativeInt.default(0),
    /** Evaluate on at most this many batches (0: the whole evaluation split). */
    evalBatches: nonNegativeInt.default(0),
    /** Clip the global gradient norm to this value (0: no clipping). */
    clipGradNorm: z.number().min(0).default(0),
    /** Write a checkpoint every this many steps (0: after each epoch); one is always written at the end. */
    checkpointEvery: nonNegativeInt.default(0),
    /** A training line in metrics.jsonl every this many steps. */
    logEvery: positiveInt.default(50),
    /** Threads of the native kernel pool (left out: the pool's size, SPARSEKIT_THREADS or all cores). */
    threads: positiveInt.optional(),
    labelSmoothing: fraction.default(0),
  })
  .refine((t) => (t.epochs ?? null) === null || (t.steps ?? null) === null, { message: 'give train.epochs or train.steps, not both', path: ['steps'] });

/**
 * The whole recipe. `sparsity` is sparse-core's plan schema
 * (src/sparse/plan/schema.ts); left out, the run is dense.
 */
export const RecipeSchema = z.strictObject({
  /** Name of the run folder (runs/<name>); --name overrides it. */
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, ".", "_" and "-" only (it names a folder)').optional(),
  seed: nonNegativeInt.default(0),
  model: ModelConfigSchema,
  data: DataSchema.prefault({ type: 'fashion-mnist' }),
  optim: OptimSchema.prefault({ type: 'adamw' }),
  lrSchedule: LrScheduleSchema.prefault({ type: 'constant' }),
  train: TrainSchema.prefault({}),
  sparsity: sparsityPlanSchema.optional(),
  output: z.strictObject({ root: z.string().min(1).default('runs') }).prefault({}),
});

/** A recipe as written (defaults may be left out). */
export type RecipeInput = z.input<typeof RecipeSchema>;
/** A validated recipe with every default filled in. */
export type Recipe = z.output<typeof RecipeSchema>;
export type DataConfig = Recipe['data'];
export type OptimConfig = Recipe['optim'];
export type LrScheduleRecipe = Recipe['lrSchedule'];
export type TrainConfig = Recipe['train'];

/**
 * Reads a recipe file (YAML or JSON), applies `--set key=value` overrides and
 * validates it; a ConfigError names the file and each bad key.
 *
 * @example
 * const recipe = loadRecipe('examples/char-gpt.yaml', ['train.steps=200']);
 */
export function loadRecipe(path: string, overrides: readonly string[] = []): Recipe {
  return loadRecipeFile(path, overrides, RecipeSchema);
}

/**
 * Validates a recipe given as an object (`source` names it in errors).
 *
 * @example
 * const recipe = parseRecipe({ model: { type: 'mlp' }, data: { type: 'synthetic' } });
 */
export function parseRecipe(doc: unknown, source = 'recipe'): Recipe {
  return validateRecipe(doc, RecipeSchema, source);
}
