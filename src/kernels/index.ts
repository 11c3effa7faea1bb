/**
 * Every kernel, defined once by its reference; native twins are found by name.
 * Ops import kernels from here only.
 */
import { defineKernel } from './registry.js';
import { gemmRef } from './ref/gemm.js';
import { binaryRef } from './ref/binary.js';
import { sumToRef } from './ref/reduce-axes.js';
import { softmaxRowsRef, softmaxRowsBackwardRef } from './ref/softmax.js';
import { headAttentionBackwardRef, headAttentionRef } from './ref/head-attention.js';
import { crossEntropyRowsRef, crossEntropyRowsBackwardRef } from './ref/cross-entropy.js';
import { layerNormForwardRef, layerNormBackwardRef } from './ref/layer-norm.js';
import { channelMomentsRef, batchNormForwardRef, batchNormBackwardRef } from './ref/batch-norm.js';
import { embeddingForwardRef, embeddingBackwardRef } from './ref/embedding.js';
import { im2colRef, col2imRef } from './ref/im2col.js';
import { conv2dForwardRef, conv2dBackwardInputRef, conv2dBackwardWeightRef } from './ref/conv2d.js';
import { maxPool2dForwardRef, maxPool2dBackwardRef, avgPool2dForwardRef, avgPool2dBackwardRef } from './ref/pool2d.js';
import { nmMaskRef } from './ref/nm-mask.js';
import { unaryRef, unaryBackwardRef } from './ref/unary.js';
import { scalarOpRef, scalarOpBackwardRef } from './ref/scalar-op.js';
import { reduceMaxRef, reduceMaxBackwardRef } from './ref/reduce-max.js';
import { permuteRef } from './ref/permute.js';
import { axisCopyRef } from './ref/axis-copy.js';
import { whereRef } from './ref/where.js';
import { im2rowRef, row2imRef } from './ref/im2row.js';
import { nmSpmmRef, nmSddmmRef, nmSpmmBlocksRef } from './ref/spmm-nm.js';
import { csrSpmmRef, csrSpmmBlockedRef, csrSddmmRef, spmmTransposedRef } from './ref/spmm-csr.js';
import { bsrSpmmRef, bsrSddmmRef, bsrSpmmTransposedRef } from './ref/spmm-bsr.js';

