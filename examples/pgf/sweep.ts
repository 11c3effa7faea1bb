/**
 * The gradient-flow study's sweep (Bambhaniya et al. 2024, "Progressive
 * Gradient Flow for Robust N:M Sparsity Training in Transformers"): a tiny ViT
 * on the embedded Fashion-MNIST subset and a tiny character-level GPT, each
 * dense and at N:M with several gradient flows, over several seeds.
 *
 * Every sparse run shares the same phases (10% dense, 80% sparse, 10% hard
 * fine-tune). The reference code's decay coefficient (2e-4 per step) is sized
 * for runs of ~10⁵ steps; over our ~150 sparse steps β would stay near 1, so the
 * coefficients are rescaled to the run: linear β reaches 0, and exponential β
 * reaches e⁻⁵ ≈ 0.007, three quarters of the way through the sparse phase.
 *
 * @example
 * const runs = expandSweep(studySweep());
 * runs.length; // 108 ViT + 30 GPT runs
 */
import type { RecipeInput } from '../../src/train/recipe-schema.js';

/** The flows compared; sdgf-* are structure decay run with flow ste. */
export const VIT_FLOWS = ['ste', 'srste', 'mdgf-linear', 'mdgf-exp', 'sdgf-stepwise', 'sdgf-geometric', 'bdwp'] as const;
export const GPT_FLOWS = ['srste', 'mdgf-exp', 'sdgf-geometric'] as const;

export type StudyFlow = (typeof VIT_FLOWS)[number];
export type StudyModel = 'vit' | 'gpt';

export interface NM {
  readonly n: number;
  readonly m: number;
}

/** One model's part of the sweep. */
export interface ModelSweep {
  readonly model: StudyModel;
  readonly base: RecipeInput;
  /** Training steps of one run (equal for every run of this model). */
  readonly totalSteps: number;
  /** Batches in one epoch of the training data, as the loader counts them. */
  readonly stepsPerEpoch: number;
  readonly patterns: readonly NM[];
  readonly flows: readonly StudyFlow[];
  readonly locations: readonly ('ff' | 'q' | 'k' | 'v')[];
  /** The input (grouped) dimension of every selected weight: a group must divide each. */
  readonly groupedDims: readonly number[];
}

export interface StudySweep {
  readonly seeds: readonly number[];
  readonly denseFraction: number;
  readonly fineTuneFraction: number;
  readonly models: readonly ModelSweep[];
}

/** One run of the sweep: its folder name, where its result is grouped, and its recipe. */
export interface RunSpec {
  readonly id: string;
  /** The configuration the run is one seed of, e.g. 'vit 1:8 srste' (seeds aggregate over it). */
  readonly config: string;
  readonly model: StudyModel;
  readonly pattern: string;
  readonly flow: StudyFlow | 'dense';
  readonly seed: number;
  readonly recipe: RecipeInput;
}

const FMNIST_TRAIN = 6000;
/** The generated corpus (300,000 characters) less its last 10% held out for validation. */
const CORPUS_TRAIN = 270_000;
const DENSE_FRACTION = 0.1;
const FINE_TUNE_FRACTION = 0.1;
/** β is (nearly) 0 this far through the sparse phase. */
const DECAY_DONE_AT = 0.75;
const EXP_DECAY_TARGET = 5;

/**
 * The study as run for results.md; `quick` shrinks it to one seed of
 * shorter runs, a smoke test of the whole pipeline.
 */
export function studySweep(opts: { quick?: boolean } = {}): StudySweep {
  const quick = opts.quick === true;
  const vitEpochs = quick ? 1 : 2;
  const vitBatch = 64;
  const gptSteps = quick ? 60 : 200;
  const gptBatch = 16;
  const gptContext = 32;
  // ViT: 16 patches of 7×7, width 64, MLP 128; q/k/v and fc1 read 64 inputs, fc2 reads 128.
  const vit: ModelSweep = {
    model: 'vit',
    base: {
      model: { type: 'vit', imageSize: 28, patchSize: 7, dim: 64, depth: 2, heads: 4, mlpRatio: 2 },
      data: { type: 'fashion-mnist', source: 'embedded' },
      optim: { type: 'adamw', lr: 0.002, weightDecay: 0.05 },
      lrSchedule: { type: 'cosine', warmupFraction: 0.05 },
      train: { epochs: vitEpochs, batchSize: vitBatch, logEvery: 25 },
    },
    totalSteps: vitEpochs * Math.ceil(FMNIST_TRAIN / vitBatch),
    stepsPerEpoch: Math.ceil(FMNIST_TRAIN / vitBatch),
    patterns: [{ n: 2, m: 4 }, { n: 1, m: 4 }, { n: 1, m: 8 }, { n: 1, m: 16 }, { n: 1, m: 32 }],
    flows: VIT_FLOWS,
    locations: ['ff', 'q', 'k', 'v'],
    groupedDims: [64, 128],
  };
  // GPT: width 64, MLP 256, context 32 characters; fc1 reads 64 inputs, fc2 reads 256.
  const gpt: ModelSweep = {
    model: 'gpt',
    base: {
      model: { type: 'gpt', contextLength: gptContext, dim: 64, depth: 2, heads: 4, mlpRatio: 4 },
      data: { type: 'text', level: 'char', contextLength: gptContext },
      optim: { type: 'adamw', lr: 0.003, weightDecay: 0.05 },
      lrSchedule: { type: 'cosine', warmupFraction: 0.05 },
      train: { steps: gptSteps, batchSize: gptBatch, logEvery: 50 },
    },
    totalSteps: gptSteps,
    // Random windows: an epoch is as many windows as the 270,000 training characters hold.
    stepsPerEpoch: Math.floor(Math.floor((CORPUS_TRAIN - 1) / gptContext) / gptBatch),
    patterns: [{ n: 1, m: 8 }, { n: 1, m: 16 }, { n: 1, m: 32 }],
    flows: GPT_FLOWS,
    locations: ['ff'],
    groupedDims: [64, 256],
  };
  return { seeds: quick ? [0] : [0, 1, 2], denseFraction: DENSE_FRACTION, fineTuneFraction: FINE_TUNE_FRACTION, models: [vit, gpt] };
}

