/**
 * `sparsekit bench gemm`: GFLOPS of the native GEMM on a list of shapes,
 * C[M, N] = A[M, K] · B[K, N], both operands row-major and not transposed
 * (what numpy's `a @ b` computes, so bench/peers/numpy-gemm.py compares
 * like with like). Each shape is timed until at least `minTimeMs` have
 * passed and three runs were made; the best run counts, as BLAS benchmarks do.
 */
import { Command, InvalidArgumentError } from 'commander';
import { gemm } from '../../kernels/index.js';
import { loadNative, nativeLoadError, rebuildHint } from '../../kernels/native/binding.js';
import { ArgumentError, BackendError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { alignColumns } from '../../util/text-table.js';

/** One GEMM size: C is [m, n], the reduction has length k. */
export interface GemmShape {
  readonly m: number;
  readonly n: number;
  readonly k: number;
}

/** One line of `bench gemm --json`. */
export interface GemmBenchResult {
  readonly op: 'gemm';
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly threads: number;
  readonly gflops: number;
  readonly backend: 'native';
}

export interface BenchGemmOptions {
  /** Shapes to time (default: DEFAULT_GEMM_SHAPES). */
  readonly shapes?: readonly GemmShape[];
  /**
   * Threads of the native pool (default: the pool's size, all cores unless
   * SPARSEKIT_THREADS says otherwise). The pool returns to its size afterwards.
   */
  readonly threads?: number;
  /** Least time spent timing each shape, in milliseconds (default 500). */
  readonly minTimeMs?: number;
}

/** 512³, 1024³ and two transformer shapes: a 768-wide MLP at 256 tokens, and its down-projection at 4096 tokens. */
export const DEFAULT_GEMM_SHAPES: readonly GemmShape[] = [
  { m: 512, n: 512, k: 512 },
  { m: 1024, n: 1024, k: 1024 },
  { m: 256, n: 3072, k: 768 },
  { m: 4096, n: 768, k: 3072 },
];

/**
 * Parses `MxNxK,MxNxK,…` (for example `1024x1024x1024,256x3072x768`).
 *
 * @example
 * parseGemmShapes('64x128x32'); // [{ m: 64, n: 128, k: 32 }]
 */
export function parseGemmShapes(text: string): GemmShape[] {
  return text.split(',').map((item) => {
    const match = /^\s*(\d+)x(\d+)x(\d+)\s*$/i.exec(item);
    const dims = match === null ? [] : match.slice(1).map(Number);
    if (dims.length !== 3 || dims.some((d) => d < 1 || d > 65536)) {
      throw new ArgumentError(`bench gemm --shapes: "${item}" is not MxNxK with three integers from 1 to 65536 (for example 1024x1024x1024)`);
    }
    return { m: dims[0]!, n: dims[1]!, k: dims[2]! };
  });
}

function randomMatrix(size: number, rng: Rng): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.uniform(-1, 1);
  return out;
}

/**
 * Times the native GEMM on each shape and returns one result per shape.
 * Throws BackendError when the addon is not built.
 *
 * @example
 * const [r] = benchGemm({ shapes: [{ m: 256, n: 256, k: 256 }], threads: 1, minTimeMs: 50 });
 * console.log(r.gflops);
 */
export function benchGemm(opts: BenchGemmOptions = {}): GemmBenchResult[] {
  const binding = loadNative();
  const native = gemm.native;
  if (binding === null || native === null) {
    throw new BackendError(`bench gemm times the native kernel, but the ${nativeLoadError() || 'addon has no gemm kernel'}; ${rebuildHint}`);
  }
  const shapes = opts.shapes ?? DEFAULT_GEMM_SHAPES;
  const minTimeMs = opts.minTimeMs ?? 500;
  if (opts.threads !== undefined) {
    if (!Number.isInteger(opts.threads) || opts.threads < 1 || opts.threads > 1024) {
      throw new ArgumentError(`bench gemm: threads must be an integer from 1 to 1024, got ${opts.threads}`);
    }
  }
  const before = binding.getThreads();
  if (opts.threads !== undefined) binding.setThreads(opts.threads);
  const threads = binding.getThreads();
  const rng = new Rng(1);
  try {
    return shapes.map(({ m, n, k }) => {
      const a = randomMatrix(m * k, rng);
      const b = randomMatrix(k * n, rng);
      const c = new Float32Array(m * n);
      const run = (): void => native(1, false, false, m, n, k, 1, a, 0, k, b, 0, n, 0, c, 0, n);
      run();
      let best = Infinity;
      let spent = 0;
      for (let reps = 0; reps < 3 || spent < minTimeMs; reps++) {
        const t0 = performance.now();
        run();
        const dt = performance.now() - t0;
        spent += dt;
        best = Math.min(best, dt);
      }
      const gflops = Math.round((2 * m * n * k) / (best * 1e6) * 10) / 10;
      return { op: 'gemm', m, n, k, threads, gflops, backend: 'native' };
    });
  } finally {
    binding.setThreads(before);
  }
}

/** Results as an aligned text table. */
export function formatGemmTable(results: readonly GemmBenchResult[]): string {
  const rows = [['shape (MxNxK)', 'threads', 'GFLOPS'], ...results.map((r) => [`${r.m}x${r.n}x${r.k}`, String(r.threads), r.gflops.toFixed(1)])];
  return alignColumns(rows, 'numbers');
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer.');
  return n;
}

/** The `gemm` subcommand of `bench`. */
export function benchGemmCommand(): Command {
  return new Command('gemm')
    .description('GFLOPS of the native fp32 GEMM (C = A·B, row-major) on each shape')
    .option('--json', 'print one JSON line per shape')
    .option('--threads <n>', 'threads of the native pool (default: all cores or SPARSEKIT_THREADS)', positiveInt)
    .option('--shapes <list>', 'comma-separated MxNxK list (default 512x512x512,1024x1024x1024,256x3072x768,4096x768x3072)')
    .option('--min-time <ms>', 'least time spent timing each shape', positiveInt, 500)
    .action((o: { json?: boolean; threads?: number; shapes?: string; minTime: number }) => {
      const results = benchGemm({
        threads: o.threads,
        minTimeMs: o.minTime,
        ...(o.shapes === undefined ? {} : { shapes: parseGemmShapes(o.shapes) }),
      });
      if (o.json === true) for (const r of results) console.log(JSON.stringify(r));
      else console.log(formatGemmTable(results));
    });
}