// batch · 2MNK multiply-adds; args: batch, transA, transB, m, n, k, ...
export const gemm = defineKernel('gemm', gemmRef, (batch, _ta, _tb, m, n, k) => 2 * batch * m * n * k);
export const binary = defineKernel('binary', binaryRef);
export const sumTo = defineKernel('sumTo', sumToRef);
export const softmaxRows = defineKernel('softmaxRows', softmaxRowsRef);
export const softmaxRowsBackward = defineKernel('softmaxRowsBackward', softmaxRowsBackwardRef);
export const headAttention = defineKernel('headAttention', headAttentionRef, (batch, heads, t, s, d, dv) => 2 * batch * heads * t * s * (d + dv));
export const headAttentionBackward = defineKernel(
  'headAttentionBackward',
  headAttentionBackwardRef,
  (batch, heads, t, s, d, dv) => 2 * batch * heads * t * s * (d + 2 * dv + d),
);
export const crossEntropyRows = defineKernel('crossEntropyRows', crossEntropyRowsRef);
export const crossEntropyRowsBackward = defineKernel('crossEntropyRowsBackward', crossEntropyRowsBackwardRef);
export const layerNormForward = defineKernel('layerNormForward', layerNormForwardRef);
export const layerNormBackward = defineKernel('layerNormBackward', layerNormBackwardRef);
export const channelMoments = defineKernel('channelMoments', channelMomentsRef);
export const batchNormForward = defineKernel('batchNormForward', batchNormForwardRef);
export const batchNormBackward = defineKernel('batchNormBackward', batchNormBackwardRef);
export const embeddingForward = defineKernel('embeddingForward', embeddingForwardRef);
export const embeddingBackward = defineKernel('embeddingBackward', embeddingBackwardRef);
export const im2col = defineKernel('im2col', im2colRef);
export const col2im = defineKernel('col2im', col2imRef);
// Each of the three costs 2·B·O·C·kh·kw·OH·OW; args: b, c, h, w, o, kh, kw, sh, sw, ph, pw, oh, ow, ...
type ConvSizes = [number, number, number, number, number, number, number, number, number, number, number, number, number];
const convFlops = (...[b, c, , , o, kh, kw, , , , , oh, ow]: ConvSizes): number => 2 * b * o * c * kh * kw * oh * ow;
export const conv2dForward = defineKernel('conv2dForward', conv2dForwardRef, convFlops);
export const conv2dBackwardInput = defineKernel('conv2dBackwardInput', conv2dBackwardInputRef, convFlops);
export const conv2dBackwardWeight = defineKernel('conv2dBackwardWeight', conv2dBackwardWeightRef, convFlops);
export const maxPool2dForward = defineKernel('maxPool2dForward', maxPool2dForwardRef);
export const maxPool2dBackward = defineKernel('maxPool2dBackward', maxPool2dBackwardRef);
export const avgPool2dForward = defineKernel('avgPool2dForward', avgPool2dForwardRef);
export const avgPool2dBackward = defineKernel('avgPool2dBackward', avgPool2dBackwardRef);
export const nmMask = defineKernel('nmMask', nmMaskRef);
export const unary = defineKernel('unary', unaryRef);
export const unaryBackward = defineKernel('unaryBackward', unaryBackwardRef);
export const scalarOp = defineKernel('scalarOp', scalarOpRef);
export const scalarOpBackward = defineKernel('scalarOpBackward', scalarOpBackwardRef);
export const reduceMax = defineKernel('reduceMax', reduceMaxRef);
export const reduceMaxBackward = defineKernel('reduceMaxBackward', reduceMaxBackwardRef);
export const permute = defineKernel('permute', permuteRef);
export const axisCopy = defineKernel('axisCopy', axisCopyRef);
export const where = defineKernel('where', whereRef);
export const im2row = defineKernel('im2row', im2rowRef);
export const row2im = defineKernel('row2im', row2imRef);
// Sparse products cost 2 flops per stored weight and batch row; args: batch, rows, cols, ...
export const nmSpmm = defineKernel('nmSpmm', nmSpmmRef, (b, o, k, n, m) => (2 * b * o * k * n) / m);
export const nmSpmmBlocks = defineKernel('nmSpmmBlocks', nmSpmmBlocksRef, (b, o, k, n, m) => (2 * b * o * k * n) / m);
export const nmSddmm = defineKernel('nmSddmm', nmSddmmRef, (b, o, k, n, m) => (2 * b * o * k * n) / m);
export const csrSpmm = defineKernel('csrSpmm', csrSpmmRef, (b, _o, _k, _p, _c, values) => 2 * b * values.length);
export const csrSpmmBlocked = defineKernel('csrSpmmBlocked', csrSpmmBlockedRef, (b, _o, _k, _p, _c, values) => 2 * b * values.length);
export const csrSddmm = defineKernel('csrSddmm', csrSddmmRef, (b, _o, _k, _p, colIdx) => 2 * b * colIdx.length);
export const spmmTransposed = defineKernel('spmmTransposed', spmmTransposedRef, (b, _o, _k, _p, tRow) => 2 * b * tRow.length);
export const bsrSpmm = defineKernel('bsrSpmm', bsrSpmmRef, (b, _o, _k, _bh, _bw, _p, _c, values) => 2 * b * values.length);
export const bsrSddmm = defineKernel('bsrSddmm', bsrSddmmRef, (b, _o, _k, bh, bw, _p, colIdx) => 2 * b * colIdx.length * bh * bw);
export const bsrSpmmTransposed = defineKernel('bsrSpmmTransposed', bsrSpmmTransposedRef, (b, _o, _k, bh, bw, _p, tRow) => 2 * b * tRow.length * bh * bw);

export { BinaryOp } from './ref/binary.js';
export type { BinaryOpCode } from './ref/binary.js';
export { UnaryOp } from './ref/unary.js';
export type { UnaryOpCode } from './ref/unary.js';
export { ScalarOp } from './ref/scalar-op.js';
export type { ScalarOpCode } from './ref/scalar-op.js';
export { getBackend, setBackend, withBackend, nativeAvailable } from './registry.js';
export type { BackendName, Kernel } from './registry.js';
