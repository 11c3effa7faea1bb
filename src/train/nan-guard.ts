/**
 * The NaN/Inf guard: a training step whose loss or gradient norm is not
 * finite, or after which a weight is not, stops the run with a message that
 * names the step, instead of writing NaN into weights and checkpoints.
 *
 * @example
 * const why = nonFiniteReason(loss, gradNorm);
 * if (why !== null) throw new TrainingDivergedError(step, epoch, why, lastCheckpoint);
 */
import type { Module } from '../nn/module.js';
import { SparsekitError } from '../util/errors.js';

/** Training produced NaN or Inf; the last good checkpoint (if any) is kept. */
export class TrainingDivergedError extends SparsekitError {
  constructor(
    readonly step: number,
    readonly epoch: number,
    readonly reason: string,
    readonly lastCheckpoint: { path: string; step: number } | null,
  ) {
    const kept = lastCheckpoint === null ? 'no checkpoint had been written yet' : `the last good checkpoint (step ${lastCheckpoint.step}) is kept in ${lastCheckpoint.path}`;
    super(
      `training diverged at step ${step} (epoch ${epoch.toFixed(2)}): ${reason}; ${kept}. ` +
        'Start the run again with a lower optim.lr, a learning-rate warmup (lrSchedule.warmupFraction) or train.clipGradNorm',
    );
  }
}

/** Why a step's loss or gradient norm is unusable, or null when both are finite. */
export function nonFiniteReason(loss: number, gradNorm: number): string | null {
  if (!Number.isFinite(loss)) return `the training loss is ${loss}`;
  if (!Number.isFinite(gradNorm)) return `the gradient norm is ${gradNorm} (loss ${loss})`;
  return null;
}

/** The name of the first parameter holding NaN or Inf, or null. */
export function firstNonFiniteParameter(model: Module): string | null {
  for (const [name, p] of model.namedParameters()) {
    const d = p.data;
    for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i]!)) return name;
  }
  return null;
}

/** The L2 norm of all gradients together (what clipping measures). */
export function gradientNorm(model: Module): number {
  let sq = 0;
  for (const p of model.parameters()) {
    if (p.grad === null) continue;
    const g = p.grad.data;
    for (let i = 0; i < g.length; i++) sq += g[i]! * g[i]!;
  }
  return Math.sqrt(sq);
}
