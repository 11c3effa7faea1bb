// Sparse layouts: hand-worked packings, exact dense round trips, input
// errors, and the three sparse products against dense loops written here.
// Shapes: W [O, K]; X [B, K]; Y [B, O].
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ArgumentError,
  BSRMatrix,
  CSRMatrix,
  NMPacked,
  Rng,
  ShapeError,
  Tensor,
  packDense,
  sddmm,
  spmm,
  spmmGradInput,
  tensor,
  transposeIndex,
  type FormatSpec,
  type SparseMatrix,
} from '../../src/index.js';
import { forEachBackend } from '../helpers/backends.js';

/** A random [rows, cols] weight keeping at most n of every m (fewer in some groups). */
function randomNM(rows: number, cols: number, n: number, m: number, rng: Rng): Tensor {
  const d = new Float32Array(rows * cols);
  for (let g = 0; g < d.length; g += m) {
    const keep = rng.int(n + 1); // 0..n non-zeros in this group
    const perm = rng.permutation(m);
    for (let i = 0; i < keep; i++) d[g + perm[i]!] = rng.uniform(-1, 1);
  }
  return new Tensor(d, [rows, cols]);
}

/** A random weight with about `density` of its entries non-zero. */
function randomSparse(rows: number, cols: number, density: number, rng: Rng): Tensor {
  const d = Float32Array.from({ length: rows * cols }, () => (rng.uniform() < density ? rng.uniform(-1, 1) : 0));
  return new Tensor(d, [rows, cols]);
}

/** A weight zero outside a random set of bh × bw blocks (and sometimes inside them). */
function randomBlocks(rows: number, cols: number, bh: number, bw: number, rng: Rng): Tensor {
  const d = new Float32Array(rows * cols);
  for (let br = 0; br < rows / bh; br++) {
    for (let bc = 0; bc < cols / bw; bc++) {
      if (rng.uniform() < 0.5) continue;
      for (let i = 0; i < bh; i++) for (let j = 0; j < bw; j++) if (rng.uniform() < 0.8) d[(br * bh + i) * cols + bc * bw + j] = rng.uniform(-1, 1);
    }
  }
  return new Tensor(d, [rows, cols]);
}

function assertSameArray(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) assert.equal(actual[i], expected[i], `${what}[${i}]`);
}

test('NMPacked 1:2 by hand: values, padding slot and 1-bit positions', () => {
  const w = tensor([[0, 3, 0, -1], [2, 0, 0, 0]]);
  const p = NMPacked.fromDense(w, { n: 1, m: 2 });
  assert.deepEqual(Array.from(p.values), [3, -1, 2, 0]);
  // row 0: positions 1, 1 -> 0b11; row 1: position 0, then padding at the first zero (0)
  assert.deepEqual(Array.from(p.positions), [3, 0]);
  assert.equal(p.bits, 1);
  assertSameArray(p.toDense().data, w.data, 'round trip');
});

test('NMPacked 2:4 by hand: 2-bit positions, least significant bits first', () => {
  const w = tensor([[5, 0, 0, 7, 0, 1, 2, 0]]);
  const p = NMPacked.fromDense(w, { n: 2, m: 4 });
  assert.deepEqual(Array.from(p.values), [5, 7, 1, 2]);
  // slots 0..3 hold positions 0, 3, 1, 2: 0 | 3<<2 | 1<<4 | 2<<6 = 156
  assert.deepEqual(Array.from(p.positions), [156]);
  assert.deepEqual([p.column(0, 0), p.column(0, 1), p.column(0, 2), p.column(0, 3)], [0, 3, 5, 6]);
});

