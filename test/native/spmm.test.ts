// Native sparse products against their references (src/kernels/ref/spmm-*.ts)
// on every instruction set the CPU supports, with 2 and then 1 threads.
// Shapes: W [O, K]; X, dX [B, K]; Y, dY [B, O]. Sizes cover 1, 3, 7, 33 and
// 1023; batch 1 and 3 (gather path), 5..65 (one narrow panel), 130 (panels
// plus a narrow last one); K blocks (long rows); the small-batch N:M kernel's
// windows and tails; the prepacked row-block layout's short blocks and quads;
// the blocked CSR layout's K blocks, narrow panels and thread splits; the N:M lane path's row blocks, batch tiles and
// chunks; odd row counts, so thread slices end mid-way; and transposed products over N:M weights, whose
// thread slices (by column) cut through groups of M.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bsrSddmm,
  bsrSpmm,
  bsrSpmmTransposed,
  csrSddmm,
  csrSpmm,
  csrSpmmBlocked,
  nmSddmm,
  nmSpmm,
  nmSpmmBlocks,
  spmmTransposed,
  type Kernel,
} from '../../src/kernels/index.js';
import { BSRMatrix, CSRMatrix, NMPacked, Rng, Tensor, csrBlockedLayout, rowBlockLayout, transposeIndex } from '../../src/index.js';
import { configLabel, nativeParity, nativeTest, randomFloats, requireNative } from '../helpers/native.js';
import { assertWithinRounding } from '../helpers/rounding.js';

const abs = (a: Float32Array): Float32Array => a.map(Math.abs);

function randomNM(rows: number, cols: number, n: number, m: number, rng: Rng): Tensor {
  const d = new Float32Array(rows * cols);
  for (let g = 0; g < d.length; g += m) {
    const perm = rng.permutation(m);
    for (let i = 0; i < n; i++) d[g + perm[i]!] = rng.uniform(-1, 1);
  }
  return new Tensor(d, [rows, cols]);
}

function randomSparse(rows: number, cols: number, density: number, rng: Rng): Tensor {
  return new Tensor(Float32Array.from({ length: rows * cols }, () => (rng.uniform() < density ? rng.uniform(-1, 1) : 0)), [rows, cols]);
}

function randomBlocks(rows: number, cols: number, bh: number, bw: number, rng: Rng): Tensor {
  const d = new Float32Array(rows * cols);
  for (let br = 0; br < rows / bh; br++) {
    for (let bc = 0; bc < cols / bw; bc++) {
      if (rng.uniform() < 0.4) continue;
      for (let i = 0; i < bh; i++) for (let j = 0; j < bw; j++) d[(br * bh + i) * cols + bc * bw + j] = rng.uniform(-1, 1);
    }
  }
  return new Tensor(d, [rows, cols]);
}

/** The native twin or the reference of a kernel. */
function pick<F extends (...args: never[]) => unknown>(k: Kernel<F>, impl: 'native' | 'reference'): F {
  return impl === 'native' ? requireNative(k) : k.reference;
}

/** One kernel call: how to run it on an output array, and what the reference gives. */
interface Check {
  what: string;
  run: (impl: 'native' | 'reference', out: Float32Array, absolute?: boolean) => void;
  outLength: number;
  terms: number;
}

type Matrix = NMPacked | CSRMatrix | BSRMatrix;

