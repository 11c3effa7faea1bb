/** sparsekit's public API. */
export * from './tensor/index.js';
export * from './autograd/index.js';
export * from './ops/index.js';
export { Rng } from './util/rng.js';
export * from './util/errors.js';
export { getBackend, setBackend, withBackend, nativeAvailable } from './kernels/index.js';
export type { BackendName } from './kernels/index.js';
export * from './io/index.js';
// Layers and Module (flat: Linear, Module, …; initialisers as the `init` namespace), then optimizers and schedules.
export * from './nn/index.js';
export * from './optim/index.js';
// Compressed sparse layouts (NMPacked, CSR, BSR) and their products.
export * from './formats/index.js';
export * from './sparse/index.js';
// Compressed models: sparse Linear and Conv2d layers on the sparse kernels, and compressed files.
export { compress, decompress, sparseParameters, denseParametersOf, compressedWeight, detectNM } from './sparse/compress.js';
export type { CompressOptions, CompressedLayerReport, CompressibleLayer } from './sparse/compress.js';
export { compressStateDict, loadCompressed } from './sparse/compress-file.js';
export type { CompressedEntries } from './sparse/compress-file.js';
export { sparseLinear } from './sparse/sparse-linear.js';
export { sparseConv2d, convToMatrix, convFromMatrix } from './sparse/sparse-conv2d.js';
export type { SparseConvGeometry } from './sparse/sparse-conv2d.js';
// Models (MLP, CNN, ViT, GPT), their config schemas, buildModel, and timm / Hugging Face weight import-export.
export * from './models/index.js';
export * from './data/index.js';
// Training: recipes, the trainer, evaluation, checkpoints, metrics, run folders.
export * from './train/index.js';
// Reports: HTML pages with SVG plots of one run or a comparison of runs.
export * from './report/index.js';