test('NMPacked uses log2(M) bits per position and round-trips exactly for M = 2..64', () => {
  const rng = new Rng(1);
  for (const [n, m] of [[1, 2], [2, 4], [1, 4], [3, 4], [1, 8], [3, 8], [1, 16], [5, 16], [1, 32], [2, 32], [8, 64]] as const) {
    const w = randomNM(5, m * 3, n, m, rng);
    const p = NMPacked.fromDense(w, { n, m });
    assert.equal(p.bits, Math.log2(m));
    assert.equal(p.rowBytes, Math.ceil((3 * n * Math.log2(m)) / 8), `${n}:${m} row bytes`);
    assert.equal(p.values.length, 5 * 3 * n);
    assertSameArray(p.toDense().data, w.data, `${n}:${m} round trip`);
  }
});

test('NMPacked keeps NaN and infinities as non-zeros', () => {
  const w = tensor([[0, Number.NaN, Infinity, 0]]);
  const back = NMPacked.fromDense(w, { n: 2, m: 4 }).toDense().data;
  assert.ok(Number.isNaN(back[1]!));
  assert.equal(back[2], Infinity);
  assert.equal(back[0], 0);
});

test('NMPacked: a group with too many non-zeros is an error naming the first one', () => {
  const w = tensor([[1, 0, 0, 0, 1, 0, 0, 0], [1, 0, 0, 0, 1, 2, 0, 3]]);
  assert.throws(
    () => NMPacked.fromDense(w, { n: 1, m: 4 }, 'fc1.weight'),
    (e: unknown) =>
      e instanceof ArgumentError &&
      /fc1\.weight/.test(e.message) &&
      /row 1, group 1 \(columns 4–7\) holds 3 non-zeros/.test(e.message) &&
      /3:4/.test(e.message),
  );
});

test('NMPacked: unsupported M, N >= M, M not dividing K and non-2-D weights are clear errors', () => {
  const w = tensor([[1, 0, 0, 0, 0, 0]]);
  assert.throws(() => NMPacked.fromDense(w, { n: 1, m: 6 }), /M = 6 is not supported/);
  assert.throws(() => NMPacked.fromDense(w, { n: 2, m: 2 }), /N = 2 must be an integer from 1 to M - 1/);
  assert.throws(() => NMPacked.fromDense(w, { n: 1, m: 4 }), /M = 4 does not divide the 6 columns/);
  assert.throws(() => NMPacked.fromDense(tensor([1, 0]), { n: 1, m: 2 }), ShapeError);
  // corrupt positions: both slots of a 2:4 group at position 1
  assert.throws(
    () => new NMPacked({ rows: 1, cols: 4, n: 2, m: 4, values: new Float32Array(2), positions: Uint8Array.of(1 | (1 << 2)) }),
    /positions must rise strictly/,
  );
  assert.throws(() => new NMPacked({ rows: 1, cols: 4, n: 2, m: 4, values: new Float32Array(3), positions: new Uint8Array(1) }), /3 values/);
});

test('CSR by hand and round trip', () => {
  const w = tensor([[0, 2, 0], [1, 0, 3]]);
  const c = CSRMatrix.fromDense(w);
  assert.deepEqual(Array.from(c.rowPtr), [0, 1, 3]);
  assert.deepEqual(Array.from(c.colIdx), [1, 0, 2]);
  assert.deepEqual(Array.from(c.values), [2, 1, 3]);
  const rng = new Rng(2);
  for (const density of [0, 0.01, 0.3, 1]) {
    const r = randomSparse(7, 33, density, rng);
    assertSameArray(CSRMatrix.fromDense(r).toDense().data, r.data, `density ${density}`);
  }
  assert.throws(
    () => new CSRMatrix({ rows: 1, cols: 3, rowPtr: Int32Array.of(0, 2), colIdx: Int32Array.of(2, 1), values: new Float32Array(2) }),
    /columns must rise strictly/,
  );
  assert.throws(() => new CSRMatrix({ rows: 2, cols: 3, rowPtr: Int32Array.of(0, 1), colIdx: Int32Array.of(0), values: new Float32Array(1) }), /rowPtr has 2 entries/);
});

