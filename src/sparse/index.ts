/**
 * Sparsity methods: N:M patterns and masks, gradient flows, schedules, plans
 * and FLOP accounting. They apply to any Module through the effective-weight hook.
 */
export { checkNM, nmLayout, formatNM, nmDensity, samePattern } from './patterns/nm-pattern.js';
export type { NMAxis, NMPattern, GroupLayout } from './patterns/nm-pattern.js';
export { nmMask, isNM, nmViolations } from './masks/nm-mask.js';
export type { NMMaskOptions } from './masks/nm-mask.js';
export { magnitudeMask } from './masks/magnitude-mask.js';
export type { MagnitudeMaskOptions } from './masks/magnitude-mask.js';
export { FLOW_KINDS } from './flow/flow-kind.js';
export type { FlowKind } from './flow/flow-kind.js';
export { steWeight } from './flow/ste.js';
export { srsteWeight, SRSTE_DEFAULT_LAMBDA } from './flow/srste.js';
export { maskDecayWeight } from './flow/mask-decay.js';
export { bdwpLinear } from './flow/bdwp-linear.js';
export { phaseAt, checkPhases } from './schedules/phases.js';
export type { TrainingSpan, PhaseFractions, Phase, PhaseInfo } from './schedules/phases.js';
export { maskDecayFactor } from './schedules/decay-factor.js';
export type { MaskDecay, MaskDecayType } from './schedules/decay-factor.js';
export { structureDecayPatterns, structurePatternAt, checkStructureStages } from './schedules/structure-decay.js';
export type { StructureDecay, StructureStage } from './schedules/structure-decay.js';
export { scheduleAt, checkSchedule } from './schedules/sparsity-schedule.js';
export type { SparsitySchedule, ScheduleState } from './schedules/sparsity-schedule.js';
export { flowDensities, linearFlops, conv2dFlops, DENSE_DENSITIES } from './flops/flow-flops.js';
export type { FlowDensities, LayerFlops, LinearShape, Conv2dShape } from './flops/flow-flops.js';
export { sparsityPlanSchema, parseSparsityPlan, SPARSITY_LOCATIONS } from './plan/schema.js';
export type { SparsityPlan, SparsityPlanInput, SparsityLocation } from './plan/schema.js';
export { matchesGlob } from './plan/name-glob.js';
export { selectWeights } from './plan/select-weights.js';
export type { SelectedWeight } from './plan/select-weights.js';
export { applySparsity } from './plan/apply-sparsity.js';
export { SparsityController } from './plan/sparsity-controller.js';
export type { SparsityState } from './plan/sparsity-controller.js';
export { formatSparsityTable } from './plan/sparsity-table.js';
export type { SparsityTableRow } from './plan/sparsity-table.js';
