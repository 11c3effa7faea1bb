/**
 * Finding training FLOPs among a record's or summary's numeric fields. Runs
 * report two counts: the FLOPs the kernels executed, and the sparse-aware
 * count (what the method costs when sparsity is exploited, the x axis of an
 * iso-FLOP comparison). A field belongs to the second when its name says
 * sparse, aware, effective or theoretical. Within each, a `total` wins; else
 * a plain field (`flops`, `trainFlops`); else forward + backward. Rates
 * (GFLOP/s) and per-step counts are not totals and are skipped.
 *
 * @example
 * pickFlops(new Map([['flops.forward', 1e9], ['flops.backward', 2e9], ['sparseFlops.total', 1e9]]));
 * // { executed: 3e9, sparseAware: 1e9 }
 */
import { keyWords } from './metric-names.js';

export interface RunFlops {
  readonly executed: number | undefined;
  readonly sparseAware: number | undefined;
}

const SPARSE_WORDS = new Set(['sparse', 'aware', 'effective', 'theoretical']);
const DIRECTION: Record<string, 'forward' | 'backward'> = { forward: 'forward', fwd: 'forward', backward: 'backward', bwd: 'backward', grad: 'backward', gradient: 'backward' };
const NOT_A_TOTAL = new Set(['per', 'step', 'batch', 'rate', 's', 'sec', 'second', 'iter']);

interface Candidate {
  readonly words: readonly string[];
  readonly value: number;
}

/** The executed and sparse-aware FLOP totals among `fields` (dotted key → number). */
export function pickFlops(fields: ReadonlyMap<string, number>): RunFlops {
  const executed: Candidate[] = [];
  const sparse: Candidate[] = [];
  for (const [key, value] of fields) {
    const words = keyWords(key);
    if (!words.includes('flops') && !words.includes('flop')) continue;
    if (!Number.isFinite(value) || words.some((w) => NOT_A_TOTAL.has(w))) continue;
    (words.some((w) => SPARSE_WORDS.has(w)) ? sparse : executed).push({ words, value });
  }
  return { executed: total(executed), sparseAware: total(sparse) };
}

function total(cands: readonly Candidate[]): number | undefined {
  const byLength = [...cands].sort((a, b) => a.words.length - b.words.length);
  const explicit = byLength.find((c) => c.words.includes('total'));
  if (explicit !== undefined) return explicit.value;
  const direction = (c: Candidate): string | undefined => c.words.map((w) => DIRECTION[w]).find((d) => d !== undefined);
  const plain = byLength.find((c) => direction(c) === undefined);
  if (plain !== undefined) return plain.value;
  // the shortest names are the whole passes (flops.backward, not flops.backward.inputGrad)
  const fwd = byLength.find((c) => direction(c) === 'forward');
  const bwd = byLength.find((c) => direction(c) === 'backward');
  return fwd !== undefined && bwd !== undefined ? fwd.value + bwd.value : undefined;
}
