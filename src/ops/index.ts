/** Differentiable ops, one per file. Each records its gradient rule on the tape. */
export { add } from './add.js';
export { sub } from './sub.js';
export { mul } from './mul.js';
export { div } from './div.js';
export { neg } from './neg.js';
export { matmul } from './matmul.js';
export type { MatmulOptions } from './matmul.js';
export { sum } from './sum.js';
export type { ReduceOptions } from './sum.js';
export { reshape } from './reshape.js';