/** The three products of one sparse matrix at one batch size. */
function productChecks(w: Matrix, batch: number, rng: Rng, label: string): Check[] {
  const x = randomFloats(batch * w.cols, rng);
  const dy = randomFloats(batch * w.rows, rng);
  const t = transposeIndex(w);
  const a = (v: Float32Array, absolute?: boolean): Float32Array => (absolute === true ? abs(v) : v);
  const terms = w.format === 'csr' ? w.cols : w.format === 'nm' ? w.slotsPerRow : w.cols;
  const colTerms = w.rows;
  let fwd: Check['run'];
  let grad: Check['run'];
  let sd: Check['run'];
  // N:M also with each output row started from a bias, on every path.
  const extra: Check[] = [];
  switch (w.format) {
    case 'nm': {
      const bias = randomFloats(w.rows, rng);
      fwd = (impl, out, ab) => pick(nmSpmm, impl)(batch, w.rows, w.cols, w.n, w.m, a(w.values, ab), w.positions, a(x, ab), null, out, false);
      const withBias: Check['run'] = (impl, out, ab) =>
        pick(nmSpmm, impl)(batch, w.rows, w.cols, w.n, w.m, a(w.values, ab), w.positions, a(x, ab), a(bias, ab), out, false);
      extra.push({ what: `${label} forward with bias`, run: withBias, outLength: batch * w.rows, terms: terms + 1 });
      if (w.m <= 32) {
        // The same product on the prepacked row-block layout (the absolute check packs the absolute values).
        const lay = rowBlockLayout(w);
        const layAbs = rowBlockLayout(new NMPacked({ ...w, values: abs(w.values) }));
        for (const b of [null, bias]) {
          extra.push({
            what: `${label} forward on row blocks${b === null ? '' : ' with bias'}`,
            run: (impl, out, ab) => pick(nmSpmmBlocks, impl)(batch, w.rows, w.cols, w.n, w.m, ab === true ? layAbs : lay, a(x, ab), b === null ? null : a(b, ab), out, false),
            outLength: batch * w.rows,
            terms: terms + 1,
          });
        }
      }
      sd = (impl, out, ab) => pick(nmSddmm, impl)(batch, w.rows, w.cols, w.n, w.m, w.positions, a(x, ab), a(dy, ab), out, false);
      grad = (impl, out, ab) => pick(spmmTransposed, impl)(batch, w.rows, w.cols, t.ptr, t.row, t.perm, a(w.values, ab), a(dy, ab), out, false);
      break;
    }
    case 'csr': {
      fwd = (impl, out, ab) => pick(csrSpmm, impl)(batch, w.rows, w.cols, w.rowPtr, w.colIdx, a(w.values, ab), a(x, ab), out, false);
      // The same product on the prepacked blocked layout (the absolute check lays out the absolute values).
      const bl = csrBlockedLayout(w);
      const blAbs = csrBlockedLayout(new CSRMatrix({ ...w, values: abs(w.values) }));
      extra.push({
        what: `${label} forward on the blocked layout`,
        run: (impl, out, ab) => {
          const l = ab === true ? blAbs : bl;
          pick(csrSpmmBlocked, impl)(batch, w.rows, w.cols, w.rowPtr, w.colIdx, a(w.values, ab), l.blockCols, l.order, l.count, l.colIdx, l.values, a(x, ab), out, false);
        },
        outLength: batch * w.rows,
        terms,
      });
      sd = (impl, out, ab) => pick(csrSddmm, impl)(batch, w.rows, w.cols, w.rowPtr, w.colIdx, a(x, ab), a(dy, ab), out, false);
      grad = (impl, out, ab) => pick(spmmTransposed, impl)(batch, w.rows, w.cols, t.ptr, t.row, t.perm, a(w.values, ab), a(dy, ab), out, false);
      break;
    }
    case 'bsr': {
      const { blockRows: bh, blockCols: bw } = w;
      fwd = (impl, out, ab) => pick(bsrSpmm, impl)(batch, w.rows, w.cols, bh, bw, w.rowPtr, w.colIdx, a(w.values, ab), a(x, ab), out, false);
      sd = (impl, out, ab) => pick(bsrSddmm, impl)(batch, w.rows, w.cols, bh, bw, w.rowPtr, w.colIdx, a(x, ab), a(dy, ab), out, false);
      grad = (impl, out, ab) =>
        pick(bsrSpmmTransposed, impl)(batch, w.rows, w.cols, bh, bw, t.ptr, t.row, t.perm, a(w.values, ab), a(dy, ab), out, false);
      break;
    }
  }
  return [
    ...extra,
    { what: `${label} forward`, run: fwd, outLength: batch * w.rows, terms },
    { what: `${label} input gradient`, run: grad, outLength: batch * w.cols, terms: colTerms },
    { what: `${label} weight gradient`, run: sd, outLength: w.values.length, terms: batch },
  ];
}

