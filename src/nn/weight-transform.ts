/**
 * The effective-weight hook: Linear, Conv2d and Embedding compute their
 * forward weight as transform(parameter), so sparsity methods change what a
 * layer computes (masks, straight-through estimators, SR-STE, mask decay)
 * without new layer classes. This file names the hook's type and lists the
 * places in a model where it can be set.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { Module } from './module.js';
import type { Parameter } from './parameter.js';

/**
 * Maps a raw parameter to the tensor the forward uses, on the tape: its
 * gradient rule decides what reaches the raw weight. It must keep the shape.
 */
export type WeightTransform = (w: Tensor) => Tensor;

/** A parameter whose forward value can be transformed, with where it lives. */
export interface TransformableWeight {
  /** Qualified name, e.g. `blocks.0.mlp.fc1.weight`. */
  readonly name: string;
  /** The module that owns it: call `module.setWeightTransform(paramName, fn)`. */
  readonly module: Module;
  readonly paramName: string;
  readonly param: Parameter;
}

/**
 * Every transformable parameter under `root`, in namedModules order; the
 * entry point for sparsity plans (select by `param.role` or by `name`).
 *
 * @example
 * for (const { name, module, paramName, param } of transformableWeights(model)) {
 *   if (param.role === 'ff') module.setWeightTransform(paramName, (w) => steWeight(w, masks.get(name)!));
 * }
 */
export function transformableWeights(root: Module): TransformableWeight[] {
  const out: TransformableWeight[] = [];
  for (const [prefix, module] of root.namedModules()) {
    for (const paramName of module.transformableParameterNames()) {
      const name = prefix === '' ? paramName : `${prefix}.${paramName}`;
      out.push({ name, module, paramName, param: module.parameter(paramName) });
    }
  }
  return out;
}
