/**
 * `sparsekit bench spmm`: the sparse forward Y = X·Wᵀ (W [O, K] in N:M,
 * CSR or BSR) against our dense GEMM on the same weight shape, both timed in
 * the same run with the same threads: dense and sparse calls alternate and
 * the best of each counts, so a busy machine slows both alike.
 * Shapes: W [O, K] (rows O, cols K); X [B, K]; Y [B, O].
 */
import { Command, InvalidArgumentError } from 'commander';
import { packDense, type FormatName, type FormatSpec, type SparseMatrix } from '../../formats/index.js';
import { gemm, nmSpmm, csrSpmm, bsrSpmm } from '../../kernels/index.js';
import { loadNative, nativeLoadError, rebuildHint } from '../../kernels/native/binding.js';
import { Tensor } from '../../tensor/tensor.js';
import { ArgumentError, BackendError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';

/** One benchmark case: a weight layout and sparsity on one shape and batch. */
export interface SpmmCase {
  readonly format: FormatName;
  /** N:M pattern (format 'nm'). */
  readonly n?: number;
  readonly m?: number;
  /** Fraction of zero weights (for 'nm' it is 1 - n/m; for 'bsr' the fraction of zero blocks). */
  readonly sparsity: number;
  /** BSR block side (square blocks). */
  readonly block?: number;
  readonly rows: number;
  readonly cols: number;
  readonly batch: number;
}

/** One line of `bench spmm --json`. */
export interface SpmmBenchResult {
  readonly op: 'spmm';
  readonly format: FormatName;
  readonly n: number | null;
  readonly m: number | null;
  readonly sparsity: number;
  readonly block: number | null;
  readonly rows: number;
  readonly cols: number;
  readonly batch: number;
  readonly threads: number;
  readonly dense_ms: number;
  readonly sparse_ms: number;
  readonly speedup: number;
}

export interface BenchSpmmOptions {
  readonly cases?: readonly SpmmCase[];
  /** Thread counts, run in this order (default: all cores, then 1). Counts must not rise (the pool cannot regrow). */
  readonly threads?: readonly number[];
  /** Least time spent on each case, dense and sparse together, in milliseconds (default 400). */
  readonly minTimeMs?: number;
  /** Called with each result as soon as it is measured. */
  readonly onResult?: (r: SpmmBenchResult) => void;
}

export const DEFAULT_SPMM_SHAPES: ReadonlyArray<readonly [number, number]> = [
  [3072, 768],
  [768, 3072],
];
export const DEFAULT_SPMM_BATCHES: readonly number[] = [256, 1];
export const DEFAULT_NM: ReadonlyArray<readonly [number, number]> = [
  [2, 4],
  [1, 4],
  [1, 8],
  [1, 16],
  [1, 32],
];
export const DEFAULT_CSR_SPARSITY: readonly number[] = [0.5, 0.75, 0.9, 0.95, 0.99];
export const DEFAULT_BSR: ReadonlyArray<readonly [number, number]> = [
  [16, 0.75],
  [16, 0.9],
  [32, 0.9],
];

/**
 * Every default case: N:M 2:4 … 1:32, CSR at 50–99 % and BSR, on both
 * weight shapes at batch 256 and 1.
 *
 * @example
 * defaultSpmmCases({ formats: ['nm'], batches: [256] }).length; // 10
 */
export function defaultSpmmCases(filter: { formats?: readonly FormatName[]; batches?: readonly number[]; shapes?: ReadonlyArray<readonly [number, number]> } = {}): SpmmCase[] {
  const formats = filter.formats ?? ['nm', 'csr', 'bsr'];
  const out: SpmmCase[] = [];
  for (const [rows, cols] of filter.shapes ?? DEFAULT_SPMM_SHAPES) {
    for (const batch of filter.batches ?? DEFAULT_SPMM_BATCHES) {
      if (formats.includes('nm')) for (const [n, m] of DEFAULT_NM) out.push({ format: 'nm', n, m, sparsity: 1 - n / m, rows, cols, batch });
      if (formats.includes('csr')) for (const sparsity of DEFAULT_CSR_SPARSITY) out.push({ format: 'csr', sparsity, rows, cols, batch });
      if (formats.includes('bsr')) for (const [block, sparsity] of DEFAULT_BSR) out.push({ format: 'bsr', block, sparsity, rows, cols, batch });
    }
  }
  return out;
}

/** A random weight of the case's layout: N:M positions, Bernoulli entries, or Bernoulli blocks. */
export function randomSparseWeight(cs: SpmmCase, rng: Rng): SparseMatrix {
  const { rows, cols } = cs;
  const d = new Float32Array(rows * cols);
  let spec: FormatSpec;
  if (cs.format === 'nm') {
    const n = cs.n ?? 1;
    const m = cs.m ?? 8;
    for (let g = 0; g < d.length; g += m) {
      const perm = rng.permutation(m);
      for (let i = 0; i < n; i++) d[g + perm[i]!] = rng.uniform(-1, 1);
    }
    spec = { format: 'nm', n, m };
  } else if (cs.format === 'csr') {
    for (let i = 0; i < d.length; i++) if (rng.uniform() >= cs.sparsity) d[i] = rng.uniform(-1, 1);
    spec = { format: 'csr' };
  } else {
    const b = cs.block ?? 16;
    for (let br = 0; br < rows / b; br++) {
      for (let bc = 0; bc < cols / b; bc++) {
        if (rng.uniform() < cs.sparsity) continue;
        for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) d[(br * b + i) * cols + bc * b + j] = rng.uniform(-1, 1);
      }
    }
    spec = { format: 'bsr', blockRows: b, blockCols: b };
  }
  return packDense(new Tensor(d, [rows, cols]), spec);
}