test('BSR by hand and round trip for blocks from 1×1 to 32×32', () => {
  const w = tensor([
    [1, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 2],
    [0, 0, 3, 0],
  ]);
  const b = BSRMatrix.fromDense(w, { blockRows: 2, blockCols: 2 });
  assert.deepEqual(Array.from(b.rowPtr), [0, 1, 2]);
  assert.deepEqual(Array.from(b.colIdx), [0, 1]);
  assert.deepEqual(Array.from(b.values), [1, 0, 0, 0, 0, 2, 3, 0]);
  const rng = new Rng(3);
  for (const [bh, bw] of [[1, 1], [4, 4], [8, 4], [16, 16], [32, 32]] as const) {
    const r = randomBlocks(bh * 3, bw * 2, bh, bw, rng);
    assertSameArray(BSRMatrix.fromDense(r, { blockRows: bh, blockCols: bw }).toDense().data, r.data, `${bh}x${bw}`);
  }
  assert.throws(() => BSRMatrix.fromDense(tensor([[1, 2, 3]]), { blockRows: 1, blockCols: 2 }, 'fc.weight'), /fc\.weight.*do not tile a 1×3 matrix/);
  assert.throws(() => BSRMatrix.fromDense(tensor([[1, 2]]), { blockRows: 1, blockCols: 64 }), /blockCols 64 must be an integer from 1 to 32/);
});

test('transposeIndex lists each column\'s rows in order and points at their values', () => {
  const w = tensor([[0, 2, 0, 4], [1, 0, 3, 0], [5, 6, 0, 0]]);
  const t = transposeIndex(CSRMatrix.fromDense(w));
  assert.deepEqual(Array.from(t.ptr), [0, 2, 4, 5, 6]);
  assert.deepEqual(Array.from(t.row), [1, 2, 0, 2, 1, 0]);
  // CSR value order: 2, 4 | 1, 3 | 5, 6
  assert.deepEqual(Array.from(t.perm), [2, 4, 0, 5, 3, 1]);
});

/** y = x·wᵀ, dx = dy·w and dW = dyᵀ·x from plain float64 loops. */
function denseProducts(w: Tensor, x: Float32Array, dy: Float32Array, batch: number): { y: Float64Array; dx: Float64Array; dw: Float64Array } {
  const [o, k] = w.shape as [number, number];
  const y = new Float64Array(batch * o);
  const dx = new Float64Array(batch * k);
  const dw = new Float64Array(o * k);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < o; i++) {
      for (let j = 0; j < k; j++) {
        const wij = w.data[i * k + j]!;
        y[b * o + i]! += wij * x[b * k + j]!;
        dx[b * k + j]! += wij * dy[b * o + i]!;
        dw[i * k + j]! += dy[b * o + i]! * x[b * k + j]!;
      }
    }
  }
  return { y, dx, dw };
}

function assertNearArray(actual: Float32Array, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const e = expected[i]!;
    assert.ok(Math.abs(actual[i]! - e) <= 1e-5 + 1e-5 * Math.abs(e), `${what}[${i}]: ${actual[i]} vs ${e}`);
  }
}

/** The entries of a dense [O, K] array at w's stored positions, in w.values order. */
function storedValues(w: SparseMatrix, dense: ArrayLike<number>): Float32Array {
  const out = new Float32Array(w.values.length);
  switch (w.format) {
    case 'nm':
      for (let o = 0; o < w.rows; o++) for (let s = 0; s < w.slotsPerRow; s++) out[o * w.slotsPerRow + s] = dense[o * w.cols + w.column(o, s)]!;
      break;
    case 'csr':
      for (let o = 0; o < w.rows; o++) for (let s = w.rowPtr[o]!; s < w.rowPtr[o + 1]!; s++) out[s] = dense[o * w.cols + w.colIdx[s]!]!;
      break;
    case 'bsr': {
      const { blockRows: bh, blockCols: bw } = w;
      for (let br = 0; br < w.rows / bh; br++) {
        for (let s = w.rowPtr[br]!; s < w.rowPtr[br + 1]!; s++) {
          for (let i = 0; i < bh; i++) for (let j = 0; j < bw; j++) out[(s * bh + i) * bw + j] = dense[(br * bh + i) * w.cols + w.colIdx[s]! * bw + j]!;
        }
      }
      break;
    }
  }
  return out;
}

