/**
 * The per-layer sparsity table: what each selected weight looks like now.
 *
 * @example
 * console.log(formatSparsityTable(controller.table()));
 * // | weight | role | shape | pattern | target | kept | N:M |
 * // | blocks.0.mlp.fc1.weight | ff | [256, 64] | 1:8 | 1:8 | 0.125 | yes |
 */
import type { ParamRole } from '../../nn/parameter.js';
import { fmtShape } from '../../util/errors.js';
import type { Phase } from '../schedules/phases.js';

export interface SparsityTableRow {
  readonly name: string;
  readonly role: ParamRole;
  readonly shape: readonly number[];
  /** Phase of the schedule, or 'final' after finalize(). */
  readonly phase: Phase | 'final';
  /** The pattern in force ('2:4'), or 'dense'. */
  readonly pattern: string;
  /** The pattern the plan ends at. */
  readonly target: string;
  /** Fraction of non-zero entries in the forward weight. */
  readonly kept: number;
  /** Whether the forward weight is exactly N:M at the target pattern. */
  readonly validNM: boolean;
}

/** The table as Markdown, one row per weight. */
export function formatSparsityTable(rows: readonly SparsityTableRow[]): string {
  const head = '| weight | role | shape | phase | pattern | target | kept | N:M |\n|---|---|---|---|---|---|---|---|';
  const body = rows.map((r) => `| ${r.name} | ${r.role} | ${fmtShape(r.shape)} | ${r.phase} | ${r.pattern} | ${r.target} | ${r.kept.toFixed(4)} | ${r.validNM ? 'yes' : 'no'} |`);
  return [head, ...body].join('\n');
}
