// Compressed models: the sparse Linear op's gradients by finite differences,
// compress/decompress against the masked dense model, compressed files
// (round trip through safetensors bytes, sizes against dense), and one truly
// sparse training step against the masked dense step.
// Shapes: x [B, K]; Linear weight [O, K].
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BSRMatrix,
  CSRMatrix,
  FormatError,
  MLP,
  NMPacked,
  Rng,
  SGD,
  Tensor,
  compress,
  compressStateDict,
  decodeSafetensors,
  decompress,
  denseParametersOf,
  detectNM,
  encodeSafetensors,
  loadCompressed,
  noGrad,
  nmMask,
  sparseLinear,
  sparseParameters,
  steWeight,
  sum,
  mul,
  storedSizes,
  readSafetensorsHeader,
  type SparseMatrix,
} from '../../src/index.js';
import { gradCheck, randomTensor } from '../helpers/gradcheck.js';
import { forEachBackend } from '../helpers/backends.js';
import { relErr } from '../helpers/rel-err.js';
import { mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

/** Masks every Linear weight of `model` to n:m in place (the weight then holds exact N:M). */
function maskNM(model: MLP, n: number, m: number): void {
  noGrad(() => {
    for (const l of [model.fc1, model.fc2]) {
      const mask = nmMask(l.weight, { n, m });
      for (let i = 0; i < l.weight.size; i++) l.weight.data[i]! *= mask.data[i]!;
    }
  });
}

function mlp(seed: number, inF = 32, hidden = 64): MLP {
  return new MLP(inF, hidden, { rng: new Rng(seed), activation: 'relu' });
}

test('sparseLinear: gradients of x, values and bias match finite differences on every format', () => {
  const rng = new Rng(1);
  const dense = noGrad(() => {
    const w = randomTensor([6, 8], rng);
    const mask = nmMask(w, { n: 2, m: 4 });
    return mul(w, mask);
  });
  const formats: SparseMatrix[] = [
    NMPacked.fromDense(dense, { n: 2, m: 4 }),
    CSRMatrix.fromDense(dense),
    BSRMatrix.fromDense(dense, { blockRows: 2, blockCols: 4 }),
  ];
  forEachBackend(() => {
    for (const w of formats) {
      const x = randomTensor([3, 8], rng);
      const values = new Tensor(w.values, [w.values.length]);
      const bias = randomTensor([6], rng);
      gradCheck((xx, vv, bb) => sparseLinear(xx, w, vv, bb), [x, values, bias]);
    }
  });
});

test('sparseLinear rejects values that do not share the weight and inputs of the wrong width', () => {
  const w = CSRMatrix.fromDense(new Tensor(Float32Array.of(1, 0, 2, 0), [2, 2]));
  assert.throws(() => sparseLinear(new Tensor(new Float32Array(3), [1, 3]), w, null), /last dimension must be 2/);
  assert.throws(() => sparseLinear(new Tensor(new Float32Array(2), [1, 2]), w, new Tensor(new Float32Array(2), [2])), /share the sparse weight/);
});

test('detectNM finds the sparsest pattern a weight holds', () => {
  const rng = new Rng(2);
  const a = mlp(3);
  maskNM(a, 1, 8);
  assert.deepEqual(detectNM(a.fc1.weight), { n: 1, m: 8 });
  const b = mlp(3);
  maskNM(b, 1, 2);
  assert.deepEqual(detectNM(b.fc2.weight), { n: 1, m: 2 });
  assert.equal(detectNM(randomTensor([4, 8], rng)), null);
});

test('compress runs N:M layers sparse with the masked model\'s outputs, reports its choices, and decompress restores the weights', () => {
  forEachBackend((backend) => {
    const model = mlp(4);
    maskNM(model, 1, 8);
    const before = model.stateDict();
    const x = randomTensor([5, 32], new Rng(5));
    const expected = noGrad(() => model.forward(x)).data;
    const report = compress(model, { measure: { batch: 8, minTimeMs: 1 }, force: true });
    assert.deepEqual(report.map((r) => [r.name, r.format, r.chosen]), [
      ['fc1.weight', 'nm 1:8', 'sparse'],
      ['fc2.weight', 'nm 1:8', 'sparse'],
    ]);
    for (const r of report) {
      assert.ok(r.denseMs !== null && r.sparseMs !== null && r.denseMs > 0 && r.sparseMs > 0, `${r.name} timed`);
      assert.ok(r.bytes < 0.2 * r.denseBytes, `${r.name}: ${r.bytes} bytes vs ${r.denseBytes} dense`);
    }
    const got = noGrad(() => model.forward(x)).data;
    assert.ok(relErr(got, expected) <= 1e-5, `${backend}: compressed output differs by ${relErr(got, expected)}`);
    decompress(model);
    // Same values (a masked −0 comes back as +0, which compares equal).
    for (const [k, t] of model.stateDict()) t.data.forEach((v, i) => assert.ok(v === before.get(k)!.data[i], `${k}[${i}]`));
  });
});

test('compress leaves dense layers dense and, unless forced, keeps the faster of sparse and dense', () => {
  const model = mlp(6);
  const report = compress(model, { measure: false });
  assert.ok(report.every((r) => r.chosen === 'dense' && /below minSparsity/.test(r.reason)));
  maskNM(model, 1, 4);
  const timed = compress(model, { measure: { batch: 4, minTimeMs: 1 } });
  for (const r of timed) assert.equal(r.chosen === 'sparse', r.sparseMs! < r.denseMs!, `${r.name}: ${r.sparseMs} vs ${r.denseMs} ms`);
});

test('an exported model loads back and gives the masked dense model\'s outputs within 1e-5 relative', () => {
  for (const [n, m, format] of [[1, 8, 'nm'], [2, 4, 'nm'], [1, 8, 'csr'], [2, 4, 'bsr']] as const) {
    const model = mlp(7);
    maskNM(model, n, m);
    const x = randomTensor([4, 32], new Rng(8));
    const expected = noGrad(() => model.forward(x)).data;
    const e = compressStateDict(model.stateDict(), { format });
    const bytes = encodeSafetensors(e.entries, e.metadata);
    const fresh = mlp(99);
    loadCompressed(fresh, decodeSafetensors(bytes, 'mem'), { source: 'mem' });
    const got = noGrad(() => fresh.forward(x)).data;
    assert.ok(relErr(got, expected) <= 1e-5, `${format} ${n}:${m}: ${relErr(got, expected)}`);
  }
});

test('compressed files: 1:8 is under 0.17 and 2:4 under 0.56 of the dense file, and storedSizes reports each weight', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sk-compress-'));
  try {
    const ratios: number[] = [];
    for (const [n, m] of [[1, 8], [2, 4]] as const) {
      const model = new MLP(256, 512, { rng: new Rng(9), activation: 'relu', bias: false });
      maskNM(model, n, m);
      const densePath = join(dir, `dense-${n}-${m}.safetensors`);
      const packedPath = join(dir, `packed-${n}-${m}.safetensors`);
      writeFileSync(densePath, encodeSafetensors(model.stateDict()));
      const e = compressStateDict(model.stateDict(), { format: 'nm' });
      writeFileSync(packedPath, encodeSafetensors(e.entries, e.metadata));
      ratios.push(statSync(packedPath).size / statSync(densePath).size);
      const h = readSafetensorsHeader(packedPath);
      const rows = storedSizes(h.entries, h.metadata, packedPath);
      assert.deepEqual(rows.map((r) => [r.name, r.format]), [['fc1.weight', `nm ${n}:${m}`], ['fc2.weight', `nm ${n}:${m}`]]);
      // values n/m of dense plus log2(m) bits per kept weight
      const expect = n / m + (n * Math.log2(m)) / 8 / 4 / m;
      for (const r of rows) assert.ok(Math.abs(r.ratio - expect) < 1e-3, `${r.name}: ${r.ratio} vs ${expect}`);
    }
    assert.ok(ratios[0]! <= 0.17, `1:8 file ratio ${ratios[0]}`);
    assert.ok(ratios[1]! <= 0.56, `2:4 file ratio ${ratios[1]}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loadCompressed names a missing entry', () => {
  const model = mlp(10);
  maskNM(model, 1, 8);
  const e = compressStateDict(model.stateDict(), { format: 'nm' });
  e.entries.delete('fc2.weight.positions');
  const content = decodeSafetensors(encodeSafetensors(e.entries, e.metadata), 'broken.safetensors');
  assert.throws(() => loadCompressed(mlp(10), content, { source: 'broken.safetensors' }), (err: unknown) => err instanceof FormatError && /fc2\.weight\.positions/.test(err.message));
});

test('a truly sparse SGD step equals the masked dense step (ste) at the kept weights', () => {
  forEachBackend((backend) => {
    const x = randomTensor([8, 32], new Rng(11));
    const target = randomTensor([8, 32], new Rng(12));
    const lossOf = (y: Tensor): Tensor => sum(mul(mul(y, target), y));
    // masked dense: forward weight W·mask through the straight-through estimator
    const dense = mlp(13);
    maskNM(dense, 1, 4);
    const masks = [dense.fc1, dense.fc2].map((l) => noGrad(() => nmMask(l.weight, { n: 1, m: 4 })));
    [dense.fc1, dense.fc2].forEach((l, i) => l.setWeightTransform('weight', (w) => steWeight(w, masks[i]!)));
    const dl = lossOf(dense.forward(x));
    dl.backward();
    new SGD(dense, { lr: 0.01 }).step();
    // truly sparse
    const sparse = mlp(13);
    maskNM(sparse, 1, 4);
    compress(sparse, { format: 'nm', measure: false, train: true });
    const params = [...denseParametersOf(sparse), ...sparseParameters(sparse)];
    const sl = lossOf(sparse.forward(x));
    sl.backward();
    new SGD(params, { lr: 0.01 }).step();
    assert.ok(Math.abs(sl.item() - dl.item()) <= 1e-5 * Math.abs(dl.item()), `${backend}: loss ${sl.item()} vs ${dl.item()}`);
    decompress(sparse);
    [dense.fc1, dense.fc2].forEach((l, i) => {
      const want = noGrad(() => mul(l.weight, masks[i]!)).data;
      const got = [sparse.fc1, sparse.fc2][i]!.weight.data;
      assert.ok(relErr(got, want) <= 1e-5, `${backend} layer ${i}: ${relErr(got, want)}`);
    });
  });
});
