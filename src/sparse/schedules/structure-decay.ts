/**
 * SDGF, structure-decay gradient flow (Bambhaniya et al. 2024): the N:M
 * pattern tightens in stages over the sparse phase, so pruned weights leave
 * the gradient flow gradually.
 * - stepwise, target N:M (M/N a power of two): (M−1):M, M/2:M, M/4:M, …, N:M
 *   over equal slices of the sparse phase (1:8: 7:8 → 4:8 → 2:8 → 1:8);
 * - geometric: 8N:8M → 4N:4M → 2N:2M → N:M over four equal slices (the group
 *   grows, so the grouped dimension must be a multiple of 8M);
 * - custom: a list of patterns with the epoch each starts at.
 * The fine-tune phase always uses the target.
 *
 * The reference code's stepwise schedule ("sparsify") splits the sparse epochs
 * into log2(M/N) + 1 frames starting at whole epochs; here the slices are
 * counted in steps, so they stay equal when epochs do not divide evenly.
 *
 * @example
 * structureDecayPatterns({ n: 1, m: 8 }, 'stepwise'); // 7:8, 4:8, 2:8, 1:8
 * structureDecayPatterns({ n: 1, m: 8 }, 'geometric'); // 8:64, 4:32, 2:16, 1:8
 */
import { ConfigError } from '../../util/errors.js';
import { formatNM, type NMPattern } from '../patterns/nm-pattern.js';
import type { PhaseInfo, TrainingSpan } from './phases.js';

/** One stage of a custom structure schedule: this pattern from this epoch on. */
export interface StructureStage {
  readonly epoch: number;
  readonly n: number;
  readonly m: number;
}

export type StructureDecay =
  | { readonly type: 'stepwise' }
  | { readonly type: 'geometric' }
  | { readonly type: 'custom'; readonly stages: readonly StructureStage[] };

/** The stages of a stepwise or geometric decay towards `target` (axis kept). */
export function structureDecayPatterns(target: NMPattern, type: 'stepwise' | 'geometric'): NMPattern[] {
  const { n, m } = target;
  const at = (nn: number, mm: number): NMPattern => (target.axis === undefined ? { n: nn, m: mm } : { n: nn, m: mm, axis: target.axis });
  if (type === 'geometric') return [8, 4, 2, 1].map((f) => at(f * n, f * m));
  const ratio = m / n;
  const frames = Math.log2(ratio);
  if (!Number.isInteger(frames)) {
    throw new ConfigError(`sparsity.structureDecay: stepwise needs M/N to be a power of two (target ${formatNM(target)} has M/N = ${ratio}); use geometric or a custom list`);
  }
  if (frames === 0) return [at(n, m)];
  const out = [at(m - 1, m)];
  for (let i = 1; i <= frames; i++) out.push(at(m / 2 ** i, m));
  return out;
}

/**
 * Checks a custom list: whole-number patterns, epochs ascending, ending at
 * the target (so the fine-tune phase and finalize() agree with the schedule).
 */
export function checkStructureStages(stages: readonly StructureStage[], target: NMPattern, where = 'sparsity.structureDecay'): void {
  if (stages.length === 0) throw new ConfigError(`${where}: a custom structure decay needs at least one {epoch, n, m} stage`);
  stages.forEach((s, i) => {
    if (!Number.isInteger(s.n) || !Number.isInteger(s.m) || s.n < 1 || s.n > s.m) {
      throw new ConfigError(`${where}.stages[${i}]: ${s.n}:${s.m} is not an N:M pattern (whole numbers, 1 <= N <= M)`);
    }
    if (!(s.epoch >= 0)) throw new ConfigError(`${where}.stages[${i}]: epoch ${s.epoch} must be >= 0`);
    if (i > 0 && s.epoch <= stages[i - 1]!.epoch) {
      throw new ConfigError(`${where}.stages[${i}]: epochs must increase (${stages[i - 1]!.epoch} then ${s.epoch})`);
    }
  });
  const last = stages[stages.length - 1]!;
  if (last.n !== target.n || last.m !== target.m) {
    throw new ConfigError(`${where}: the last stage ${last.n}:${last.m} must equal the target ${formatNM(target)} (the pattern of the fine-tune phase and of the final weights)`);
  }
}

/**
 * The pattern in force at a step: the target outside the sparse phase (and
 * without decay), else the stage of the structure schedule.
 */
export function structurePatternAt(step: number, span: TrainingSpan, phase: PhaseInfo, target: NMPattern, decay?: StructureDecay): NMPattern {
  if (decay === undefined || phase.phase !== 'sparse') return target;
  if (decay.type === 'custom') {
    const stepsPerEpoch = span.totalSteps / span.totalEpochs;
    let stage = decay.stages[0]!;
    // A small tolerance so that epoch·stepsPerEpoch landing a hair above a whole step still counts.
    for (const s of decay.stages) if (step + 1e-9 >= s.epoch * stepsPerEpoch) stage = s;
    const p = { n: stage.n, m: stage.m };
    return target.axis === undefined ? p : { ...p, axis: target.axis };
  }
  const stages = structureDecayPatterns(target, decay.type);
  const k = Math.min(stages.length - 1, Math.floor((phase.sparseStep * stages.length) / Math.max(1, phase.sparseSteps)));
  return stages[k]!;
}