let cached: Check[] | undefined;

function allChecks(): Check[] {
  if (cached !== undefined) return cached;
  const rng = new Rng(21);
  const out: Check[] = [];
  const add = (w: Matrix, label: string, batches: readonly number[]): void => {
    for (const b of batches) out.push(...productChecks(w, b, rng, `${label} batch ${b}`));
  };
  for (const [rows, cols, n, m, batches] of [
    [1, 4, 1, 4, [1, 3, 7]],
    [3, 8, 3, 8, [1, 33]],
    [7, 24, 2, 4, [5, 65]],
    [33, 64, 1, 8, [1, 130]],
    [5, 96, 3, 32, [4, 17]],
    [1023, 8, 1, 8, [1, 7]],
    [7, 1024, 2, 4, [70]],
    [9, 1536, 3, 8, [33]],
    [2, 128, 8, 64, [1, 9]],
    [6, 12, 1, 4, [66]],
    // Small batches on the nm_dot path: windows of 32, 64 and 128 columns (permutes) and 256 or 512 (gathers),
    // full blocks of 16 slots plus a tail.
    [9, 200, 2, 4, [1, 3]],
    [3, 136, 1, 4, [4]],
    [5, 264, 1, 8, [1, 2]],
    [7, 256, 4, 16, [1]],
    [2, 512, 8, 16, [2]],
    [4, 96, 1, 2, [1]],
    [5, 528, 1, 16, [1, 3]],
    [3, 256, 1, 16, [2]],
    // Rows of x beyond L1 together: sweeps of 2 batch rows (K = 4096) and of 1 (K = 8192).
    [5, 4096, 1, 8, [3]],
    [3, 8192, 2, 8, [4]],
    // 5-bit positions (M = 32): two position words per 16 slots, streams ending inside either.
    [4, 1056, 1, 32, [1, 3]],
    [3, 544, 2, 32, [1]],
    [2, 2080, 4, 32, [2]],
    // The lane path (n/m <= 1/16, or 1/8 off the wide-panel path, batch > 4): 16-row blocks with a short last
    // one, pairs of blocks and a lone one, batch tiles of 8, 4, 2 and 1, K blocks, chunks of 16 columns (M = 16,
    // K = 48) and of 32 (M = 32); row blocks split between threads, and more blocks than one L2 group.
    [17, 48, 1, 16, [5, 15]],
    [33, 96, 2, 32, [9]],
    [50, 96, 1, 32, [7, 16]],
    [3, 64, 1, 16, [6]],
    [40, 2048, 1, 16, [11]],
    [35, 1536, 3, 32, [10]],
    [300, 8192, 1, 16, [6]],
    // The wide-panel path (n/m of 1/2 to 1/8 at batch > 4, AVX-512): panels of 1, 2, 4 and 8 vectors
    // (batch 5, 20, 40, 100) and a full one beside a narrow one (130); groups of three rows and one or two
    // left over; a last chunk short of 64 columns (100, 24); K blocks of 64 columns (8 vectors) and of
    // 512 (1 vector, 1100 columns); position streams ending inside a word (3:8 is not on the path, 2:8 is).
    [7, 100, 1, 4, [5, 20, 40, 100, 130]],
    [8, 24, 2, 4, [17, 65]],
    [10, 1100, 2, 4, [6, 70]],
    [5, 200, 1, 2, [33]],
    [11, 136, 2, 8, [9, 129]],
    [4, 320, 2, 4, [256, 257]],
    // At one weight in 8 the panels are 64 rows wide (4 vectors): full K blocks of 128, 256 and 512 columns
    // (4, 2 and 1 vectors) run constant-trip loops, then a tail of whole chunks and a short one (264, 1104).
    // Full panels that divide between the threads go one panel to a thread, also with a few rows left over
    // (batch 128 and 130 at 1:8; 256 and 257 at 2:4).
    [7, 264, 1, 8, [5, 20, 40, 100, 130]],
    [13, 1024, 1, 8, [17, 64, 128]],
    [11, 1104, 2, 16, [6, 40, 70]],
    [17, 24, 1, 8, [5, 15]],
    // The row-block layout (any batch; prepacked weights take it up to 4): a last block short of 16 rows
    // (33, 7), slots not filling the last quad (5 and 3 slots a row), 3 slots a group crossing quads,
    // windows of 32 columns (M = 32); 64 blocks split between threads (1024 rows × 128 slots × 2 rows).
    [33, 40, 1, 8, [1, 2, 3, 4, 5]],
    [7, 8, 3, 8, [1, 4]],
    [18, 96, 3, 32, [2]],
    [1024, 1024, 1, 8, [2]],
    // More rows than one tile of the wide path (768), split between threads mid-tile.
    [1601, 64, 1, 4, [6]],
    // The weight gradient in K blocks (X's panels beyond 1 MB: 4 panels of 64 rows by more than 1024 columns).
    [5, 2304, 2, 4, [257]],
    [3, 4096, 1, 8, [256]],
  ] as const) {
    add(NMPacked.fromDense(randomNM(rows, cols, n, m, rng), { n, m }), `nm ${n}:${m} ${rows}x${cols}`, batches);
  }
  for (const [rows, cols, density, batches] of [
    [1, 1, 1, [1, 5]],
    [7, 33, 0.3, [1, 3, 65]],
    [33, 7, 0.5, [2, 33]],
    [1023, 3, 0.2, [1, 9]],
    [3, 1023, 0.05, [7, 130]],
    [5, 2048, 0.5, [70]],
    [3, 3000, 0.1, [300]],
    [9, 9, 0, [5]],
    // The blocked layout: several K blocks of 128 columns and a short last one (300, 700); a panel narrower
    // than 64 rows (batch 70: whole panels only on one thread, else the CSR kernels; 130: two full panels
    // and 2 rows left over, on two threads too); 128 rows on two threads (one panel each); rows with
    // nothing in some blocks.
    [40, 300, 0.3, [64, 70]],
    [33, 700, 0.1, [128, 130]],
    [1, 129, 1, [6]],
  ] as const) {
    add(CSRMatrix.fromDense(randomSparse(rows, cols, density, rng)), `csr ${density} ${rows}x${cols}`, batches);
  }
  for (const [rows, cols, bh, bw, batches] of [
    [8, 12, 4, 4, [1, 5, 65]],
    [33, 7, 3, 1, [3, 33]],
    [32, 64, 16, 16, [1, 70]],
    [64, 64, 32, 32, [2, 17]],
    [6, 10, 2, 5, [1, 130]],
    [7, 1023, 7, 3, [9]],
  ] as const) {
    add(BSRMatrix.fromDense(randomBlocks(rows, cols, bh, bw, rng), { blockRows: bh, blockCols: bw }), `bsr ${bh}x${bw} ${rows}x${cols}`, batches);
  }
  cached = out;
  return out;
}

