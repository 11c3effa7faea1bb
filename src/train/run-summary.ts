/**
 * summary.json: what a run did and how well, in one JSON object. Training
 * FLOPs are the GEMM work the kernels executed (forward and backward apart);
 * for a sparse run, `sparseTrainingFlops` is the work an N:M kernel would do
 * under the run's gradient flow (sparse-core's accounting), so runs compare
 * at equal training FLOPs.
 *
 * @example
 * const s = JSON.parse(readFileSync('runs/vit/summary.json', 'utf8')) as RunSummary;
 * s.final?.accuracy; s.sparseTrainingFlops?.total ?? s.trainingFlops.total;
 */
import type { SparsityTableRow } from '../sparse/plan/sparsity-table.js';
import type { EvalMetrics } from './evaluate.js';

export interface FlopTotals {
  forward: number;
  backward: number;
  total: number;
}

export interface RunSummary {
  name: string;
  /** completed; stopped (an interrupted session, to be resumed); diverged (the NaN guard stopped it). */
  status: 'completed' | 'stopped' | 'diverged';
  /** The divergence message, when status is diverged. */
  error?: string;
  data: string;
  model: { type: string; parameters: number };
  steps: number;
  totalSteps: number;
  epochs: number;
  batchSize: number;
  /** The last evaluation (after finalize() for a sparse run). */
  final: EvalMetrics | null;
  wallTimeSec: number;
  /** Time in training steps only (no evaluation or checkpoints). */
  trainTimeSec: number;
  samplesPerSec: number;
  /** Text runs: tokens per second of training. */
  tokensPerSec?: number;
  trainingFlops: FlopTotals;
  sparseTrainingFlops?: FlopTotals;
  sparsity?: {
    plan: { n: number; m: number; flow: string; locations: readonly string[] };
    /** Every selected weight is exactly N:M after finalize(). */
    verified: boolean;
    table: SparsityTableRow[];
  };
  backend: string;
  threads: number;
}

export function flopTotals(forward: number, backward: number): FlopTotals {
  return { forward, backward, total: forward + backward };
}
