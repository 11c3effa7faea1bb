/** Optimizers, gradient clipping and learning-rate schedules. */
export { Optimizer, decayMatricesOnly } from './optimizer.js';
export type { DecayFilter, NamedParameters, OptimizerLoadOptions, OptimizerStateDict, ParamSource, ParamState } from './optimizer.js';
export { SGD } from './sgd.js';
export type { SgdOptions } from './sgd.js';
export { AdamW } from './adamw.js';
export type { AdamWOptions } from './adamw.js';
export { Adafactor } from './adafactor.js';
export type { AdafactorOptions } from './adafactor.js';
export { clipGradNorm } from './clip.js';
export { lrSchedule, lrAt } from './lr-schedule.js';
export type { ConstantSchedule, CosineSchedule, LinearSchedule, LrSchedule, LrScheduleConfig, StepSchedule } from './lr-schedule.js';