/** Reference results, computed once per check. */
const expectedOf = new Map<Check, { value: Float32Array; absSum: Float32Array }>();

function expected(ch: Check): { value: Float32Array; absSum: Float32Array } {
  let e = expectedOf.get(ch);
  if (e === undefined) {
    const value = new Float32Array(ch.outLength);
    ch.run('reference', value);
    const absSum = new Float32Array(ch.outLength);
    ch.run('reference', absSum, true);
    e = { value, absSum };
    expectedOf.set(ch, e);
  }
  return e;
}

nativeParity({
  'sparse products: native matches reference on N:M, CSR and BSR (forward, input and weight gradients)': (cfg) => {
    for (const ch of allChecks()) {
      const out = new Float32Array(ch.outLength).fill(Number.NaN);
      ch.run('native', out);
      const e = expected(ch);
      assertWithinRounding(out, e.value, e.absSum, ch.terms, `${ch.what} ${configLabel(cfg)}`);
    }
  },
  'sparse products: accumulate adds onto the output': (cfg) => {
    const rng = new Rng(5);
    // 2:8 takes the panel path, 1:16 over 1536 columns the lane path with several K blocks.
    for (const [n, m, cols] of [[2, 8, 32], [1, 16, 1536]] as const) {
      const w = NMPacked.fromDense(randomNM(9, cols, n, m, rng), { n, m });
      for (const batch of [2, 40]) {
        for (const bias of [null, randomFloats(9, rng)]) {
          const x = randomFloats(batch * cols, rng);
          const base = randomFloats(batch * 9, rng);
          const got = new Float32Array(base);
          requireNative(nmSpmm)(batch, 9, cols, n, m, w.values, w.positions, x, bias, got, true);
          const want = new Float32Array(base);
          nmSpmm.reference(batch, 9, cols, n, m, w.values, w.positions, x, bias, want, true);
          const terms = w.slotsPerRow + 2;
          assertWithinRounding(got, want, new Float32Array(want.length).fill(terms), terms, `accumulate ${n}:${m} batch ${batch} bias ${bias !== null} ${configLabel(cfg)}`);
          const onBlocks = new Float32Array(base);
          requireNative(nmSpmmBlocks)(batch, 9, cols, n, m, rowBlockLayout(w), x, bias, onBlocks, true);
          assertWithinRounding(onBlocks, want, new Float32Array(want.length).fill(terms), terms, `accumulate on row blocks ${n}:${m} batch ${batch} bias ${bias !== null} ${configLabel(cfg)}`);
        }
      }
    }
  },
  'sparse products: the blocked CSR layout adds onto the output': (cfg) => {
    const rng = new Rng(6);
    const w = CSRMatrix.fromDense(randomSparse(20, 300, 0.3, rng));
    const l = csrBlockedLayout(w);
    for (const batch of [64, 3]) {
      const x = randomFloats(batch * 300, rng);
      const base = randomFloats(batch * 20, rng);
      const got = new Float32Array(base);
      requireNative(csrSpmmBlocked)(batch, 20, 300, w.rowPtr, w.colIdx, w.values, l.blockCols, l.order, l.count, l.colIdx, l.values, x, got, true);
      const want = new Float32Array(base);
      csrSpmm.reference(batch, 20, 300, w.rowPtr, w.colIdx, w.values, x, want, true);
      assertWithinRounding(got, want, new Float32Array(want.length).fill(302), 302, `blocked CSR accumulate batch ${batch} ${configLabel(cfg)}`);
    }
  },
  'sparse products: outputs larger than L2 (non-temporal stores of the wide N:M path) at every alignment of Y': (cfg) => {
    const rng = new Rng(9);
    // 130 × 4112 floats pass 2 MB; 4100 rows (not a multiple of 16) take the plain stores.
    for (const rows of [4112, 4100]) {
      const cols = 8;
      const w = NMPacked.fromDense(randomNM(rows, cols, 2, 4, rng), { n: 2, m: 4 });
      const batch = 130;
      const x = randomFloats(batch * cols, rng);
      const want = new Float32Array(batch * rows);
      nmSpmm.reference(batch, rows, cols, 2, 4, w.values, w.positions, x, null, want, false);
      for (const shift of rows === 4112 ? [0, 1, 3, 13] : [0]) {
        for (const accumulate of [false, true]) {
          const got = new Float32Array(batch * rows + 16).subarray(shift, shift + batch * rows).fill(accumulate ? 0 : Number.NaN);
          requireNative(nmSpmm)(batch, rows, cols, 2, 4, w.values, w.positions, x, null, got, accumulate);
          assertWithinRounding(got, want, new Float32Array(want.length).fill(8), 4, `2:4 ${rows}x${cols} batch ${batch} y offset ${shift} accumulate ${accumulate} ${configLabel(cfg)}`);
        }
      }
    }
  },
});

