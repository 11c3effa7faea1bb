/**
 * The controller applySparsity returns: advances every selected weight's
 * schedule, recomputes masks when due, bakes them in at the end, and reports.
 *
 * @example
 * ctl.step(step);                    // before each forward pass
 * ctl.densities('fc1.weight');       // for FLOP accounting (flops/flow-flops.ts)
 * ctl.finalize(); ctl.verify();
 * const saved = ctl.exportState();   // masks for a checkpoint; importState(saved) on resume
 */
import { Tensor } from '../../tensor/tensor.js';
import { ArgumentError, ShapeError, SparsekitError, fmtShape } from '../../util/errors.js';
import { sameShape } from '../../util/shape.js';
import { DENSE_DENSITIES, flowDensities, type FlowDensities } from '../flops/flow-flops.js';
import { isNM, nmViolations } from '../masks/nm-mask.js';
import { formatNM } from '../patterns/nm-pattern.js';
import type { TrainingSpan } from '../schedules/phases.js';
import { scheduleAt, type ScheduleState } from '../schedules/sparsity-schedule.js';
import type { SparsityPlan } from './schema.js';
import type { SparseLayer } from './sparse-layer.js';
import type { SparsityTableRow } from './sparsity-table.js';

/** What a checkpoint keeps of the controller: the last step and every mask by key. */
export interface SparsityState {
  readonly step: number;
  /** `<weight name>.mask`, and for bdwp `<weight name>.backward_mask`. */
  readonly masks: ReadonlyMap<string, Tensor>;
}

/** How the controller changes what applySparsity installed on the model. */
export interface SparsityHooks {
  readonly uninstall: () => void;
  readonly reinstallHardMask: () => void;
}

/**
 * Made by applySparsity; drives every selected weight's masks and schedule.
 *
 * @example
 * const ctl = applySparsity(model, { n: 2, m: 4 }, { totalSteps: 1000, totalEpochs: 10 });
 * ctl.step(0); // then forward, backward, optimizer step; repeat with the next step
 */
export class SparsityController {
  readonly plan: SparsityPlan;
  readonly span: TrainingSpan;
  #layers: Map<string, SparseLayer>;
  #hooks: SparsityHooks;
  #step = 0;

  constructor(plan: SparsityPlan, span: TrainingSpan, layers: readonly SparseLayer[], hooks: SparsityHooks) {
    this.plan = plan;
    this.span = span;
    this.#layers = new Map(layers.map((l) => [l.name, l]));
    this.#hooks = hooks;
    this.step(0);
  }

  /** Qualified names of the selected weights. */
  get names(): string[] {
    return [...this.#layers.keys()];
  }

  /** The step last passed to step(). */
  get currentStep(): number {
    return this.#step;
  }

  /** Advances every schedule to `step` (call before that step's forward pass); masks are recomputed when due. */
  step(step: number): void {
    if (!Number.isInteger(step) || step < 0) throw new ArgumentError(`SparsityController.step: step ${step} must be a whole number >= 0`);
    this.#step = step;
    for (const layer of this.#layers.values()) layer.advance(step, this.span);
  }

  /** The schedule state of one weight at the current step. */
  state(name: string): ScheduleState {
    const s = this.#layer(name).state;
    return s ?? scheduleAt(this.#step, this.span, this.#layer(name).schedule);
  }

  /** The current mask of one weight (null while dense). */
  mask(name: string): Tensor | null {
    return this.#layer(name).mask;
  }

  /** Densities of the forward, input-gradient and weight-gradient products (dense for weights not in the plan). */
  densities(name: string): FlowDensities {
    const layer = this.#layers.get(name);
    if (layer === undefined) return DENSE_DENSITIES;
    if (layer.finalized) return flowDensities(layer.flow, { phase: 'fine-tune', pattern: layer.target, beta: 0 });
    return flowDensities(layer.flow, this.state(name));
  }

  /** Bakes the masks into the weights (exactly N:M at the target); the forward keeps the final mask. */
  finalize(): void {
    for (const layer of this.#layers.values()) if (!layer.finalized) layer.finalize();
    this.#hooks.reinstallHardMask();
  }

  /** Throws a SparsekitError naming every selected weight that is not exactly N:M at its target. */
  verify(): void {
    const bad: string[] = [];
    for (const layer of this.#layers.values()) {
      const v = nmViolations(layer.weight, layer.target);
      if (v > 0) bad.push(`${layer.name} (${v} group${v === 1 ? '' : 's'} with more than ${layer.target.n} non-zeros in ${layer.target.m})`);
    }
    if (bad.length > 0) throw new SparsekitError(`sparsity verify: not exactly N:M: ${bad.join(', ')}; call finalize() after training to bake the masks into the weights`);
  }

  /** One row per selected weight: pattern in force, kept fraction and N:M validity of the forward weight. */
  table(): SparsityTableRow[] {
    return [...this.#layers.values()].map((layer) => {
      const eff = layer.effectiveWeight();
      let nz = 0;
      for (const v of eff.data) if (v !== 0) nz++;
      const state = this.state(layer.name);
      const phase = layer.finalized ? 'final' : state.phase;
      return {
        name: layer.name,
        role: layer.role,
        shape: layer.weight.shape,
        phase,
        pattern: phase === 'dense' ? 'dense' : formatNM(layer.finalized ? layer.target : state.pattern),
        target: formatNM(layer.target),
        kept: eff.size === 0 ? 0 : nz / eff.size,
        validNM: isNM(eff, layer.target),
      };
    });
  }

  /** The masks and step, for a checkpoint. */
  exportState(): SparsityState {
    const masks = new Map<string, Tensor>();
    for (const layer of this.#layers.values()) {
      if (layer.mask !== null) masks.set(`${layer.name}.mask`, layer.mask.clone());
      if (layer.backwardMask !== null) masks.set(`${layer.name}.backward_mask`, layer.backwardMask.clone());
    }
    return { step: this.#step, masks };
  }

  /**
   * Restores masks saved by exportState (load the weights first); the next
   * step() continues from there, so frozen fine-tune masks stay frozen.
   */
  importState(saved: SparsityState): void {
    this.step(saved.step);
    for (const layer of this.#layers.values()) {
      if (layer.state === null || layer.state.phase === 'dense') continue;
      const mask = this.#savedMask(saved, `${layer.name}.mask`, layer.weight.shape);
      layer.mask = mask;
      layer.maskPattern = layer.state.pattern;
      if (layer.flow === 'bdwp') layer.backwardMask = this.#savedMask(saved, `${layer.name}.backward_mask`, layer.weight.shape);
    }
  }

  /** Removes every transform and override this plan installed (weights stay as they are). */
  remove(): void {
    this.#hooks.uninstall();
    this.#layers.clear();
  }

  #savedMask(saved: SparsityState, key: string, shape: readonly number[]): Tensor {
    const t = saved.masks.get(key);
    if (t === undefined) throw new ArgumentError(`SparsityController.importState: no mask '${key}' in the saved state (it has: ${[...saved.masks.keys()].join(', ') || 'none'})`);
    if (!sameShape(t.shape, shape)) throw new ShapeError(`SparsityController.importState: mask '${key}' is ${fmtShape(t.shape)} but the weight is ${fmtShape(shape)}`);
    return new Tensor(new Float32Array(t.data), t.shape);
  }

  #layer(name: string): SparseLayer {
    const l = this.#layers.get(name);
    if (l === undefined) throw new ArgumentError(`SparsityController: '${name}' is not a weight of this plan (they are: ${this.names.join(', ') || 'none'})`);
    return l;
  }
}
