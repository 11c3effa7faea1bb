// The CSR forward's panel path (native/kernels/spmm-csr.cc) against the
// reference (src/kernels/ref/spmm-csr.ts) on every ISA, with 2 and then 1
// threads. Shapes: W [O, K] in CSR; X [B, K]; Y [B, O]. The cases aim at the
// path's seams: rows with no weights and one very long row; row counts that
// straddle the 64-row tile chunks and the thread split; rows dense enough
// for K blocks; batch tails (panels of 1, 2, 3 and 4 vectors, a narrow last
// panel), batches whose panels split evenly between threads and ones that do
// not; and X and Y large enough for streaming stores, Y at every alignment,
// with rows a multiple of the vector width or not, overwritten or accumulated.
import { CSRMatrix, Rng } from '../../src/index.js';
import { csrSpmm } from '../../src/kernels/index.js';
import { configLabel, nativeParity, randomFloats, requireNative } from '../helpers/native.js';
import { assertWithinRounding } from '../helpers/rounding.js';

const abs = (a: Float32Array): Float32Array => a.map(Math.abs);

/** A random CSR matrix whose row r holds count(r) weights at distinct random columns. */
function randomCsr(rows: number, cols: number, count: (r: number) => number, rng: Rng): CSRMatrix {
  const rowPtr = new Int32Array(rows + 1);
  const colIdx: number[] = [];
  for (let r = 0; r < rows; r++) {
    const n = Math.min(cols, count(r));
    const picked = rng.permutation(cols).slice(0, n).sort((a, b) => a - b);
    colIdx.push(...picked);
    rowPtr[r + 1] = colIdx.length;
  }
  return new CSRMatrix({ rows, cols, rowPtr, colIdx: Int32Array.from(colIdx), values: randomFloats(colIdx.length, rng) });
}

interface Case {
  what: string;
  w: CSRMatrix;
  batch: number;
  /** Floats between the start of the output buffer and Y (shifts Y's alignment). */
  offset: number;
  accumulate: boolean;
}

let cached: Case[] | undefined;

function cases(): Case[] {
  if (cached !== undefined) return cached;
  const rng = new Rng(33);
  const out: Case[] = [];
  const add = (what: string, w: CSRMatrix, batches: readonly number[], offsets: readonly number[] = [0], accumulate = false): void => {
    for (const batch of batches) for (const offset of offsets) out.push({ what, w, batch, offset, accumulate });
  };
  // Rows with no weights between rows with some, and a matrix with none at all.
  add('empty rows', randomCsr(70, 40, (r) => (r % 3 === 0 ? 0 : r % 7), rng), [5, 65]);
  add('no weights', randomCsr(9, 9, () => 0, rng), [6]);
  // One row holding every column among short ones.
  add('one long row', randomCsr(33, 1023, (r) => (r === 17 ? 1023 : r % 4), rng), [7, 130]);
  // Tile chunks of 64 rows: 1, 63, 65, 129 and 200 rows; panel widths of 1..4 vectors and a 1-row tail.
  for (const rows of [1, 63, 65, 129, 200]) add(`${rows} rows`, randomCsr(rows, 33, () => rng.int(7), rng), [5, 17, 33, 64, 65]);
  // Panels that split evenly between two threads (128, 256), a narrow last panel (100, 130) and three panels (192).
  add('panel splits', randomCsr(97, 300, () => rng.int(41), rng), [100, 128, 130, 192, 256]);
  // Rows dense enough for K blocks of 128 columns (32 at P = 16): blocks with no weights, a short last block,
  // and one row holding every column beside empty ones.
  add('K blocks', randomCsr(70, 1000, (r) => (r === 5 ? 1000 : r % 9 === 0 ? 0 : 300 + rng.int(400)), rng), [5, 33, 128, 130]);
  // A share of X and Y above 1 MB per thread: streaming stores at four alignments of Y, Y large or X large;
  // rows off the vector width (no streaming) and accumulation (no streaming) beside them.
  add('streamed Y', randomCsr(4608, 24, () => rng.int(6), rng), [128, 130], [0, 1, 5, 9]);
  add('streamed Y, large X', randomCsr(48, 8192, () => rng.int(60), rng), [70], [0, 3]);
  add('streamed Y, odd rows', randomCsr(4609, 24, () => rng.int(6), rng), [128], [3]);
  add('streamed Y, accumulate', randomCsr(4608, 24, () => rng.int(6), rng), [70], [2], true);
  add('accumulate', randomCsr(50, 64, () => rng.int(21), rng), [9, 64, 130], [0], true);
  cached = out;
  return out;
}

nativeParity({
  'csr forward panel path: native matches reference (empty and long rows, chunk and batch tails, streamed Y)': (cfg) => {
    const native = requireNative(csrSpmm);
    const rng = new Rng(8);
    for (const c of cases()) {
      const { w, batch, offset, accumulate } = c;
      const x = randomFloats(batch * w.cols, rng);
      const n = batch * w.rows;
      const base = accumulate ? randomFloats(n, rng) : new Float32Array(n).fill(Number.NaN);
      const buffer = new Float32Array(offset + n);
      const got = buffer.subarray(offset);
      got.set(base);
      native(batch, w.rows, w.cols, w.rowPtr, w.colIdx, w.values, x, got, accumulate);
      const want = new Float32Array(base);
      csrSpmm.reference(batch, w.rows, w.cols, w.rowPtr, w.colIdx, w.values, x, want, accumulate);
      const absSum = abs(base).map((v) => (accumulate ? v : 0));
      csrSpmm.reference(batch, w.rows, w.cols, w.rowPtr, w.colIdx, abs(w.values), abs(x), absSum, true);
      assertWithinRounding(got, want, absSum, w.cols + 1, `${c.what} ${w.rows}x${w.cols} batch ${batch} offset ${offset} ${configLabel(cfg)}`);
    }
  },
});
