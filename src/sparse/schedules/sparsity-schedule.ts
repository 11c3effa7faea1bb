/**
 * The whole sparse-training schedule of one layer as a pure function of the
 * step: phase, N:M pattern in force, mask-decay factor β and whether the mask
 * is due to be recomputed.
 *
 * @example
 * const s = scheduleAt(120, { totalSteps: 1000, totalEpochs: 10 }, {
 *   target: { n: 1, m: 8 }, denseFraction: 0.1, fineTuneFraction: 0.1,
 *   maskDecay: { type: 'exp', coef: 2e-4 }, structureDecay: { type: 'stepwise' },
 * });
 * s.phase; s.pattern; s.beta; s.recomputeMask;
 */
import { ConfigError } from '../../util/errors.js';
import { samePattern, type NMPattern } from '../patterns/nm-pattern.js';
import { maskDecayFactor, type MaskDecay } from './decay-factor.js';
import { phaseAt, type Phase, type PhaseFractions, type TrainingSpan } from './phases.js';
import { checkStructureStages, structurePatternAt, type StructureDecay } from './structure-decay.js';

export interface SparsitySchedule extends PhaseFractions {
  /** The final N:M pattern. */
  readonly target: NMPattern;
  /** Recompute masks every this many steps of the sparse phase (default 1). */
  readonly maskInterval?: number;
  /** Present for mdgf: pruned weights scaled by β(t) during the sparse phase. */
  readonly maskDecay?: MaskDecay;
  /** Present for sdgf: the pattern tightens in stages. */
  readonly structureDecay?: StructureDecay;
}

export interface ScheduleState {
  readonly phase: Phase;
  readonly pattern: NMPattern;
  /** Weight kept on pruned entries: 1 while dense, β(t) under mask decay, else 0. */
  readonly beta: number;
  /** True when the schedule asks for a new mask at this step. */
  readonly recomputeMask: boolean;
  /** Steps since the sparse phase began (negative while dense). */
  readonly sparseStep: number;
}

/** Checks the schedule's own settings (the span and fractions are checked by phaseAt). */
export function checkSchedule(schedule: SparsitySchedule): void {
  const k = schedule.maskInterval ?? 1;
  if (!Number.isInteger(k) || k < 1) throw new ConfigError(`sparsity.maskInterval: ${k} must be a whole number of steps >= 1`);
  if (schedule.structureDecay?.type === 'custom') checkStructureStages(schedule.structureDecay.stages, schedule.target);
}

/** The schedule's state at a step. */
export function scheduleAt(step: number, span: TrainingSpan, schedule: SparsitySchedule): ScheduleState {
  checkSchedule(schedule);
  const info = phaseAt(step, span, schedule);
  const pattern = structurePatternAt(step, span, info, schedule.target, schedule.structureDecay);
  if (info.phase === 'dense') return { phase: 'dense', pattern, beta: 1, recomputeMask: false, sparseStep: info.sparseStep };
  if (info.phase === 'fine-tune') {
    return { phase: 'fine-tune', pattern, beta: 0, recomputeMask: step === info.fineTuneStart, sparseStep: info.sparseStep };
  }
  const beta = schedule.maskDecay === undefined ? 0 : maskDecayFactor(info.sparseStep, schedule.maskDecay);
  const interval = schedule.maskInterval ?? 1;
  const prev = step > info.sparseStart ? structurePatternAt(step - 1, span, phaseAt(step - 1, span, schedule), schedule.target, schedule.structureDecay) : null;
  const recomputeMask = info.sparseStep % interval === 0 || prev === null || !samePattern(prev, pattern);
  return { phase: 'sparse', pattern, beta, recomputeMask, sparseStep: info.sparseStep };
}
