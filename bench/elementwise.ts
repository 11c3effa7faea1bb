/**
 * Bandwidth of the elementwise and reduction kernels on 16M-element float
 * tensors: native on 1 and 2 threads against the TypeScript reference.
 * Prints one JSON line per measurement:
 *   {"op":"add","elements":16777216,"threads":1,"gbps":17.2,"backend":"native","isa":"avx512","ms":11.7}
 * gbps counts the bytes a kernel must move at least (each input read once,
 * each output written once) over the best time of several runs (the machine
 * is shared, so the best run is the one least disturbed); compare it with
 * the machine's memory bandwidth (about 28 GB/s per core here).
 *
 * A first line times a plain copy (Float32Array.set, libc memcpy) of the
 * same size: the bandwidth the machine gives right now, to read the others
 * against.
 *
 * Run: node --import tsx bench/elementwise.ts [--no-reference]
 */
import { BinaryOp, UnaryOp, binary, softmaxRows, sumTo, unary } from '../src/kernels/index.js';
import { loadNative } from '../src/kernels/native/binding.js';
import { Rng } from '../src/index.js';

const N = 1 << 24;
const ROWS = 4096;
const COLS = N / ROWS;
const SOFTMAX_COLS = 1024;

function randomArray(n: number, rng: Rng): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-3, 3);
  return a;
}

const rng = new Rng(1);
const a = randomArray(N, rng);
const b = randomArray(N, rng);
const row = randomArray(COLS, rng);
const out = new Float32Array(N);
const colSums = new Float32Array(COLS);
const flat = Int32Array.of(N);
const one = Int32Array.of(1);
const matrix = Int32Array.of(ROWS, COLS);

interface Case {
  readonly op: string;
  /** Bytes the kernel must move at least. */
  readonly bytes: number;
  /** Runs the kernel on the native (true) or reference (false) implementation. */
  readonly run: (native: boolean) => void;
}

const pick = <F>(k: { native: F | null; reference: F }, native: boolean): F => (native ? k.native! : k.reference);

const CASES: Case[] = [
  { op: 'add', bytes: 12 * N, run: (nat) => pick(binary, nat)(BinaryOp.add, a, b, out, flat, one, one) },
  { op: 'add-row', bytes: 8 * N, run: (nat) => pick(binary, nat)(BinaryOp.add, a, row, out, matrix, Int32Array.of(COLS, 1), Int32Array.of(0, 1)) },
  { op: 'mul', bytes: 12 * N, run: (nat) => pick(binary, nat)(BinaryOp.mul, a, b, out, flat, one, one) },
  { op: 'relu', bytes: 8 * N, run: (nat) => pick(unary, nat)(UnaryOp.relu, a, out) },
  { op: 'gelu', bytes: 8 * N, run: (nat) => pick(unary, nat)(UnaryOp.gelu, a, out) },
  { op: 'exp', bytes: 8 * N, run: (nat) => pick(unary, nat)(UnaryOp.exp, a, out) },
  { op: 'sumTo', bytes: 4 * N, run: (nat) => pick(sumTo, nat)(a, matrix, Int32Array.of(0, 1), colSums) },
  { op: 'softmax', bytes: 8 * N, run: (nat) => pick(softmaxRows, nat)(N / SOFTMAX_COLS, SOFTMAX_COLS, false, a, out) },
];

/** Best seconds of `reps` runs after one warm-up run. */
function time(fn: () => void, reps: number): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return Math.min(...times);
}

function report(op: string, threads: number, backend: string, isa: string, bytes: number, seconds: number): void {
  const gbps = Math.round((bytes / seconds / 1e9) * 100) / 100;
  console.log(JSON.stringify({ op, elements: N, threads, gbps, backend, isa, ms: Math.round(seconds * 1e5) / 100 }));
}

report('copy', 1, 'memcpy', 'libc', 8 * N, time(() => out.set(a), 9));

const binding = loadNative();
if (binding === null) console.error('bench/elementwise: the native addon is not built; measuring the reference only');
else {
  // Thread counts go up only once, before any parallel work: growing the
  // pool after parallel work replays the last job (native/kernels/thread-pool.cc).
  for (const threads of [1, 2]) {
    binding.setThreads(threads);
    for (const c of CASES) report(c.op, threads, 'native', binding.isa(), c.bytes, time(() => c.run(true), 9));
  }
}
if (!process.argv.includes('--no-reference')) {
  for (const c of CASES) report(c.op, 1, 'reference', 'js', c.bytes, time(() => c.run(false), 1));
}