/** The native sparse forward of w, bound to its arrays. */
function sparseCall(w: SparseMatrix, x: Float32Array, y: Float32Array, batch: number): () => void {
  const fn = (k: { native: unknown }): never => {
    if (k.native === null) throw new BackendError(`bench spmm: the native addon lacks the ${w.format} kernels; it is out of date: ${rebuildHint}`);
    return k.native as never;
  };
  switch (w.format) {
    case 'nm': {
      const f = fn(nmSpmm) as typeof nmSpmm.reference;
      return () => f(batch, w.rows, w.cols, w.n, w.m, w.values, w.positions, x, y, false);
    }
    case 'csr': {
      const f = fn(csrSpmm) as typeof csrSpmm.reference;
      return () => f(batch, w.rows, w.cols, w.rowPtr, w.colIdx, w.values, x, y, false);
    }
    case 'bsr': {
      const f = fn(bsrSpmm) as typeof bsrSpmm.reference;
      return () => f(batch, w.rows, w.cols, w.blockRows, w.blockCols, w.rowPtr, w.colIdx, w.values, x, y, false);
    }
  }
}

/** Best times of two calls alternated until minTimeMs have passed (and at least 5 rounds). */
export function timePair(a: () => void, b: () => void, minTimeMs: number): [number, number] {
  a();
  b();
  let bestA = Infinity;
  let bestB = Infinity;
  let spent = 0;
  for (let round = 0; round < 5 || spent < minTimeMs; round++) {
    const t0 = performance.now();
    a();
    const t1 = performance.now();
    b();
    const t2 = performance.now();
    bestA = Math.min(bestA, t1 - t0);
    bestB = Math.min(bestB, t2 - t1);
    spent += t2 - t0;
  }
  return [bestA, bestB];
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

/**
 * Times every case at every thread count. Throws BackendError without the addon.
 *
 * @example
 * benchSpmm({ cases: [{ format: 'nm', n: 1, m: 8, sparsity: 0.875, rows: 768, cols: 768, batch: 64 }], threads: [1], minTimeMs: 50 });
 */
export function benchSpmm(opts: BenchSpmmOptions = {}): SpmmBenchResult[] {
  const binding = loadNative();
  if (binding === null || gemm.native === null) throw new BackendError(`bench spmm times the native kernels, but the ${nativeLoadError()}; ${rebuildHint}`);
  const threadList = opts.threads ?? [...new Set([binding.getThreads(), 1])];
  for (let i = 0; i < threadList.length; i++) {
    const t = threadList[i]!;
    if (!Number.isInteger(t) || t < 1 || t > 1024) throw new ArgumentError(`bench spmm: threads must be integers from 1 to 1024, got ${t}`);
    if (i > 0 && t > threadList[i - 1]!) throw new ArgumentError(`bench spmm: thread counts must not rise (got ${threadList.join(', ')}); list the larger first`);
  }
  const cases = opts.cases ?? defaultSpmmCases();
  const minTimeMs = opts.minTimeMs ?? 400;
  const dense = gemm.native;
  const results: SpmmBenchResult[] = [];
  const rng = new Rng(7);
  const weights = new Map<SpmmCase, SparseMatrix>();
  for (const threads of threadList) {
    binding.setThreads(threads);
    for (const cs of cases) {
      let w = weights.get(cs);
      if (w === undefined) {
        w = randomSparseWeight(cs, rng);
        weights.set(cs, w);
      }
      const { rows, cols, batch } = cs;
      const wd = w.toDense().data;
      const x = Float32Array.from({ length: batch * cols }, () => rng.uniform(-1, 1));
      const yd = new Float32Array(batch * rows);
      const ys = new Float32Array(batch * rows);
      const [denseMs, sparseMs] = timePair(
        () => dense(1, false, true, batch, rows, cols, 1, x, 0, cols, wd, 0, cols, 0, yd, 0, rows),
        sparseCall(w, x, ys, batch),
        minTimeMs,
      );
      const r: SpmmBenchResult = {
        op: 'spmm',
        format: cs.format,
        n: cs.format === 'nm' ? (cs.n ?? null) : null,
        m: cs.format === 'nm' ? (cs.m ?? null) : null,
        sparsity: round3(cs.sparsity),
        block: cs.format === 'bsr' ? (cs.block ?? null) : null,
        rows,
        cols,
        batch,
        threads,
        dense_ms: round3(denseMs),
        sparse_ms: round3(sparseMs),
        speedup: Math.round((denseMs / sparseMs) * 100) / 100,
      };
      results.push(r);
      opts.onResult?.(r);
    }
  }
  return results;
}

function describe(r: SpmmBenchResult): string {
  if (r.format === 'nm') return `nm ${r.n}:${r.m}`;
  if (r.format === 'bsr') return `bsr ${r.block}x${r.block} ${Math.round(r.sparsity * 100)}%`;
  return `csr ${Math.round(r.sparsity * 1000) / 10}%`;
}

/** One aligned text row per result (the header first when `header` is set). */
export function formatSpmmRow(r: SpmmBenchResult | null): string {
  const cells = r === null
    ? ['format', 'shape', 'batch', 'threads', 'dense ms', 'sparse ms', 'speedup']
    : [describe(r), `${r.rows}x${r.cols}`, String(r.batch), String(r.threads), r.dense_ms.toFixed(3), r.sparse_ms.toFixed(3), `${r.speedup.toFixed(2)}x`];
  const widths = [14, 10, 6, 8, 10, 10, 8];
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
}

function intList(value: string): number[] {
  const out = value.split(',').map((v) => Number(v.trim()));
  if (out.some((n) => !Number.isInteger(n) || n < 1)) throw new InvalidArgumentError('expected a comma-separated list of positive integers.');
  return out;
}

function formatList(value: string): FormatName[] {
  const out = value.split(',').map((v) => v.trim());
  for (const f of out) if (f !== 'nm' && f !== 'csr' && f !== 'bsr') throw new InvalidArgumentError(`"${f}" is not a format (nm, csr, bsr).`);
  return out as FormatName[];
}

function shapeList(value: string): Array<[number, number]> {
  return value.split(',').map((item) => {
    const match = /^\s*(\d+)x(\d+)\s*$/i.exec(item);
    if (match === null) throw new InvalidArgumentError(`"${item}" is not OxK (for example 3072x768).`);
    return [Number(match[1]), Number(match[2])];
  });
}

/** The `spmm` subcommand of `bench`. */
export function benchSpmmCommand(): Command {
  return new Command('spmm')
    .description('sparse Y = X·Wᵀ (N:M, CSR, BSR) against the dense GEMM, same run and threads')
    .option('--json', 'print one JSON line per case')
    .option('--threads <list>', 'thread counts, largest first (default: all cores, then 1)', intList)
    .option('--formats <list>', 'formats to run (default nm,csr,bsr)', formatList)
    .option('--batches <list>', 'batch sizes (default 256,1)', intList)
    .option('--shapes <list>', 'weight shapes OxK (default 3072x768,768x3072)', shapeList)
    .option('--min-time <ms>', 'least time per case', (v) => intList(v)[0]!, 400)
    .action((o: { json?: boolean; threads?: number[]; formats?: FormatName[]; batches?: number[]; shapes?: Array<[number, number]>; minTime: number }) => {
      const cases = defaultSpmmCases({
        ...(o.formats === undefined ? {} : { formats: o.formats }),
        ...(o.batches === undefined ? {} : { batches: o.batches }),
        ...(o.shapes === undefined ? {} : { shapes: o.shapes }),
      });
      if (o.json !== true) console.log(formatSpmmRow(null));
      benchSpmm({
        cases,
        minTimeMs: o.minTime,
        ...(o.threads === undefined ? {} : { threads: o.threads }),
        onResult: (r) => console.log(o.json === true ? JSON.stringify(r) : formatSpmmRow(r)),
      });
    });
}
