// Compressed convolutions: the sparse Conv2d op against the dense conv2d on
// awkward shapes and its gradients by finite differences, the weight's matrix
// layout (N:M along input channels), compress/decompress of a small ResNet,
// compressed files of it, and one truly sparse training step.
// Shapes: x [B, C, H, W]; conv weight [O, C, kh, kw], as a matrix [O, kh·kw·C].
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BSRMatrix,
  CSRMatrix,
  Conv2d,
  FormatError,
  NMPacked,
  Rng,
  SGD,
  ShapeError,
  SmallResNet,
  Tensor,
  compress,
  compressedWeight,
  compressStateDict,
  conv2d,
  convFromMatrix,
  convToMatrix,
  decodeSafetensors,
  decompress,
  denseParametersOf,
  detectNM,
  encodeSafetensors,
  loadCompressed,
  mul,
  nmMask,
  noGrad,
  sparseConv2d,
  sparseParameters,
  steWeight,
  storedLayouts,
  storedSizes,
  sum,
  type SparseMatrix,
} from '../../src/index.js';
import { readSafetensorsHeader } from '../../src/io/safetensors-header.js';
import { gradCheck, randomTensor } from '../helpers/gradcheck.js';
import { forEachBackend } from '../helpers/backends.js';
import { relErr } from '../helpers/rel-err.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

/** Equal values, a masked −0 equal to +0. */
function assertSame(a: Float32Array, e: Float32Array, what: string): void {
  assert.equal(a.length, e.length, what);
  a.forEach((v, i) => assert.ok(v === e[i], `${what}[${i}]: ${v} vs ${e[i]}`));
}

/** A random conv weight masked n:m along its input channels. */
function maskedWeight(shape: [number, number, number, number], n: number, m: number, rng: Rng): Tensor {
  return noGrad(() => {
    const w = randomTensor(shape, rng);
    return mul(w, nmMask(w, { n, m }));
  });
}

/** Masks every convolution whose input channels `m` divides to n:m along them, in place; returns their names. */
function maskConvs(model: SmallResNet, n: number, m: number): string[] {
  const names: string[] = [];
  noGrad(() => {
    for (const [name, mod] of model.namedModules()) {
      if (!(mod instanceof Conv2d) || mod.inChannels % m !== 0) continue;
      const mask = nmMask(mod.weight, { n, m });
      for (let i = 0; i < mod.weight.size; i++) mod.weight.data[i]! *= mask.data[i]!;
      names.push(`${name}.weight`);
    }
  });
  return names;
}

/** Zeros the output channels o with ⌊o/4⌋ odd of the convolutions `m` channels divide: half of every 4×4 block row is empty (for BSR). */
function maskChannelBlocks(model: SmallResNet, m: number): string[] {
  const names: string[] = [];
  for (const [name, mod] of model.namedModules()) {
    if (!(mod instanceof Conv2d) || mod.inChannels % m !== 0) continue;
    const per = mod.weight.size / mod.outChannels;
    for (let o = 0; o < mod.outChannels; o++) if (Math.floor(o / 4) % 2 === 1) mod.weight.data.fill(0, o * per, (o + 1) * per);
    names.push(`${name}.weight`);
  }
  return names;
}

function resnet(seed: number): SmallResNet {
  return new SmallResNet({ inChannels: 3, stemChannels: 8, stages: [{ channels: 8, blocks: 1 }, { channels: 16, blocks: 1, stride: 2 }] }, new Rng(seed));
}

/** Gives the BatchNorms non-trivial running statistics, so eval mode is not the identity. */
function warmBatchNorm(model: SmallResNet, x: Tensor): void {
  model.train();
  noGrad(() => model.forward(x));
  model.eval();
}

