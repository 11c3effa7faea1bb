/**
 * The `sparsity:` section of a recipe: which weights become N:M, with which
 * gradient flow and schedule. Unknown keys are rejected.
 *
 * The reference code's options (Bambhaniya et al. 2024, train.py) map as:
 *   --n-sparsity / --m-sparsity          → n, m (N kept of every M)
 *   --sparsity-type SRSTE                → flow: srste (srsteLambda, default 2e-4)
 *   --sparsity-type STRUCTURED_NM        → flow: ste ("step" decay), or mdgf
 *   --decay-type LINEAR | EXP            → flow: mdgf with decay: linear | exp
 *   --decay-coef                         → decayCoef (default 2e-4)
 *   --structure-decay-flag / -type       → structureDecay: stepwise (SPARSIFY),
 *     geometric (FINE), custom (CONFIG, with structureStages)
 *   --dense-steps / --fine-tune-steps    → denseFraction, fineTuneFraction
 *   --sparsity-loc (FF, Q, K, V)         → locations: [ff, q, k, v, ...]
 *   --n-sparsity-qkv / --m-sparsity-qkv  → qkv: { n, m }
 *   --sparse-dim ROW | COL               → dimension: input | output
 * bdwp (Zhang et al. 2023) is our addition. Structure decay is a schedule and
 * combines with any flow; the study's "sdgf" runs use flow: ste.
 *
 * @example
 * const plan = parseSparsityPlan({ n: 1, m: 8, flow: 'mdgf', decay: 'exp', locations: ['ff', 'q', 'k', 'v'] });
 */
import { z } from 'zod';
import type { ParamRole } from '../../nn/parameter.js';
import { ConfigError } from '../../util/errors.js';
import { FLOW_KINDS } from '../flow/flow-kind.js';

/** Parameter roles a plan can select; head and embed stay dense unless listed. */
export const SPARSITY_LOCATIONS = ['ff', 'q', 'k', 'v', 'proj', 'conv', 'embed', 'head'] as const satisfies readonly ParamRole[];

export type SparsityLocation = (typeof SPARSITY_LOCATIONS)[number];

const count = z.number().int().min(1);

const nm = z.strictObject({ n: count, m: count });

const stage = z.strictObject({ epoch: z.number().min(0), n: count, m: count });

export const sparsityPlanSchema = z
  .strictObject({
    /** Kept weights in each group. */
    n: count,
    /** Group size. */
    m: count,
    /** Grouped dimension: input (reduction, default) or output. */
    dimension: z.enum(['input', 'output']).default('input'),
    flow: z.enum(FLOW_KINDS).default('ste'),
    /** SR-STE's λ. */
    srsteLambda: z.number().min(0).default(2e-4),
    /** Mask decay of mdgf: β = max(0, 1 − c·t) or exp(−c·t). */
    decay: z.enum(['linear', 'exp']).optional(),
    decayCoef: z.number().min(0).default(2e-4),
    structureDecay: z.enum(['none', 'stepwise', 'geometric', 'custom']).default('none'),
    structureStages: z.array(stage).optional(),
    denseFraction: z.number().min(0).max(1).default(0),
    fineTuneFraction: z.number().min(0).max(1).default(0),
    maskInterval: count.default(1),
    locations: z.array(z.enum(SPARSITY_LOCATIONS)).default(['ff']),
    /** N:M for q, k and v when it differs from n, m. */
    qkv: nm.optional(),
    /** Qualified-name globs selected in addition to the locations ('*' within a name part, '**' across parts). */
    include: z.array(z.string().min(1)).default([]),
    /** Qualified-name globs left dense even when their role is selected. */
    exclude: z.array(z.string().min(1)).default([]),
  })
  .superRefine((p, ctx) => {
    const pairs: Array<[string, { n: number; m: number } | undefined]> = [['', p], ['qkv.', p.qkv]];
    for (const [prefix, v] of pairs) {
      if (v !== undefined && v.n > v.m) {
        ctx.addIssue({ code: 'custom', path: [`${prefix}n`], message: `N:M = ${v.n}:${v.m} keeps more than the group holds; N counts the kept weights (N <= M)` });
      }
    }
    if (p.flow === 'mdgf' && p.decay === undefined) {
      ctx.addIssue({ code: 'custom', path: ['decay'], message: "flow mdgf needs decay: 'linear' or 'exp'" });
    }
    if (p.flow !== 'mdgf' && p.decay !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['decay'], message: `decay applies to flow mdgf only (flow is ${p.flow}); remove it or set flow: mdgf` });
    }
    if (p.structureDecay === 'custom' && p.structureStages === undefined) {
      ctx.addIssue({ code: 'custom', path: ['structureStages'], message: 'structureDecay custom needs structureStages: a list of {epoch, n, m}' });
    }
    if (p.structureDecay !== 'custom' && p.structureStages !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['structureStages'], message: 'structureStages needs structureDecay: custom' });
    }
    if (p.denseFraction + p.fineTuneFraction > 1) {
      ctx.addIssue({ code: 'custom', path: ['fineTuneFraction'], message: 'denseFraction + fineTuneFraction must not exceed 1' });
    }
  });

/** A plan as written in a recipe (defaults may be left out). */
export type SparsityPlanInput = z.input<typeof sparsityPlanSchema>;

/** A validated plan with every default filled in. */
export type SparsityPlan = z.output<typeof sparsityPlanSchema>;

/**
 * Validates a `sparsity:` section; throws a ConfigError naming each bad key
 * (`where` prefixes it, e.g. the recipe file).
 *
 * @example
 * parseSparsityPlan(recipe.sparsity, 'runs/vit.yaml: sparsity');
 */
export function parseSparsityPlan(raw: unknown, where = 'sparsity'): SparsityPlan {
  const r = sparsityPlanSchema.safeParse(raw);
  if (r.success) return r.data;
  const lines = r.error.issues.map((issue) => {
    const key = [where, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      return `${key}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')} (allowed: ${Object.keys(sparsityPlanSchema.shape).join(', ')})`;
    }
    return `${key}: ${issue.message}`;
  });
  throw new ConfigError(`invalid sparsity plan:\n  ${lines.join('\n  ')}`);
}
