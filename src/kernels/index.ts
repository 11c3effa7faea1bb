/**
 * Every kernel, defined once by its reference; native twins are found by name.
 * Ops import kernels from here only.
 */
import { defineKernel } from './registry.js';
import { gemmRef } from './ref/gemm.js';
import { binaryRef } from './ref/binary.js';
import { sumToRef } from './ref/reduce-axes.js';

export const gemm = defineKernel('gemm', gemmRef);
export const binary = defineKernel('binary', binaryRef);
export const sumTo = defineKernel('sumTo', sumToRef);

export { BinaryOp } from './ref/binary.js';
export type { BinaryOpCode } from './ref/binary.js';
export { getBackend, setBackend, withBackend, nativeAvailable } from './registry.js';
export type { BackendName, Kernel } from './registry.js';
