/** sparsekit's public API. */
export * from './tensor/index.js';
export * from './autograd/index.js';
export * from './ops/index.js';
export { Rng } from './util/rng.js';
export * from './util/errors.js';
export { getBackend, setBackend, withBackend, nativeAvailable } from './kernels/index.js';
export type { BackendName } from './kernels/index.js';
export * from './io/index.js';
export * from './data/index.js';