test('convToMatrix lays N:M groups along input channels out as consecutive columns, and convFromMatrix inverts it', () => {
  const rng = new Rng(1);
  const w = maskedWeight([5, 8, 3, 2], 1, 4, rng);
  const mat = convToMatrix(w);
  assert.deepEqual(mat.shape, [5, 48]);
  // column p·C + c holds w[o, c, p]
  assert.equal(mat.data[(2 * 48) + 4 * 8 + 3], w.data[((2 * 8 + 3) * 3 + 2) * 2 + 0]);
  assertSame(NMPacked.fromDense(mat, { n: 1, m: 4 }).toDense().data, mat.data, 'NMPacked round trip');
  assertSame(convFromMatrix(mat, w.shape).data, w.data, 'convFromMatrix');
  assert.deepEqual(detectNM(w), { n: 1, m: 4 });
  // 8 divides kh·kw·C = 48 but not C = 12: such groups would straddle kernel positions, so 1:4 is the answer
  const w12 = maskedWeight([4, 12, 2, 2], 1, 4, rng);
  assert.deepEqual(detectNM(w12), { n: 1, m: 4 });
  assert.throws(() => convFromMatrix(mat, [5, 8, 3, 3]), (e: unknown) => e instanceof ShapeError && /\[5, 72\] matrix/.test(e.message));
});

test('sparseConv2d equals conv2d with the masked weight on awkward shapes and every format', () => {
  const rng = new Rng(2);
  // [x shape, weight shape, stride, padding]
  const cases: Array<[[number, number, number, number], [number, number, number, number], [number, number], [number, number]]> = [
    [[1, 8, 7, 7], [3, 8, 3, 3], [1, 1], [1, 1]],
    [[2, 16, 9, 5], [7, 16, 3, 2], [2, 1], [0, 1]],
    [[3, 8, 3, 3], [33, 8, 1, 1], [1, 1], [0, 0]],
    [[1, 8, 3, 3], [1, 8, 3, 3], [1, 1], [0, 0]], // one output pixel, one output channel
    [[2, 32, 6, 6], [16, 32, 3, 3], [2, 2], [1, 1]],
  ];
  forEachBackend((backend) => {
    for (const [xs, ws, stride, padding] of cases) {
      const w = maskedWeight(ws, 2, 8, rng);
      const x = randomTensor(xs, rng);
      const bias = randomTensor([ws[0]], rng);
      const expected = noGrad(() => conv2d(x, w, bias, { stride, padding })).data;
      const mat = convToMatrix(w);
      const formats: SparseMatrix[] = [NMPacked.fromDense(mat, { n: 2, m: 8 }), CSRMatrix.fromDense(mat), BSRMatrix.fromDense(mat, { blockRows: 1, blockCols: 4 })];
      for (const sw of formats) {
        for (const b of [bias, null]) {
          const want = b === null ? noGrad(() => conv2d(x, w, null, { stride, padding })).data : expected;
          const got = noGrad(() => sparseConv2d(x, sw, null, b, { kernelSize: [ws[2], ws[3]], stride, padding })).data;
          assert.ok(relErr(got, want) <= 1e-5, `${backend} ${sw.format} x ${xs} w ${ws} bias ${b !== null}: ${relErr(got, want)}`);
        }
      }
    }
  });
});

test('sparseConv2d: gradients of x, values and bias match finite differences on every format', () => {
  const rng = new Rng(3);
  const w = maskedWeight([3, 4, 3, 2], 2, 4, rng);
  const mat = convToMatrix(w);
  const formats: SparseMatrix[] = [NMPacked.fromDense(mat, { n: 2, m: 4 }), CSRMatrix.fromDense(mat), BSRMatrix.fromDense(mat, { blockRows: 3, blockCols: 4 })];
  forEachBackend(() => {
    for (const sw of formats) {
      const x = randomTensor([2, 4, 4, 3], rng);
      const values = new Tensor(sw.values, [sw.values.length]);
      const bias = randomTensor([3], rng);
      gradCheck((xx, vv, bb) => sparseConv2d(xx, sw, vv, bb, { kernelSize: [3, 2], stride: [1, 2], padding: [1, 0] }), [x, values, bias]);
    }
  });
});

