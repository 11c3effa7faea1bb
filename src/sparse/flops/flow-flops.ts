/**
 * Training FLOPs of one Linear or Conv2d step under a gradient flow, counted
 * as the method computes them (2 FLOPs per multiply-add, plus bias adds):
 * - forward: sparse (n/m of the dense count) only when the effective weight is
 *   exactly N:M — ste, srste, bdwp and the fine-tune phase; mdgf while β > 0
 *   and the dense phase count dense;
 * - input gradient: dense for ste, srste and mdgf (their N:M runs along the
 *   reduction of the forward product, not of the backward one); sparse n/m for
 *   bdwp, which masks Wᵀ for this product;
 * - weight gradient: always dense (every flow updates the dense weight).
 * Mask computation and the elementwise weight transforms (O(weight size) per
 * step, independent of the batch) are not counted.
 * Shapes: Linear x [R, K] (R rows: batch × tokens), w [O, K]; Conv2d
 * x [B, C, H, W], w [O, C/groups, kh, kw], output [B, O, Ho, Wo].
 *
 * @example
 * const d = flowDensities('srste', state);           // state from scheduleAt
 * linearFlops({ rows: 64, inFeatures: 256, outFeatures: 1024, bias: true }, d).total;
 */
import { ArgumentError } from '../../util/errors.js';
import type { FlowKind } from '../flow/flow-kind.js';
import { nmDensity } from '../patterns/nm-pattern.js';
import type { ScheduleState } from '../schedules/sparsity-schedule.js';

/** The fraction of the dense multiply-adds each product performs. */
export interface FlowDensities {
  readonly forward: number;
  readonly inputGrad: number;
  readonly weightGrad: number;
}

export interface LayerFlops {
  readonly forward: number;
  readonly inputGrad: number;
  readonly weightGrad: number;
  /** inputGrad + weightGrad (+ the bias gradient). */
  readonly backward: number;
  readonly total: number;
}

/** Dense products everywhere: a layer left dense, or the dense phase. */
export const DENSE_DENSITIES: FlowDensities = { forward: 1, inputGrad: 1, weightGrad: 1 };

/** Densities of the three products for a flow at a schedule state. */
export function flowDensities(flow: FlowKind, state: Pick<ScheduleState, 'phase' | 'pattern' | 'beta'>): FlowDensities {
  if (state.phase === 'dense') return DENSE_DENSITIES;
  const d = nmDensity(state.pattern);
  const exactNM = state.phase === 'fine-tune' || state.beta === 0;
  return { forward: exactNM ? d : 1, inputGrad: flow === 'bdwp' ? d : 1, weightGrad: 1 };
}

export interface LinearShape {
  /** Rows of the input: batch × tokens. */
  readonly rows: number;
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly bias?: boolean;
  /** False for a first layer whose input needs no gradient (default true). */
  readonly inputGrad?: boolean;
}

/** FLOPs of one training step of a Linear layer. */
export function linearFlops(shape: LinearShape, densities: FlowDensities): LayerFlops {
  const { rows, inFeatures, outFeatures } = shape;
  checkSizes('linearFlops', { rows, inFeatures, outFeatures });
  const macs = rows * inFeatures * outFeatures;
  const biasAdds = shape.bias === true ? rows * outFeatures : 0;
  return combine(macs, biasAdds, densities, shape.inputGrad ?? true);
}

export interface Conv2dShape {
  readonly batch: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: readonly [number, number];
  readonly outHeight: number;
  readonly outWidth: number;
  readonly groups?: number;
  readonly bias?: boolean;
  readonly inputGrad?: boolean;
}

/** FLOPs of one training step of a Conv2d layer. */
export function conv2dFlops(shape: Conv2dShape, densities: FlowDensities): LayerFlops {
  const groups = shape.groups ?? 1;
  const { batch, inChannels, outChannels, outHeight, outWidth } = shape;
  checkSizes('conv2dFlops', { batch, inChannels, outChannels, outHeight, outWidth, groups, kh: shape.kernel[0], kw: shape.kernel[1] });
  if (inChannels % groups !== 0) throw new ArgumentError(`conv2dFlops: groups (${groups}) must divide inChannels (${inChannels})`);
  const positions = batch * outHeight * outWidth;
  const macs = positions * outChannels * (inChannels / groups) * shape.kernel[0] * shape.kernel[1];
  const biasAdds = shape.bias === true ? positions * outChannels : 0;
  return combine(macs, biasAdds, densities, shape.inputGrad ?? true);
}

function combine(macs: number, biasAdds: number, d: FlowDensities, inputGrad: boolean): LayerFlops {
  const forward = 2 * macs * d.forward + biasAdds;
  const ig = inputGrad ? 2 * macs * d.inputGrad : 0;
  const wg = 2 * macs * d.weightGrad;
  // The bias gradient sums the output gradient over rows: one add per output element.
  const backward = ig + wg + biasAdds;
  return { forward, inputGrad: ig, weightGrad: wg, backward, total: forward + backward };
}

function checkSizes(op: string, sizes: Record<string, number>): void {
  for (const [k, v] of Object.entries(sizes)) {
    if (!Number.isInteger(v) || v < 0) throw new ArgumentError(`${op}: ${k} = ${v} must be a whole number >= 0`);
  }
}
