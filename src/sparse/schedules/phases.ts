/**
 * Training phases of sparse training: dense → sparse → fine-tune, given as
 * fractions of the run. Dense: weights used as they are. Sparse: masks
 * recomputed and the flow (and any structure or mask decay) active.
 * Fine-tune: hard mask, masks frozen, pattern fixed.
 * Steps count from 0 to totalSteps − 1; phase boundaries are whole steps.
 *
 * @example
 * const span = { totalSteps: 1000, totalEpochs: 10 };
 * phaseAt(50, span, { denseFraction: 0.1, fineTuneFraction: 0.2 }).phase; // 'dense'
 * phaseAt(850, span, { denseFraction: 0.1, fineTuneFraction: 0.2 }).phase; // 'fine-tune'
 */
import { ConfigError } from '../../util/errors.js';

/** The length of the run the schedules are laid over. */
export interface TrainingSpan {
  readonly totalSteps: number;
  readonly totalEpochs: number;
}

export interface PhaseFractions {
  /** Fraction of the run trained dense first (default 0). */
  readonly denseFraction?: number;
  /** Fraction of the run at the end with frozen hard masks (default 0). */
  readonly fineTuneFraction?: number;
}

export type Phase = 'dense' | 'sparse' | 'fine-tune';

export interface PhaseInfo {
  readonly phase: Phase;
  /** First step of the sparse phase (= number of dense steps). */
  readonly sparseStart: number;
  /** Number of steps in the sparse phase. */
  readonly sparseSteps: number;
  /** First step of the fine-tune phase. */
  readonly fineTuneStart: number;
  /** Steps since the sparse phase began (negative while dense). */
  readonly sparseStep: number;
}

/** Checks a span and the fractions; names what is wrong and how to fix it. */
export function checkPhases(span: TrainingSpan, fractions: PhaseFractions): void {
  if (!Number.isInteger(span.totalSteps) || span.totalSteps < 1) {
    throw new ConfigError(`sparsity schedule: totalSteps must be a whole number >= 1, got ${span.totalSteps}`);
  }
  if (!(span.totalEpochs > 0)) {
    throw new ConfigError(`sparsity schedule: totalEpochs must be > 0, got ${span.totalEpochs}`);
  }
  const d = fractions.denseFraction ?? 0;
  const f = fractions.fineTuneFraction ?? 0;
  for (const [key, v] of [['denseFraction', d], ['fineTuneFraction', f]] as const) {
    if (!(v >= 0 && v <= 1)) throw new ConfigError(`sparsity.${key}: ${v} must lie in [0, 1] (a fraction of the training steps)`);
  }
  if (d + f > 1) {
    throw new ConfigError(`sparsity: denseFraction (${d}) + fineTuneFraction (${f}) exceed 1; together they must leave room for the run (lower one of them)`);
  }
}

/** The phase of a step and the phase boundaries. */
export function phaseAt(step: number, span: TrainingSpan, fractions: PhaseFractions): PhaseInfo {
  checkPhases(span, fractions);
  const T = span.totalSteps;
  const sparseStart = Math.round((fractions.denseFraction ?? 0) * T);
  const fineTuneStart = Math.max(sparseStart, T - Math.round((fractions.fineTuneFraction ?? 0) * T));
  const phase: Phase = step < sparseStart ? 'dense' : step >= fineTuneStart ? 'fine-tune' : 'sparse';
  return { phase, sparseStart, sparseSteps: fineTuneStart - sparseStart, fineTuneStart, sparseStep: step - sparseStart };
}