const PRODUCT_CASES: Array<{ spec: FormatSpec; rows: number; cols: number; make: (rng: Rng) => Tensor }> = [
  { spec: { format: 'nm', n: 2, m: 4 }, rows: 7, cols: 12, make: (r) => randomNM(7, 12, 2, 4, r) },
  { spec: { format: 'nm', n: 1, m: 8 }, rows: 3, cols: 40, make: (r) => randomNM(3, 40, 1, 8, r) },
  { spec: { format: 'nm', n: 3, m: 32 }, rows: 5, cols: 64, make: (r) => randomNM(5, 64, 3, 32, r) },
  { spec: { format: 'csr' }, rows: 9, cols: 33, make: (r) => randomSparse(9, 33, 0.2, r) },
  { spec: { format: 'csr' }, rows: 1, cols: 7, make: (r) => randomSparse(1, 7, 0.5, r) },
  { spec: { format: 'bsr', blockRows: 4, blockCols: 4 }, rows: 8, cols: 12, make: (r) => randomBlocks(8, 12, 4, 4, r) },
  { spec: { format: 'bsr', blockRows: 2, blockCols: 8 }, rows: 6, cols: 16, make: (r) => randomBlocks(6, 16, 2, 8, r) },
];

test('spmm, spmmGradInput and sddmm match dense products on every format and backend', () => {
  forEachBackend((backend) => {
    const rng = new Rng(4);
    for (const { spec, rows, cols, make } of PRODUCT_CASES) {
      const what = `${backend} ${JSON.stringify(spec)} ${rows}x${cols}`;
      const dense = make(rng);
      const w = packDense(dense, spec);
      for (const batch of [1, 3]) {
        const x = Float32Array.from({ length: batch * cols }, () => rng.uniform(-1, 1));
        const dy = Float32Array.from({ length: batch * rows }, () => rng.uniform(-1, 1));
        const ref = denseProducts(dense, x, dy, batch);
        const y = new Float32Array(batch * rows);
        spmm(w, x, batch, y);
        assertNearArray(y, ref.y, `${what} batch ${batch} y`);
        const dx = new Float32Array(batch * cols);
        spmmGradInput(w, dy, batch, dx);
        assertNearArray(dx, ref.dx, `${what} batch ${batch} dx`);
        const dv = new Float32Array(w.values.length);
        sddmm(w, x, dy, batch, dv);
        assertNearArray(dv, storedValues(w, ref.dw), `${what} batch ${batch} dValues`);
        // accumulate adds onto what is there
        const y2 = new Float32Array(batch * rows).fill(1);
        spmm(w, x, batch, y2, true);
        assertNearArray(y2, Array.from(ref.y, (v) => v + 1), `${what} batch ${batch} y accumulated`);
      }
    }
  });
});

test('sparse products reject arrays that do not fit the shapes', () => {
  const w = CSRMatrix.fromDense(tensor([[1, 0, 2]]));
  assert.throws(() => spmm(w, new Float32Array(5), 2, new Float32Array(2)), /spmm: x \[2, 3\] holds 5 values, the shapes need 6/);
  assert.throws(() => spmmGradInput(w, new Float32Array(2), 2, new Float32Array(5)), /spmmGradInput: dx/);
  assert.throws(() => sddmm(w, new Float32Array(6), new Float32Array(2), 2, new Float32Array(3)), /sddmm: dValues/);
});
