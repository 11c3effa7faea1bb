/**
 * `sparsekit bench spmm`: the sparse products of a Linear layer (W [O, K] in
 * N:M, CSR or BSR) against our dense GEMM doing the same product, both timed
 * in the same run with the same threads: dense and sparse calls alternate and
 * the best of each counts, so a busy machine slows both alike. Ops: the
 * forward Y = X·Wᵀ ('spmm'), the input gradient dX = dY·W
 * ('spmm_transposed') and the weight gradient dW = dYᵀ·X, sampled at W's
 * entries ('sddmm'; dense computes every entry). Weights are prepacked for
 * inference unless told not to, as compress does for weights it does not
 * train: N:M (prepackNM), so that the forward at small batches runs on the
 * row-block layout, and CSR dense enough for K blocks (prepackCSR), so that
 * it runs on the blocked layout above batch 4; each line says whether its
 * forward did ("prepacked").
 * Shapes: W [O, K] (rows O, cols K); X, dX [B, K]; Y, dY [B, O].
 */
import { Command, InvalidArgumentError } from 'commander';
import { csrBlocksFor, packDense, prepackForInference, rowBlocksFor, type FormatName, type FormatSpec, type SparseMatrix } from '../../formats/index.js';
import { transposeIndex } from '../../formats/index.js';
import { gemm, nmSpmm, nmSpmmBlocks, csrSpmm, csrSpmmBlocked, bsrSpmm, spmmTransposed, bsrSpmmTransposed, nmSddmm, csrSddmm, bsrSddmm } from '../../kernels/index.js';
import { alignedFloats } from '../../kernels/aligned-floats.js';
import { loadNative, nativeLoadError, rebuildHint } from '../../kernels/native/binding.js';
import { Tensor } from '../../tensor/tensor.js';
import { ArgumentError, BackendError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';

/** The product a case times: forward, input gradient or weight gradient. */
export type SpmmOp = 'spmm' | 'spmm_transposed' | 'sddmm';
export const SPMM_OPS: readonly SpmmOp[] = ['spmm', 'spmm_transposed', 'sddmm'];

/** One benchmark case: a weight layout and sparsity on one shape and batch. */
export interface SpmmCase {
  /** Default 'spmm'. */
  readonly op?: SpmmOp;
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
  readonly op: SpmmOp;
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
  /** The forward ran on the weight's prepacked layout (prepackNM, prepackCSR), as in a model compressed for inference. */
  readonly prepacked: boolean;
}

export interface BenchSpmmOptions {
  readonly cases?: readonly SpmmCase[];
  /** Thread counts, run in this order (default: all cores, then 1). Counts must not rise (the pool cannot regrow). */
  readonly threads?: readonly number[];
  /** Least time spent on each case, dense and sparse together, in milliseconds (default 400). */
  readonly minTimeMs?: number;
  /**
   * Prepack weights for inference (prepackForInference), as compress does
   * for weights it does not train (default true).
   */
  readonly prepack?: boolean;
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
 * weight shapes at batch 256 and 1, for each op (default: all three).
 *
 * @example
 * defaultSpmmCases({ formats: ['nm'], batches: [256], ops: ['spmm'] }).length; // 10
 */
export function defaultSpmmCases(
  filter: { formats?: readonly FormatName[]; batches?: readonly number[]; shapes?: ReadonlyArray<readonly [number, number]>; ops?: readonly SpmmOp[] } = {},
): SpmmCase[] {
  const formats = filter.formats ?? ['nm', 'csr', 'bsr'];
  const out: SpmmCase[] = [];
  for (const op of filter.ops ?? SPMM_OPS) {
    for (const [rows, cols] of filter.shapes ?? DEFAULT_SPMM_SHAPES) {
      for (const batch of filter.batches ?? DEFAULT_SPMM_BATCHES) {
        if (formats.includes('nm')) for (const [n, m] of DEFAULT_NM) out.push({ op, format: 'nm', n, m, sparsity: 1 - n / m, rows, cols, batch });
        if (formats.includes('csr')) for (const sparsity of DEFAULT_CSR_SPARSITY) out.push({ op, format: 'csr', sparsity, rows, cols, batch });
        if (formats.includes('bsr')) for (const [block, sparsity] of DEFAULT_BSR) out.push({ op, format: 'bsr', block, sparsity, rows, cols, batch });
      }
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

/** Arrays of one case: X [B, K], dY [B, O], and an output for each side (on 64-byte lines, as the library's own buffers). */
interface CaseArrays {
  readonly x: Float32Array;
  readonly dy: Float32Array;
  readonly out: Float32Array;
  readonly denseOut: Float32Array;
}

const nativeOf = (k: { native: unknown; kernelName: string }): never => {
  if (k.native === null) throw new BackendError(`bench spmm: the native addon lacks the ${k.kernelName} kernel; it is out of date: ${rebuildHint}`);
  return k.native as never;
};

/** The native sparse product of the case's op, bound to its arrays. */
function sparseCall(op: SpmmOp, w: SparseMatrix, a: CaseArrays, batch: number): () => void {
  const { x, dy, out } = a;
  if (op === 'spmm_transposed') {
    const t = transposeIndex(w);
    if (w.format === 'bsr') {
      const f = nativeOf(bsrSpmmTransposed) as typeof bsrSpmmTransposed.reference;
      return () => f(batch, w.rows, w.cols, w.blockRows, w.blockCols, t.ptr, t.row, t.perm, w.values, dy, out, false);
    }
    const f = nativeOf(spmmTransposed) as typeof spmmTransposed.reference;
    return () => f(batch, w.rows, w.cols, t.ptr, t.row, t.perm, w.values, dy, out, false);
  }
  if (op === 'sddmm') {
    switch (w.format) {
      case 'nm': {
        const f = nativeOf(nmSddmm) as typeof nmSddmm.reference;
        return () => f(batch, w.rows, w.cols, w.n, w.m, w.positions, x, dy, out, false);
      }
      case 'csr': {
        const f = nativeOf(csrSddmm) as typeof csrSddmm.reference;
        return () => f(batch, w.rows, w.cols, w.rowPtr, w.colIdx, x, dy, out, false);
      }
      case 'bsr': {
        const f = nativeOf(bsrSddmm) as typeof bsrSddmm.reference;
        return () => f(batch, w.rows, w.cols, w.blockRows, w.blockCols, w.rowPtr, w.colIdx, x, dy, out, false);
      }
    }
  }
  switch (w.format) {
    case 'nm': {
      // The layout spmm() would pick.
      const blocks = rowBlocksFor(w, batch);
      if (blocks !== undefined) {
        const fb = nativeOf(nmSpmmBlocks) as typeof nmSpmmBlocks.reference;
        return () => fb(batch, w.rows, w.cols, w.n, w.m, blocks, x, null, out, false);
      }
      const f = nativeOf(nmSpmm) as typeof nmSpmm.reference;
      return () => f(batch, w.rows, w.cols, w.n, w.m, w.values, w.positions, x, null, out, false);
    }
    case 'csr': {
      // The layout spmm() would pick.
      const bl = csrBlocksFor(w, batch);
      if (bl !== undefined) {
        const fb = nativeOf(csrSpmmBlocked) as typeof csrSpmmBlocked.reference;
        return () => fb(batch, w.rows, w.cols, w.rowPtr, w.colIdx, w.values, bl.blockCols, bl.order, bl.count, bl.colIdx, bl.values, x, out, false);
      }
      const f = nativeOf(csrSpmm) as typeof csrSpmm.reference;
      return () => f(batch, w.rows, w.cols, w.rowPtr, w.colIdx, w.values, x, out, false);
    }
    case 'bsr': {
      const f = nativeOf(bsrSpmm) as typeof bsrSpmm.reference;
      return () => f(batch, w.rows, w.cols, w.blockRows, w.blockCols, w.rowPtr, w.colIdx, w.values, x, out, false);
    }
  }
}

/**
 * Best times of two calls, run in alternating blocks of `block` calls each
 * until minTimeMs have passed (and at least 5 rounds). Alternation gives both
 * the same machine noise; the blocks let each settle into its own state: a
 * call made right after a long dense GEMM runs slower for a while (1:8 at
 * 768×3072, batch 256, 1 thread: 2.24–2.38 ms against 1.89–2.04 ms after
 * other work, with the caches flushed either way), which a sparse model's
 * layers, following one another, do not see.
 */
export function timePair(a: () => void, b: () => void, minTimeMs: number, block = 3): [number, number] {
  let bestA = Infinity;
  let bestB = Infinity;
  const start = performance.now();
  for (let round = 0; round < 5 || performance.now() - start < minTimeMs; round++) {
    for (let i = 0; i < block; i++) {
      const t0 = performance.now();
      a();
      bestA = Math.min(bestA, performance.now() - t0);
    }
    for (let i = 0; i < block; i++) {
      const t0 = performance.now();
      b();
      bestB = Math.min(bestB, performance.now() - t0);
    }
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
        if (opts.prepack !== false) prepackForInference(w);
        weights.set(cs, w);
      }
      const { rows, cols, batch } = cs;
      const op = cs.op ?? 'spmm';
      const wd = w.toDense().data;
      const x = Float32Array.from({ length: batch * cols }, () => rng.uniform(-1, 1));
      const dy = Float32Array.from({ length: batch * rows }, () => rng.uniform(-1, 1));
      const a: CaseArrays = op === 'spmm'
        ? { x, dy, out: alignedFloats(batch * rows), denseOut: alignedFloats(batch * rows) }
        : op === 'spmm_transposed'
          ? { x, dy, out: alignedFloats(batch * cols), denseOut: alignedFloats(batch * cols) }
          : { x, dy, out: alignedFloats(w.values.length), denseOut: alignedFloats(rows * cols) };
      const d = a.denseOut;
      // The dense twin of each op: Y = X·Wᵀ, dX = dY·W, dW = dYᵀ·X (every entry).
      const denseCall = op === 'spmm'
        ? () => dense(1, false, true, batch, rows, cols, 1, x, 0, cols, wd, 0, cols, 0, d, 0, rows)
        : op === 'spmm_transposed'
          ? () => dense(1, false, false, batch, cols, rows, 1, dy, 0, rows, wd, 0, cols, 0, d, 0, cols)
          : () => dense(1, true, false, rows, cols, batch, 1, dy, 0, rows, x, 0, cols, 0, d, 0, cols);
      // Small batches are memory-bound: one call at a time, so that each starts with the
      // other's data in the caches, as a layer in a model does (in blocks, the sparse
      // weights of 1.3 MB at 1:8 would stay in L2 from call to call, dense's 9.4 MB not).
      const [denseMs, sparseMs] = timePair(denseCall, sparseCall(op, w, a, batch), minTimeMs, batch <= 4 ? 1 : 3);
      const r: SpmmBenchResult = {
        op,
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
        prepacked: op === 'spmm' && (w.format === 'nm' ? rowBlocksFor(w, batch) !== undefined : w.format === 'csr' && csrBlocksFor(w, batch) !== undefined),
      };
      results.push(r);
      opts.onResult?.(r);
    }
  }
  return results;
}

function describe(r: SpmmBenchResult): string {
  const op = r.op === 'spmm' ? '' : r.op === 'sddmm' ? ' dW' : ' dX';
  if (r.format === 'nm') return `nm ${r.n}:${r.m}${op}${r.prepacked ? ' prepacked' : ''}`;
  if (r.format === 'bsr') return `bsr ${r.block}x${r.block} ${Math.round(r.sparsity * 100)}%${op}`;
  return `csr ${Math.round(r.sparsity * 1000) / 10}%${op}${r.prepacked ? ' prepacked' : ''}`;
}

/** One aligned text row per result (the header first when `header` is set). */
export function formatSpmmRow(r: SpmmBenchResult | null): string {
  const cells = r === null
    ? ['format', 'shape', 'batch', 'threads', 'dense ms', 'sparse ms', 'speedup']
    : [describe(r), `${r.rows}x${r.cols}`, String(r.batch), String(r.threads), r.dense_ms.toFixed(3), r.sparse_ms.toFixed(3), `${r.speedup.toFixed(2)}x`];
  const widths = [17, 10, 6, 8, 10, 10, 8];
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

function opList(value: string): SpmmOp[] {
  const out = value.split(',').map((v) => v.trim());
  for (const o of out) if (!(SPMM_OPS as readonly string[]).includes(o)) throw new InvalidArgumentError(`"${o}" is not an op (${SPMM_OPS.join(', ')}).`);
  return out as SpmmOp[];
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
    .description('sparse Y = X·Wᵀ, dX = dY·W and sampled dW (N:M, CSR, BSR) against the dense GEMM, same run and threads')
    .option('--json', 'print one JSON line per case')
    .option('--threads <list>', 'thread counts, largest first (default: all cores, then 1)', intList)
    .option('--formats <list>', 'formats to run (default nm,csr,bsr)', formatList)
    .option('--ops <list>', 'products to run (default spmm,spmm_transposed,sddmm)', opList)
    .option('--batches <list>', 'batch sizes (default 256,1)', intList)
    .option('--shapes <list>', 'weight shapes OxK (default 3072x768,768x3072)', shapeList)
    .option('--min-time <ms>', 'least time per case', (v) => intList(v)[0]!, 400)
    .option('--no-prepack', 'run the forward on NMPacked and CSR themselves, not on the prepacked layouts a model compressed for inference uses')
    .action((o: { json?: boolean; threads?: number[]; formats?: FormatName[]; ops?: SpmmOp[]; batches?: number[]; shapes?: Array<[number, number]>; minTime: number; prepack: boolean }) => {
      const cases = defaultSpmmCases({
        ...(o.ops === undefined ? {} : { ops: o.ops }),
        ...(o.formats === undefined ? {} : { formats: o.formats }),
        ...(o.batches === undefined ? {} : { batches: o.batches }),
        ...(o.shapes === undefined ? {} : { shapes: o.shapes }),
      });
      if (o.json !== true) console.log(formatSpmmRow(null));
      benchSpmm({
        cases,
        minTimeMs: o.minTime,
        prepack: o.prepack,
        ...(o.threads === undefined ? {} : { threads: o.threads }),
        onResult: (r) => console.log(o.json === true ? JSON.stringify(r) : formatSpmmRow(r)),
      });
    });
}
