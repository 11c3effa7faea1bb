// The prepacked row-block layout of N:M weights (src/formats/nm-row-blocks.ts):
// its bytes on a case worked out by hand, its reference kernel against the
// NMPacked one, when spmm takes it, and who prepacks (compress for inference)
// and who must not (trainable values).
// Shapes: W [O, K]; x [B, K]; y [B, O].
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ArgumentError,
  MLP,
  NMPacked,
  Rng,
  Tensor,
  compress,
  compressedWeight,
  dropPrepackedNM,
  nmMask,
  nmRowBlocks,
  noGrad,
  prepackNM,
  rowBlockLayout,
  rowBlocksFor,
  spmm,
} from '../../src/index.js';
import { nmSpmm, nmSpmmBlocks } from '../../src/kernels/index.js';
import { forEachBackend } from '../helpers/backends.js';
import { assertCompressPrepacks, assertPrepackedCopy } from '../helpers/prepacked.js';
import { relErr } from '../helpers/rel-err.js';

function randomNM(rows: number, cols: number, n: number, m: number, rng: Rng): NMPacked {
  const d = new Float32Array(rows * cols);
  for (let g = 0; g < d.length; g += m) {
    const perm = rng.permutation(m);
    for (let i = 0; i < n; i++) d[g + perm[i]!] = rng.uniform(-1, 1);
  }
  return NMPacked.fromDense(new Tensor(d, [rows, cols]), { n, m });
}

/** An MLP whose Linear weights hold exact 1:8. */
function maskedMLP(seed: number): MLP {
  const model = new MLP(32, 64, { rng: new Rng(seed), activation: 'relu' });
  noGrad(() => {
    for (const l of [model.fc1, model.fc2]) {
      const mask = nmMask(l.weight, { n: 1, m: 8 });
      for (let i = 0; i < l.weight.size; i++) l.weight.data[i]! *= mask.data[i]!;
    }
  });
  return model;
}

test('row-block layout: values lane by lane and one position byte per slot, as worked out by hand', () => {
  // 1:4 over 8 columns: two slots a row, one quad, one block of 16 rows (rows 2..15 zero).
  const w = NMPacked.fromDense(new Tensor(Float32Array.of(0, 3, 0, 0, 0, 0, 0, -1, 2, 0, 0, 0, 0, 0, 5, 0), [2, 8]), { n: 1, m: 4 });
  const lay = rowBlockLayout(w);
  assert.equal(lay.length, 80);
  const want = new Float32Array(80);
  want[0] = 3; // slot 0, row 0
  want[1] = 2; // slot 0, row 1
  want[16] = -1; // slot 1, row 0
  want[17] = 5; // slot 1, row 1
  assert.deepEqual(Array.from(lay.subarray(0, 64)), Array.from(want.subarray(0, 64)));
  const words = new Uint32Array(lay.buffer, lay.byteOffset + 64 * 4, 16);
  // Row 0: positions 1 (slot 0) and 3 (slot 1); row 1: 0 and 2.
  assert.deepEqual(Array.from(words), [0x0301, 0x0200, ...new Array(14).fill(0)]);
});

test('row-block layout: its reference product equals the NMPacked one (short blocks, partial quads, M = 32, bias, accumulate)', () => {
  const rng = new Rng(3);
  for (const [rows, cols, n, m, batch] of [[33, 40, 1, 8, 3], [7, 24, 3, 8, 1], [18, 96, 3, 32, 2], [16, 64, 2, 4, 4], [5, 32, 1, 16, 5]] as const) {
    const w = randomNM(rows, cols, n, m, rng);
    const x = Float32Array.from({ length: batch * cols }, () => rng.uniform(-1, 1));
    const bias = Float32Array.from({ length: rows }, () => rng.uniform(-1, 1));
    const base = Float32Array.from({ length: batch * rows }, () => rng.uniform(-1, 1));
    for (const accumulate of [false, true]) {
      const want = new Float32Array(base);
      nmSpmm.reference(batch, rows, cols, n, m, w.values, w.positions, x, bias, want, accumulate);
      const got = new Float32Array(base);
      nmSpmmBlocks.reference(batch, rows, cols, n, m, rowBlockLayout(w), x, bias, got, accumulate);
      assert.ok(relErr(got, want) < 1e-6, `${n}:${m} ${rows}x${cols} batch ${batch} accumulate ${accumulate}: ${relErr(got, want)}`);
    }
  }
});

test('spmm runs a prepacked weight on its layout at batches up to 4 (at batch 1 from 1:8 on) and NMPacked otherwise', () => {
  const rng = new Rng(4);
  const w = randomNM(20, 64, 1, 8, rng);
  const dense = randomNM(20, 64, 2, 4, rng);
  assert.equal(nmRowBlocks(w), undefined);
  prepackNM(w);
  prepackNM(dense);
  assert.ok(rowBlocksFor(w, 1) !== undefined && rowBlocksFor(w, 4) !== undefined);
  assert.equal(rowBlocksFor(w, 5), undefined);
  assert.equal(rowBlocksFor(dense, 1), undefined, '2:4 at batch 1 reads fewer bytes from NMPacked');
  assert.ok(rowBlocksFor(dense, 2) !== undefined);
  forEachBackend((backend) => {
    const x = Float32Array.from({ length: 5 * 64 }, () => rng.uniform(-1, 1));
    const want = new Float32Array(20);
    nmSpmm.reference(1, 20, 64, 1, 8, w.values, w.positions, x, null, want, false);
    const run = (batch: number) => () => {
      const y = new Float32Array(batch * 20);
      spmm(w, x.subarray(0, batch * 64), batch, y);
      return y.subarray(0, 20);
    };
    assertPrepackedCopy({ values: w.values, want, onLayout: run(1), offLayout: run(5), drop: () => dropPrepackedNM(w), prepack: () => prepackNM(w) }, backend);
  });
});

test('prepackNM refuses groups above 32 with the fix', () => {
  const w = randomNM(2, 64, 1, 64, new Rng(5));
  assert.throws(() => prepackNM(w), (e: unknown) => e instanceof ArgumentError && /M = 64 is above 32.*leave this weight unpacked/.test(e.message));
});

test('compress prepacks N:M weights it does not train (batches 1 and 3 then match the masked dense model), and sparseParameters drops the layout of weights handed to an optimizer', () => {
  const rng = new Rng(7);
  const inputs = [1, 3].map((b) => new Tensor(Float32Array.from({ length: b * 32 }, () => rng.uniform(-1, 1)), [b, 32]));
  assertCompressPrepacks(() => maskedMLP(6), 'nm', inputs);
});

test('compress({ prepack: false }) leaves weights it does not train unpacked', () => {
  const model = maskedMLP(13);
  compress(model, { format: 'nm', measure: false, prepack: false });
  const w = compressedWeight(model.fc1);
  assert.ok(w !== null && w.format === 'nm');
  assert.equal(nmRowBlocks(w), undefined);
});