test('sparseConv2d names the channel count a weight needs and refuses values it does not share', () => {
  const sw = CSRMatrix.fromDense(convToMatrix(maskedWeight([2, 4, 3, 3], 1, 4, new Rng(4))));
  const geom = { kernelSize: [3, 3], stride: [1, 1], padding: [1, 1] } as const;
  assert.throws(() => sparseConv2d(new Tensor(new Float32Array(5 * 16), [1, 5, 4, 4]), sw, null, null, geom), (e: unknown) => e instanceof ShapeError && /5 channels.*45 columns.*\[2, 36\]/.test(e.message));
  assert.throws(() => sparseConv2d(new Tensor(new Float32Array(64), [1, 4, 4, 4]), sw, new Tensor(new Float32Array(sw.values.length), [sw.values.length]), null, geom), /share the sparse weight/);
});

test('compress runs a ResNet\'s N:M convolutions sparse with the masked model\'s outputs, and decompress restores it', () => {
  forEachBackend((backend) => {
    const model = resnet(5);
    const masked = maskConvs(model, 1, 8);
    const x = randomTensor([2, 3, 10, 10], new Rng(6));
    warmBatchNorm(model, x);
    const before = model.stateDict();
    const expected = noGrad(() => model.forward(x)).data;
    const report = compress(model, { measure: { batch: 16, minTimeMs: 1, probe: () => model.forward(x) }, force: true });
    const sparse = report.filter((r) => r.chosen === 'sparse');
    assert.deepEqual(sparse.map((r) => r.name), masked);
    for (const r of sparse) {
      assert.equal(r.format, 'nm 1:8');
      assert.equal(r.shape.length, 4);
      assert.ok(r.denseMs! > 0 && r.sparseMs! > 0, `${r.name} timed`);
    }
    // the stem sees 3 channels: not N:M along them, and not sparse at all
    assert.match(report.find((r) => r.name === 'conv1.weight')!.reason, /below minSparsity/);
    const got = noGrad(() => model.forward(x)).data;
    assert.ok(relErr(got, expected) <= 1e-5, `${backend}: compressed output differs by ${relErr(got, expected)}`);
    decompress(model);
    for (const [k, t] of model.stateDict()) assertSame(t.data, before.get(k)!.data, k);
  });
});

test('compress leaves grouped convolutions dense and names why', () => {
  const conv = new Conv2d(8, 8, 3, { rng: new Rng(7), groups: 2 });
  noGrad(() => conv.weight.data.set(mul(conv.weight, nmMask(conv.weight, { n: 1, m: 4 })).data));
  const [r] = compress(conv, { measure: false });
  assert.equal(r!.chosen, 'dense');
  assert.match(r!.reason, /grouped convolution \(groups 2\)/);
});