/** Steps of the sparse phase, rounded as the phase schedule rounds them. */
export function sparseSteps(totalSteps: number, denseFraction: number, fineTuneFraction: number): number {
  const start = Math.round(denseFraction * totalSteps);
  const fineTune = Math.max(start, totalSteps - Math.round(fineTuneFraction * totalSteps));
  return fineTune - start;
}

/** Decay coefficients that bring β to (nearly) 0 at DECAY_DONE_AT of the sparse phase. */
export function decayCoefs(sparse: number): { linear: number; exp: number } {
  const done = DECAY_DONE_AT * sparse;
  return { linear: 1 / done, exp: EXP_DECAY_TARGET / done };
}

/**
 * The geometric structure decay 8N:8M → 4N:4M → 2N:2M → N:M over four equal
 * slices, with a stage whose group does not divide every grouped dimension
 * replaced by the largest one that does (at width 64, 1:32 runs 2:64 for three
 * slices, then 1:32). Returns null when the plain schedule fits.
 */
export function geometricStages(target: NM, groupedDims: readonly number[], sparseStartEpoch: number, sparseEpochs: number): Array<{ epoch: number; n: number; m: number }> | null {
  const fits = (f: number): boolean => groupedDims.every((d) => d % (f * target.m) === 0);
  const factors = [8, 4, 2, 1];
  if (factors.every(fits)) return null;
  const stages: Array<{ epoch: number; n: number; m: number }> = [];
  factors.forEach((want, i) => {
    const f = factors.find((g) => g <= want && fits(g)) ?? 1;
    const last = stages[stages.length - 1];
    if (last !== undefined && last.m === f * target.m) return;
    stages.push({ epoch: i === 0 ? 0 : sparseStartEpoch + (i * sparseEpochs) / 4, n: f * target.n, m: f * target.m });
  });
  return stages;
}

function sparsityFor(flow: StudyFlow, p: NM, ms: ModelSweep, sweep: StudySweep): NonNullable<RecipeInput['sparsity']> {
  const common = { n: p.n, m: p.m, locations: [...ms.locations], denseFraction: sweep.denseFraction, fineTuneFraction: sweep.fineTuneFraction };
  const coefs = decayCoefs(sparseSteps(ms.totalSteps, sweep.denseFraction, sweep.fineTuneFraction));
  switch (flow) {
    case 'ste':
    case 'srste':
    case 'bdwp':
      return { ...common, flow };
    case 'mdgf-linear':
      return { ...common, flow: 'mdgf', decay: 'linear', decayCoef: coefs.linear };
    case 'mdgf-exp':
      return { ...common, flow: 'mdgf', decay: 'exp', decayCoef: coefs.exp };
    case 'sdgf-stepwise':
      return { ...common, flow: 'ste', structureDecay: 'stepwise' };
    case 'sdgf-geometric': {
      const epochs = ms.totalSteps / ms.stepsPerEpoch;
      const stages = geometricStages(p, ms.groupedDims, sweep.denseFraction * epochs, (1 - sweep.denseFraction - sweep.fineTuneFraction) * epochs);
      return stages === null ? { ...common, flow: 'ste', structureDecay: 'geometric' } : { ...common, flow: 'ste', structureDecay: 'custom', structureStages: stages };
    }
  }
}

/**
 * Every run of the sweep, seed-major (all configurations of seed 0 first), so
 * a sweep cut short still covers every configuration.
 */
export function expandSweep(sweep: StudySweep): RunSpec[] {
  const out: RunSpec[] = [];
  for (const seed of sweep.seeds) {
    for (const ms of sweep.models) {
      out.push({ id: `${ms.model}-dense-s${seed}`, config: `${ms.model} dense`, model: ms.model, pattern: 'dense', flow: 'dense', seed, recipe: { ...ms.base, seed } });
      for (const p of ms.patterns) {
        for (const flow of ms.flows) {
          const pattern = `${p.n}:${p.m}`;
          out.push({
            id: `${ms.model}-${p.n}of${p.m}-${flow}-s${seed}`,
            config: `${ms.model} ${pattern} ${flow}`,
            model: ms.model,
            pattern,
            flow,
            seed,
            recipe: { ...ms.base, seed, sparsity: sparsityFor(flow, p, ms, sweep) },
          });
        }
      }
    }
  }
  return out;
}
