/**
 * Layers and the Module base. Initialisers live in the `init` namespace
 * (`init.kaimingUniform`, `init.zeros`, …) so their names do not clash with
 * tensor creation.
 */
export { Module } from './module.js';
export type { LoadStateDictOptions, LoadStateDictResult, RegisterBufferOptions, RegisterParameterOptions, StateDict } from './module.js';
export { Parameter } from './parameter.js';
export type { ParamRole } from './parameter.js';
export { transformableWeights } from './weight-transform.js';
export type { TransformableWeight, WeightTransform } from './weight-transform.js';
export * as init from './init.js';
export type { FanMode, KaimingOptions, Nonlinearity, TruncNormalOptions } from './init.js';
export { Linear } from './linear.js';
export type { LinearForward, LinearOptions } from './linear.js';
export { Conv2d } from './conv2d.js';
export type { Conv2dForward, Conv2dLayerOptions } from './conv2d.js';
export { BatchNorm2d } from './batch-norm2d.js';
export type { BatchNorm2dOptions } from './batch-norm2d.js';
export { LayerNorm } from './layer-norm.js';
export type { LayerNormOptions } from './layer-norm.js';
export { Embedding } from './embedding.js';
export type { EmbeddingOptions } from './embedding.js';
export { Sequential } from './sequential.js';
export type { UnaryModule } from './sequential.js';
export { ModuleList } from './module-list.js';
export { ReLU, GELU, SiLU, Sigmoid, Tanh, Identity, activation, ACTIVATIONS } from './activations.js';
export type { ActivationName } from './activations.js';
export { Dropout } from './dropout.js';
export { MLP } from './mlp.js';
export type { MLPOptions } from './mlp.js';
export { MultiHeadAttention } from './multi-head-attention.js';
export type { AttentionCallOptions, MultiHeadAttentionOptions } from './multi-head-attention.js';