test('an exported ResNet loads back and gives the masked dense model\'s outputs within 1e-5 relative', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sk-conv-'));
  try {
    for (const [n, m, format] of [[1, 8, 'nm'], [2, 4, 'nm'], [1, 8, 'csr'], [0, 0, 'bsr']] as const) {
      const model = resnet(8);
      const masked = format === 'bsr' ? maskChannelBlocks(model, 8) : maskConvs(model, n, m);
      const x = randomTensor([2, 3, 8, 8], new Rng(9));
      warmBatchNorm(model, x);
      const expected = noGrad(() => model.forward(x)).data;
      const e = compressStateDict(model.stateDict(), { format, block: { blockRows: 4, blockCols: 4 } });
      const path = join(dir, `${format}-${n}-${m}.safetensors`);
      writeFileSync(path, encodeSafetensors(e.entries, e.metadata));
      const layouts = storedLayouts(e.metadata);
      assert.deepEqual([...layouts.keys()], masked);
      const h = readSafetensorsHeader(path);
      const sizes = storedSizes(h.entries, h.metadata, path);
      for (const name of masked) {
        const w = model.stateDict().get(name)!;
        assert.deepEqual(layouts.get(name)!.convShape, w.shape);
        assert.deepEqual(sizes.find((s) => s.name === name)!.shape, w.shape);
      }
      const fresh = resnet(99).eval();
      loadCompressed(fresh, decodeSafetensors(encodeSafetensors(e.entries, e.metadata), path), { source: path });
      const got = noGrad(() => fresh.forward(x)).data;
      assert.ok(relErr(got, expected) <= 1e-5, `${format} ${n}:${m}: ${relErr(got, expected)}`);
      assert.ok(masked.every((name) => fresh.namedModules().some(([k, c]) => `${k}.weight` === name && compressedWeight(c as Conv2d) !== null)), `${format}: every packed conv runs sparse`);
      for (const [k, t] of fresh.stateDict()) assertSame(t.data, model.stateDict().get(k)!.data, k);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a compressed file whose convShape does not fit its matrix is a FormatError naming the weight', () => {
  const model = resnet(10);
  maskConvs(model, 1, 8);
  const e = compressStateDict(model.stateDict(), { format: 'nm' });
  const layouts = JSON.parse(e.metadata['sparsekit.formats']!) as Record<string, { convShape: number[] }>;
  layouts['stages.0.0.conv1.weight']!.convShape = [8, 8, 3, 2];
  const bytes = encodeSafetensors(e.entries, { 'sparsekit.formats': JSON.stringify(layouts) });
  assert.throws(
    () => loadCompressed(resnet(10), decodeSafetensors(bytes, 'bad.safetensors'), { source: 'bad.safetensors' }),
    (err: unknown) => err instanceof FormatError && /convShape of "stages\.0\.0\.conv1\.weight"/.test(err.message),
  );
});

test('a truly sparse SGD step of a ResNet equals the masked dense step (ste) at the kept weights', () => {
  forEachBackend((backend) => {
    const x = randomTensor([2, 3, 8, 8], new Rng(11));
    const target = randomTensor([2, 10], new Rng(12));
    const lossOf = (y: Tensor): Tensor => sum(mul(mul(y, target), y));
    const dense = resnet(13);
    const names = maskConvs(dense, 1, 4);
    const convs = dense.namedModules().filter(([n]) => names.includes(`${n}.weight`)).map(([, c]) => c as Conv2d);
    const masks = convs.map((c) => noGrad(() => nmMask(c.weight, { n: 1, m: 4 })));
    convs.forEach((c, i) => c.setWeightTransform('weight', (w) => steWeight(w, masks[i]!)));
    const dl = lossOf(dense.forward(x));
    dl.backward();
    new SGD(dense, { lr: 0.01 }).step();

    const sparse = resnet(13);
    maskConvs(sparse, 1, 4);
    const report = compress(sparse, { format: 'nm', measure: false, train: true, select: (n) => names.includes(n) });
    assert.equal(report.filter((r) => r.chosen === 'sparse').length, names.length);
    const sl = lossOf(sparse.forward(x));
    sl.backward();
    new SGD([...denseParametersOf(sparse), ...sparseParameters(sparse)], { lr: 0.01 }).step();
    assert.ok(Math.abs(sl.item() - dl.item()) <= 1e-5 * Math.abs(dl.item()), `${backend}: loss ${sl.item()} vs ${dl.item()}`);
    decompress(sparse);
    const after = new Map(sparse.namedParameters());
    for (const [k, p] of dense.namedParameters()) {
      const i = convs.findIndex((c) => c.weight === p);
      const want = i < 0 ? p.data : noGrad(() => mul(p, masks[i]!)).data;
      assert.ok(relErr(after.get(k)!.data, want) <= 1e-5, `${backend} ${k}: ${relErr(after.get(k)!.data, want)}`);
    }
  });
});