test('sparse kernels: corrupt indices and short arrays are RangeErrors naming the kernel and the array', nativeTest(), () => {
  const native = requireNative(csrSpmm);
  const x = new Float32Array(6);
  const y = new Float32Array(2);
  const values = Float32Array.of(1, 2);
  assert.throws(() => native(2, 1, 3, Int32Array.of(0, 2), Int32Array.of(0, 3), values, x, y, false), /csrSpmm: colIdx\[1\] = 3 lies outside \[0, 3\)/);
  assert.throws(() => native(2, 1, 3, Int32Array.of(0, 3), Int32Array.of(0, 1, 2), values, x, y, false), /csrSpmm: values \(\[nnz\]\) holds 2/);
  assert.throws(() => native(2, 2, 3, Int32Array.of(0, 2, 1), Int32Array.of(0, 1), values, x, new Float32Array(4), false), /rowPtr.*falls from 2 to 1/);
  assert.throws(() => native(2, 1, 3, Int32Array.of(0, 2), Int32Array.of(0, 1), values, x, x.subarray(0, 2), false), /y shares memory with x/);
  const t = requireNative(spmmTransposed);
  assert.throws(() => t(1, 1, 2, Int32Array.of(0, 1, 2), Int32Array.of(0, 0), Int32Array.of(0, 5), values, new Float32Array(1), new Float32Array(2), false), /tPerm\[1\] = 5/);
  const nm = requireNative(nmSpmm);
  assert.throws(() => nm(1, 1, 6, 1, 6, new Float32Array(1), new Uint8Array(1), new Float32Array(6), null, new Float32Array(1), false), /m = 6 must be a power of two/);
  assert.throws(() => nm(1, 2, 8, 1, 4, new Float32Array(4), new Uint8Array(1), new Float32Array(8), null, new Float32Array(2), false), /positions .* holds 1/);
  assert.throws(() => nm(1, 1, 8, 1, 4, new Float32Array(2), new Int32Array(1) as never, new Float32Array(8), null, new Float32Array(1), false), /positions must be a Uint8Array/);
  assert.throws(() => nm(1, 2, 8, 1, 4, new Float32Array(4), new Uint8Array(2), new Float32Array(8), new Float32Array(1), new Float32Array(2), false), /bias \(\[rows\]\) holds 1/);
  assert.throws(() => nm(1, 2, 8, 1, 4, new Float32Array(4), new Uint8Array(2), new Float32Array(8), new Int32Array(2) as never, new Float32Array(2), false), /bias \(or null\) must be a Float32Array/);
  const nb = requireNative(nmSpmmBlocks);
  assert.throws(() => nb(1, 17, 8, 1, 4, new Float32Array(80), new Float32Array(8), null, new Float32Array(17), false), /nmSpmmBlocks: layout .* holds 80 .* need 160/);
  assert.throws(() => nb(1, 1, 64, 1, 64, new Float32Array(80), new Float32Array(64), null, new Float32Array(1), false), /m = 64: the row-block layout takes groups of at most 32/);
  const cb = requireNative(csrSpmmBlocked);
  const ptr2 = Int32Array.of(0, 1, 2);
  const col2 = Int32Array.of(0, 1);
  const run = (order: Int32Array, count: Int32Array, bcol: Int32Array, bval: Float32Array) => () =>
    cb(5, 2, 2, ptr2, col2, values, 128, order, count, bcol, bval, new Float32Array(10), new Float32Array(10), false);
  assert.throws(run(Int32Array.of(0, 2), Int32Array.of(1, 1), col2, values), /csrSpmmBlocked: order\[1\] = 2 lies outside \[0, 2\)/);
  assert.throws(run(Int32Array.of(0, 1), Int32Array.of(1, -1), col2, values), /count\[1\] = -1 is negative/);
  assert.throws(run(Int32Array.of(0, 1), Int32Array.of(2, 1), col2, values), /blockColIdx \(the counts' sum\) holds 2 elements but the sizes given need 3/);
  assert.throws(run(Int32Array.of(0, 1), Int32Array.of(1, 1), Int32Array.of(0, 2), values), /blockColIdx\[1\] = 2 lies outside \[0, 2\)/);
  assert.throws(run(Int32Array.of(0), Int32Array.of(1, 1), col2, values), /order \(\[blocks, rows\]\) holds 1/);
  const b = requireNative(bsrSpmm);
  assert.throws(() => b(1, 4, 6, 4, 4, Int32Array.of(0, 0), new Int32Array(0), new Float32Array(0), new Float32Array(6), new Float32Array(4), false), /do not tile 4×6/);
});
