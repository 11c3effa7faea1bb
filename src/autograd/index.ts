export { record, defineFunction } from './function.js';
export type { GradRule, FunctionContext, FunctionSpec } from './function.js';
export { noGrad, isGradEnabled } from '../tensor/grad-mode.js';
