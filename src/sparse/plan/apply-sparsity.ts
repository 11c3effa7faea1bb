/**
 * applySparsity: makes the weights a plan selects N:M on any Module, through
 * the effective-weight hook (no special model classes), and returns the
 * controller that drives masks and schedules during training.
 *
 * How each flow is installed:
 * - ste, srste, mdgf: a weight transform, `module.setWeightTransform('weight',
 *   w => flow(w, mask, ...))`, read by Linear, Conv2d and Embedding;
 * - bdwp: its two products need two different weights, which a transform
 *   cannot express, so the Linear's product is replaced instead
 *   (`linear.setForwardOverride((x, w, b) => bdwpLinear(x, w, b, fwd, bwd))`)
 *   while the weight has no transform; bdwp therefore applies to Linear
 *   layers only.
 *
 * @example
 * const ctl = applySparsity(model, { n: 1, m: 8, flow: 'mdgf', decay: 'exp', locations: ['ff', 'q', 'k', 'v'] },
 *   { totalSteps: 10_000, totalEpochs: 20 });
 * for (let step = 0; step < 10_000; step++) {
 *   ctl.step(step);             // before the forward pass of this step
 *   // forward, backward, optimizer step
 * }
 * ctl.finalize();               // weights exactly N:M
 * ctl.verify();
 * console.log(formatSparsityTable(ctl.table()));
 */
import { Linear } from '../../nn/linear.js';
import type { Module } from '../../nn/module.js';
import { linear } from '../../ops/linear.js';
import { ConfigError } from '../../util/errors.js';
import { bdwpLinear } from '../flow/bdwp-linear.js';
import { formatNM, nmLayout, samePattern, type NMPattern } from '../patterns/nm-pattern.js';
import { checkPhases, type TrainingSpan } from '../schedules/phases.js';
import { checkSchedule, type SparsitySchedule } from '../schedules/sparsity-schedule.js';
import { structureDecayPatterns, type StructureDecay } from '../schedules/structure-decay.js';
import { parseSparsityPlan, type SparsityPlan, type SparsityPlanInput } from './schema.js';
import { selectWeights } from './select-weights.js';
import { SparseLayer } from './sparse-layer.js';
import { SparsityController } from './sparsity-controller.js';

/**
 * Selects, checks and installs; the controller starts at step 0 (call
 * `step(i)` before each forward, from the resume step when resuming).
 * Throws a ConfigError for a bad plan and an ArgumentError naming the layer
 * when a pattern does not fit a weight.
 */
export function applySparsity(model: Module, plan: SparsityPlanInput | SparsityPlan, span: TrainingSpan): SparsityController {
  const p = parseSparsityPlan(plan);
  checkPhases(span, p);
  if (p.flow === 'bdwp' && p.dimension !== 'input') {
    throw new ConfigError("sparsity.dimension: bdwp masks W along the input dimension forward and along the output dimension backward; leave dimension at 'input'");
  }
  const layers = selectWeights(model, p).map((w) => {
    const schedule = scheduleFor(p, w.target);
    checkSchedule(schedule);
    for (const pattern of patternsOf(schedule)) {
      const stage = samePattern(pattern, w.target) ? '' : ` (structure-decay stage ${formatNM(pattern)} on the way to ${formatNM(w.target)})`;
      nmLayout(w.param.shape, pattern, `${w.name}${stage}`);
    }
    if (p.flow === 'bdwp') {
      if (!(w.module instanceof Linear) || w.paramName !== 'weight') {
        throw new ConfigError(`sparsity: flow bdwp replaces a Linear layer's product, but ${w.name} belongs to a ${w.module.constructor.name}; exclude it or use ste, srste or mdgf`);
      }
      nmLayout(w.param.shape, { n: w.target.n, m: w.target.m, axis: 'output' }, `${w.name} (bdwp backward mask)`);
    }
    return { w, layer: new SparseLayer({ name: w.name, role: w.param.role, weight: w.param, flow: p.flow, srsteLambda: p.srsteLambda, schedule }) };
  });
  for (const { w, layer } of layers) {
    if (p.flow === 'bdwp') {
      w.module.clearWeightTransform(w.paramName);
      (w.module as Linear).setForwardOverride((x, weight, bias) => (layer.bdwpActive ? bdwpLinear(x, weight, bias, layer.mask!, layer.backwardMask!) : linear(x, layer.transform(weight), bias)));
    } else {
      w.module.setWeightTransform(w.paramName, (weight) => layer.transform(weight));
    }
  }
  const uninstall = (): void => {
    for (const { w } of layers) {
      w.module.clearWeightTransform(w.paramName);
      if (w.module instanceof Linear) w.module.setForwardOverride(null);
    }
  };
  const reinstallHardMask = (): void => {
    for (const { w, layer } of layers) {
      if (w.module instanceof Linear) w.module.setForwardOverride(null);
      w.module.setWeightTransform(w.paramName, (weight) => layer.transform(weight));
    }
  };
  return new SparsityController(p, span, layers.map((l) => l.layer), { uninstall, reinstallHardMask });
}

function scheduleFor(p: SparsityPlan, target: NMPattern): SparsitySchedule {
  const structureDecay: StructureDecay | undefined =
    p.structureDecay === 'none' ? undefined : p.structureDecay === 'custom' ? { type: 'custom', stages: p.structureStages ?? [] } : { type: p.structureDecay };
  return {
    target,
    denseFraction: p.denseFraction,
    fineTuneFraction: p.fineTuneFraction,
    maskInterval: p.maskInterval,
    ...(p.flow === 'mdgf' && p.decay !== undefined ? { maskDecay: { type: p.decay, coef: p.decayCoef } } : {}),
    ...(structureDecay === undefined ? {} : { structureDecay }),
  };
}

// Every pattern a schedule can put on the weight, so that a bad fit fails now, not mid-run.
function patternsOf(s: SparsitySchedule): NMPattern[] {
  const d = s.structureDecay;
  if (d === undefined) return [s.target];
  if (d.type === 'custom') return [...d.stages.map((st) => ({ n: st.n, m: st.m, axis: s.target.axis ?? 'input' })), s.target];
  return structureDecayPatterns(s.target, d.type);
}
