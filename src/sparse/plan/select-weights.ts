/**
 * Which weights a plan makes sparse, and the N:M target of each: by role
 * (plan.locations; q, k and v take plan.qkv when given) or by qualified-name
 * glob (plan.include), minus plan.exclude. Only weights whose layer computes
 * its forward through the effective-weight hook can be selected.
 *
 * @example
 * selectWeights(model, parseSparsityPlan({ n: 1, m: 8, locations: ['ff', 'q', 'k', 'v'], qkv: { n: 2, m: 4 } }));
 */
import type { Module } from '../../nn/module.js';
import { transformableWeights, type TransformableWeight } from '../../nn/weight-transform.js';
import { ConfigError } from '../../util/errors.js';
import type { NMPattern } from '../patterns/nm-pattern.js';
import { matchesGlob } from './name-glob.js';
import type { SparsityPlan } from './schema.js';

export interface SelectedWeight extends TransformableWeight {
  readonly target: NMPattern;
}

export function selectWeights(model: Module, plan: SparsityPlan): SelectedWeight[] {
  const all = transformableWeights(model);
  for (const [key, globs] of [['include', plan.include], ['exclude', plan.exclude]] as const) {
    for (const g of globs) {
      if (!all.some((w) => matchesGlob(w.name, g))) {
        throw new ConfigError(`sparsity.${key}: '${g}' matches no weight that can be made sparse (these can: ${listNames(all)})`);
      }
    }
  }
  const locations = new Set<string>(plan.locations);
  const picked = all.filter(
    (w) => (locations.has(w.param.role) || plan.include.some((g) => matchesGlob(w.name, g))) && !plan.exclude.some((g) => matchesGlob(w.name, g)),
  );
  if (picked.length === 0) {
    const roles = [...new Set(all.map((w) => w.param.role))].join(', ') || 'none';
    throw new ConfigError(`sparsity: locations [${plan.locations.join(', ')}] select no weight of this model (its weights have roles: ${roles}); change locations or add include globs`);
  }
  return picked.map((w) => {
    const qkv = w.param.role === 'q' || w.param.role === 'k' || w.param.role === 'v';
    const nm = qkv && plan.qkv !== undefined ? plan.qkv : plan;
    return { ...w, target: { n: nm.n, m: nm.m, axis: plan.dimension } };
  });
}

function listNames(all: readonly TransformableWeight[]): string {
  const names = all.map((w) => w.name);
  return names.length > 12 ? `${names.slice(0, 12).join(', ')} … and ${names.length - 12} more` : names.join(', ') || 'none';
}
