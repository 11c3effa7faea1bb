/**
 * Learning-rate schedules as pure functions of the step: constant, step
 * decay, linear decay and cosine decay (Loshchilov & Hutter 2017,
 * arXiv:1608.03983, without restarts), each after an optional linear warmup.
 * `step` is the 0-based index of the optimizer step about to be taken.
 */
import { ArgumentError } from '../util/errors.js';

interface Common {
  /** Peak learning rate, reached at the end of the warmup. */
  readonly lr: number;
  /** Step s < warmupSteps uses lr·(s + 1)/warmupSteps (default 0: no warmup). */
  readonly warmupSteps?: number;
}

/** lr after the warmup. */
export interface ConstantSchedule extends Common {
  readonly kind: 'constant';
}

/** lr·gamma^⌊t/stepSize⌋, t counted from the end of the warmup. */
export interface StepSchedule extends Common {
  readonly kind: 'step';
  readonly stepSize: number;
  /** Default 0.1. */
  readonly gamma?: number;
}

/** From lr down to endLr in a straight line, reached at totalSteps and held after. */
export interface LinearSchedule extends Common {
  readonly kind: 'linear';
  readonly totalSteps: number;
  /** Default 0. */
  readonly endLr?: number;
}

/** endLr + (lr − endLr)·(1 + cos(π·t/(totalSteps − warmupSteps)))/2, held at endLr after totalSteps. */
export interface CosineSchedule extends Common {
  readonly kind: 'cosine';
  readonly totalSteps: number;
  /** Default 0. */
  readonly endLr?: number;
}

export type LrScheduleConfig = ConstantSchedule | StepSchedule | LinearSchedule | CosineSchedule;

/** A checked schedule: learning rate as a function of the step. */
export type LrSchedule = (step: number) => number;

/**
 * Checks a schedule's settings once and returns it as a function of the step.
 *
 * @example
 * const sched = lrSchedule({ kind: 'cosine', lr: 3e-4, warmupSteps: 100, totalSteps: 5000, endLr: 3e-5 });
 * for (let s = 0; s < 5000; s++) { opt.lr = sched(s); ...; opt.step(); }
 */
export function lrSchedule(cfg: LrScheduleConfig): LrSchedule {
  checkConfig(cfg);
  return (step) => valueAt(cfg, step);
}

/**
 * The learning rate of one step.
 *
 * @example
 * lrAt({ kind: 'step', lr: 0.1, stepSize: 30, gamma: 0.1 }, 65); // 0.001
 */
export function lrAt(cfg: LrScheduleConfig, step: number): number {
  checkConfig(cfg);
  return valueAt(cfg, step);
}

function valueAt(cfg: LrScheduleConfig, step: number): number {
  if (!Number.isInteger(step) || step < 0) throw new ArgumentError(`lrSchedule: step ${step} must be an integer ≥ 0`);
  const warmup = cfg.warmupSteps ?? 0;
  if (step < warmup) return (cfg.lr * (step + 1)) / warmup;
  const t = step - warmup;
  switch (cfg.kind) {
    case 'constant':
      return cfg.lr;
    case 'step':
      return cfg.lr * (cfg.gamma ?? 0.1) ** Math.floor(t / cfg.stepSize);
    case 'linear': {
      const end = cfg.endLr ?? 0;
      return end + (cfg.lr - end) * Math.max(0, 1 - t / (cfg.totalSteps - warmup));
    }
    case 'cosine': {
      const end = cfg.endLr ?? 0;
      const frac = Math.min(1, t / (cfg.totalSteps - warmup));
      return end + (cfg.lr - end) * 0.5 * (1 + Math.cos(Math.PI * frac));
    }
  }
}

function checkConfig(cfg: LrScheduleConfig): void {
  const where = `lrSchedule (${cfg.kind})`;
  const nonNeg = (v: number | undefined, what: string): void => {
    if (v !== undefined && !(v >= 0 && Number.isFinite(v))) throw new ArgumentError(`${where}: ${what} ${v} must be a finite number ≥ 0`);
  };
  const count = (v: number | undefined, what: string, min: number, required = false): void => {
    if (v === undefined && required) throw new ArgumentError(`${where}: ${what} is required`);
    if (v !== undefined && !(Number.isInteger(v) && v >= min)) throw new ArgumentError(`${where}: ${what} ${v} must be an integer ≥ ${min}`);
  };
  nonNeg(cfg.lr, 'lr');
  count(cfg.warmupSteps, 'warmupSteps', 0);
  switch (cfg.kind) {
    case 'constant':
      return;
    case 'step':
      count(cfg.stepSize, 'stepSize', 1, true);
      nonNeg(cfg.gamma, 'gamma');
      return;
    case 'linear':
    case 'cosine':
      count(cfg.totalSteps, 'totalSteps', 1, true);
      nonNeg(cfg.endLr, 'endLr');
      if (cfg.totalSteps <= (cfg.warmupSteps ?? 0)) {
        throw new ArgumentError(`${where}: totalSteps ${cfg.totalSteps} must exceed warmupSteps ${cfg.warmupSteps ?? 0}`);
      }
      return;
    default:
      throw new ArgumentError(`lrSchedule: unknown kind '${String((cfg as { kind: unknown }).kind)}' (use constant, step, linear or cosine)`);
  }
}
