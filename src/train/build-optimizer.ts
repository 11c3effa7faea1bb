/**
 * The optimizer and learning-rate schedule a recipe names, over a model's
 * parameters, with the schedule laid over the run's total steps.
 *
 * @example
 * const opt = buildOptimizer(model, recipe.optim);
 * const lr = buildLrSchedule(recipe.lrSchedule, recipe.optim, totalSteps);
 * opt.lr = lr(step);
 */
import type { Module } from '../nn/module.js';
import { Adafactor } from '../optim/adafactor.js';
import { AdamW } from '../optim/adamw.js';
import { decayMatricesOnly, type Optimizer } from '../optim/optimizer.js';
import { lrSchedule, type LrSchedule } from '../optim/lr-schedule.js';
import { SGD } from '../optim/sgd.js';
import { ConfigError } from '../util/errors.js';
import type { LrScheduleRecipe, OptimConfig } from './recipe-schema.js';

/** A new optimizer for the model's parameters. */
export function buildOptimizer(model: Module, cfg: OptimConfig): Optimizer {
  const decayFilter = cfg.decay === 'matrices' ? decayMatricesOnly : undefined;
  const common = decayFilter === undefined ? {} : { decayFilter };
  switch (cfg.type) {
    case 'sgd':
      return new SGD(model, { lr: cfg.lr, momentum: cfg.momentum, nesterov: cfg.nesterov, weightDecay: cfg.weightDecay, ...common });
    case 'adamw':
      return new AdamW(model, { lr: cfg.lr, betas: cfg.betas, eps: cfg.eps, weightDecay: cfg.weightDecay, ...common });
    case 'adafactor':
      return new Adafactor(model, {
        ...(cfg.lr === undefined ? {} : { lr: cfg.lr }),
        ...(cfg.beta1 === undefined ? {} : { beta1: cfg.beta1 }),
        scaleParameter: cfg.scaleParameter,
        clipThreshold: cfg.clipThreshold,
        weightDecay: cfg.weightDecay,
        ...common,
      });
  }
}

/**
 * The learning rate of each step; null when the optimizer sets its own step
 * size (Adafactor without lr).
 */
export function buildLrSchedule(cfg: LrScheduleRecipe, optim: OptimConfig, totalSteps: number): LrSchedule | null {
  if (optim.lr === undefined) {
    if (cfg.type !== 'constant' || cfg.warmupSteps > 0 || cfg.warmupFraction > 0) {
      throw new ConfigError(`lrSchedule: Adafactor without optim.lr uses its relative step size, so lrSchedule.type ${cfg.type} would do nothing; give optim.lr or remove lrSchedule`);
    }
    return null;
  }
  const warmupSteps = cfg.warmupSteps > 0 ? cfg.warmupSteps : Math.round(cfg.warmupFraction * totalSteps);
  if (warmupSteps >= totalSteps && cfg.type !== 'constant') {
    throw new ConfigError(`lrSchedule: the warmup (${warmupSteps} steps) must be shorter than the run (${totalSteps} steps); lower lrSchedule.warmupSteps or warmupFraction`);
  }
  const lr = optim.lr;
  switch (cfg.type) {
    case 'constant':
      return lrSchedule({ kind: 'constant', lr, warmupSteps });
    case 'step':
      return lrSchedule({ kind: 'step', lr, warmupSteps, stepSize: cfg.stepSize, gamma: cfg.gamma });
    case 'linear':
      return lrSchedule({ kind: 'linear', lr, warmupSteps, totalSteps, endLr: cfg.endLr });
    case 'cosine':
      return lrSchedule({ kind: 'cosine', lr, warmupSteps, totalSteps, endLr: cfg.endLr });
  }
}
