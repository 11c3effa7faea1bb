/**
 * One selected weight under a sparsity plan: its schedule, its current masks
 * and the forward weight its flow produces. The controller owns these; the
 * weight transform and the Linear forward override installed on the model
 * read them at every forward.
 * Shapes: Linear weight [O, K]; Conv2d [O, I, kh, kw]; Embedding [V, D].
 */
import { noGrad } from '../../tensor/grad-mode.js';
import { Tensor } from '../../tensor/tensor.js';
import type { Parameter, ParamRole } from '../../nn/parameter.js';
import type { FlowKind } from '../flow/flow-kind.js';
import { maskDecayWeight } from '../flow/mask-decay.js';
import { srsteWeight } from '../flow/srste.js';
import { steWeight } from '../flow/ste.js';
import { nmMask } from '../masks/nm-mask.js';
import { samePattern, type NMPattern } from '../patterns/nm-pattern.js';
import type { TrainingSpan } from '../schedules/phases.js';
import { scheduleAt, type ScheduleState, type SparsitySchedule } from '../schedules/sparsity-schedule.js';

export interface SparseLayerSpec {
  readonly name: string;
  readonly role: ParamRole;
  readonly weight: Parameter;
  readonly flow: FlowKind;
  readonly srsteLambda: number;
  readonly schedule: SparsitySchedule;
}

export class SparseLayer {
  readonly name: string;
  readonly role: ParamRole;
  readonly weight: Parameter;
  readonly flow: FlowKind;
  readonly srsteLambda: number;
  readonly schedule: SparsitySchedule;
  state: ScheduleState | null = null;
  /** Forward mask (N:M along the plan's dimension) and the pattern it was computed for. */
  mask: Tensor | null = null;
  maskPattern: NMPattern | null = null;
  /** bdwp only: N:M of Wᵀ, grouped along the output dimension. */
  backwardMask: Tensor | null = null;
  /** Set by finalize(): the weight holds W·mask and the forward keeps that mask. */
  finalized = false;

  constructor(spec: SparseLayerSpec) {
    this.name = spec.name;
    this.role = spec.role;
    this.weight = spec.weight;
    this.flow = spec.flow;
    this.srsteLambda = spec.srsteLambda;
    this.schedule = spec.schedule;
  }

  get target(): NMPattern {
    return this.schedule.target;
  }

  /** Advances to `step`: new schedule state, masks recomputed when due (frozen in fine-tune). */
  advance(step: number, span: TrainingSpan): void {
    if (this.finalized) return;
    const state = scheduleAt(step, span, this.schedule);
    this.state = state;
    if (state.phase === 'dense') return;
    const stale = this.mask === null || this.maskPattern === null || !samePattern(this.maskPattern, state.pattern);
    if (state.recomputeMask || stale) this.recompute(state.pattern);
  }

  /** Computes the masks for `pattern` from the current dense weight. */
  recompute(pattern: NMPattern): void {
    noGrad(() => {
      this.mask = nmMask(this.weight, { ...pattern, name: this.name });
      this.backwardMask = this.flow === 'bdwp' ? nmMask(this.weight, { n: pattern.n, m: pattern.m, axis: 'output', name: this.name }) : null;
    });
    this.maskPattern = pattern;
  }

  /** True while bdwp's custom product should run (the masks are live and not finalized). */
  get bdwpActive(): boolean {
    return this.flow === 'bdwp' && !this.finalized && this.state !== null && this.state.phase !== 'dense';
  }

  /** The weight the forward uses, on the tape; `w` is the raw parameter handed to the transform. */
  transform(w: Tensor): Tensor {
    const state = this.state;
    if (state === null || state.phase === 'dense' || this.mask === null) return w;
    if (this.finalized) return steWeight(w, this.mask);
    switch (this.flow) {
      case 'srste':
        return srsteWeight(w, this.mask, this.srsteLambda);
      case 'mdgf':
        return state.beta > 0 ? maskDecayWeight(w, this.mask, state.beta) : steWeight(w, this.mask);
      case 'ste':
      case 'bdwp':
        return steWeight(w, this.mask);
    }
  }

  /** The forward weight's values, off the tape (for tables and checks). */
  effectiveWeight(): Tensor {
    return noGrad(() => this.transform(this.weight.detach())).detach();
  }

  /** Multiplies the final mask into the weight: afterwards the stored weight is exactly N:M. */
  finalize(): void {
    if (this.mask === null || this.maskPattern === null || !samePattern(this.maskPattern, this.target)) this.recompute(this.target);
    const w = this.weight.data;
    const mk = this.mask!.data;
    for (let i = 0; i < w.length; i++) w[i] = w[i]! * mk[i]!;
    this.finalized = true;
  }
}
