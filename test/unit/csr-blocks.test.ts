// The prepacked blocked layout of CSR weights (src/formats/csr-blocks.ts):
// its arrays on a case worked out by hand, its reference kernel against the
// CSR one, when spmm takes it, and who prepacks (compress for inference) and
// who must not (trainable values).
// Shapes: W [O, K]; x [B, K]; y [B, O].
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ArgumentError,
  CSRMatrix,
  MLP,
  Rng,
  Tensor,
  csrBlockedLayout,
  csrBlocksFor,
  dropPrepackedCSR,
  noGrad,
  prepackCSR,
  spmm,
} from '../../src/index.js';
import { csrSpmm, csrSpmmBlocked } from '../../src/kernels/index.js';
import { forEachBackend } from '../helpers/backends.js';
import { assertCompressPrepacks, assertPrepackedCopy } from '../helpers/prepacked.js';
import { relErr } from '../helpers/rel-err.js';

function randomCSR(rows: number, cols: number, density: number, rng: Rng): CSRMatrix {
  return CSRMatrix.fromDense(new Tensor(Float32Array.from({ length: rows * cols }, () => (rng.uniform() < density ? rng.uniform(-1, 1) : 0)), [rows, cols]));
}

test('blocked layout: per block of 128 columns every row once, shortest runs first, runs back to back, as worked out by hand', () => {
  // Row 0: columns 1 and 130; row 1: 0, 5 and 200; row 2: 255.
  const d = new Float32Array(3 * 256);
  d[1] = 1;
  d[130] = 2;
  d[256 + 0] = 3;
  d[256 + 5] = 4;
  d[256 + 200] = 5;
  d[512 + 255] = 6;
  const l = csrBlockedLayout(CSRMatrix.fromDense(new Tensor(d, [3, 256])));
  assert.equal(l.blockCols, 128);
  // Block 0: row 2 holds none, row 0 one (column 1), row 1 two (0, 5); block 1: one each (130, 200, 255).
  assert.deepEqual(Array.from(l.order), [2, 0, 1, 0, 1, 2]);
  assert.deepEqual(Array.from(l.count), [0, 1, 2, 1, 1, 1]);
  assert.deepEqual(Array.from(l.colIdx), [1, 0, 5, 130, 200, 255]);
  assert.deepEqual(Array.from(l.values), [1, 3, 4, 2, 5, 6]);
});

test('blocked layout: its reference product equals the CSR one (blocks of 128 and a short last one, accumulate)', () => {
  const rng = new Rng(8);
  for (const [rows, cols, density, batch] of [[17, 300, 0.3, 5], [4, 128, 0.5, 2], [9, 700, 0.05, 3]] as const) {
    const w = randomCSR(rows, cols, density, rng);
    const l = csrBlockedLayout(w);
    const x = Float32Array.from({ length: batch * cols }, () => rng.uniform(-1, 1));
    const base = Float32Array.from({ length: batch * rows }, () => rng.uniform(-1, 1));
    for (const accumulate of [false, true]) {
      const want = new Float32Array(base);
      csrSpmm.reference(batch, rows, cols, w.rowPtr, w.colIdx, w.values, x, want, accumulate);
      const got = new Float32Array(base);
      csrSpmmBlocked.reference(batch, rows, cols, w.rowPtr, w.colIdx, w.values, l.blockCols, l.order, l.count, l.colIdx, l.values, x, got, accumulate);
      assert.ok(relErr(got, want) < 1e-6, `${rows}x${cols} ${density} accumulate ${accumulate}: ${relErr(got, want)}`);
    }
  }
});

test('prepackCSR refuses rows too sparse for the blocks to pay, with the fix', () => {
  const w = randomCSR(8, 256, 0.01, new Rng(9));
  assert.throws(() => prepackCSR(w), (e: unknown) => e instanceof ArgumentError && /fewer than the 5 the blocked layout needs to pay; leave this weight unpacked/.test(e.message));
});

test('spmm runs a prepacked CSR weight on its layout above batch 4 and on the CSR arrays otherwise', () => {
  const rng = new Rng(10);
  const w = randomCSR(20, 300, 0.3, rng);
  prepackCSR(w);
  assert.ok(csrBlocksFor(w, 5) !== undefined);
  assert.equal(csrBlocksFor(w, 4), undefined);
  forEachBackend((backend) => {
    const x = Float32Array.from({ length: 64 * 300 }, () => rng.uniform(-1, 1));
    const want = new Float32Array(64 * 20);
    csrSpmm.reference(64, 20, 300, w.rowPtr, w.colIdx, w.values, x, want, false);
    const run = (batch: number) => () => {
      const y = new Float32Array(batch * 20);
      spmm(w, x.subarray(0, batch * 300), batch, y);
      return y;
    };
    assertPrepackedCopy({ values: w.values, want, onLayout: run(64), offLayout: run(4), drop: () => dropPrepackedCSR(w), prepack: () => prepackCSR(w) }, backend);
  });
});

test('compress prepacks CSR weights it does not train (and the model keeps its outputs), and sparseParameters drops the layout', () => {
  const rng = new Rng(11);
  const x = new Tensor(Float32Array.from({ length: 8 * 32 }, () => rng.uniform(-1, 1)), [8, 32]);
  // The same seed for every model: each compress sees the same weights.
  const makeModel = (): MLP => {
    const model = new MLP(32, 64, { rng: new Rng(12), activation: 'relu' });
    const zeros = new Rng(13);
    noGrad(() => {
      for (const l of [model.fc1, model.fc2]) for (let i = 0; i < l.weight.size; i++) if (zeros.uniform() < 0.6) l.weight.data[i] = 0;
    });
    return model;
  };
  assertCompressPrepacks(makeModel, 'csr', [x]);
});
