export { Tensor } from './tensor.js';
export type { GradFn } from './tensor.js';
export { tensor, zeros, ones, full, fullLike, scalar, arange, randn, rand } from './create.js';
export type { NestedArray } from './create.js';
export { noGrad, isGradEnabled } from './grad-mode.js';
export { withStepBuffers } from './buffer-pool.js';
