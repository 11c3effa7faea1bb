import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, tensor, ArgumentError, ConfigError, SparsekitError, type Tensor } from '../../src/index.js';
import { Module } from '../../src/nn/module.js';
import { Linear } from '../../src/nn/linear.js';
import { Conv2d } from '../../src/nn/conv2d.js';
import { Embedding } from '../../src/nn/embedding.js';
import { applySparsity } from '../../src/sparse/plan/apply-sparsity.js';
import { parseSparsityPlan } from '../../src/sparse/plan/schema.js';
import { formatSparsityTable } from '../../src/sparse/plan/sparsity-table.js';
import { matchesGlob } from '../../src/sparse/plan/name-glob.js';
import { isNM, nmMask } from '../../src/sparse/masks/nm-mask.js';
import { assertClose, randomTensor } from '../helpers/gradcheck.js';

// A model with every role: embed, q/k/v/proj attention weights, two ff layers, a conv and a head.
class Toy extends Module {
  readonly wte: Embedding;
  readonly q: Linear;
  readonly k: Linear;
  readonly v: Linear;
  readonly proj: Linear;
  readonly fc1: Linear;
  readonly fc2: Linear;
  readonly conv: Conv2d;
  readonly head: Linear;
  constructor(seed = 0) {
    super();
    const rng = new Rng(seed);
    this.wte = this.registerModule('wte', new Embedding(16, 8, { rng }));
    this.q = this.registerModule('q', new Linear(8, 8, { rng, role: 'q' }));
    this.k = this.registerModule('k', new Linear(8, 8, { rng, role: 'k' }));
    this.v = this.registerModule('v', new Linear(8, 8, { rng, role: 'v' }));
    this.proj = this.registerModule('proj', new Linear(8, 8, { rng, role: 'proj' }));
    this.fc1 = this.registerModule('fc1', new Linear(8, 16, { rng }));
    this.fc2 = this.registerModule('fc2', new Linear(16, 8, { rng }));
    this.conv = this.registerModule('conv', new Conv2d(8, 4, 3, { rng }));
    this.head = this.registerModule('head', new Linear(8, 4, { rng, role: 'head' }));
  }
}

const span = { totalSteps: 100, totalEpochs: 10 };

function dense(x: Tensor, w: Tensor, b: Tensor | null, mask?: Tensor): number[] {
  const [o, k] = w.shape as [number, number];
  const rows = x.size / k;
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < o; j++) {
      let acc = b === null ? 0 : b.data[j]!;
      for (let i = 0; i < k; i++) acc += x.data[r * k + i]! * w.data[j * k + i]! * (mask === undefined ? 1 : mask.data[j * k + i]!);
      out.push(acc);
    }
  }
  return out;
}

test('selection by role: ff by default, qkv with its own N:M, head and embed dense unless asked, globs', () => {
  const names = (plan: Parameters<typeof applySparsity>[1]): string[] => applySparsity(new Toy(), plan, span).names;
  assert.deepEqual(names({ n: 2, m: 4 }), ['fc1.weight', 'fc2.weight']);
  const ctl = applySparsity(new Toy(), { n: 1, m: 8, locations: ['ff', 'q', 'k', 'v'], qkv: { n: 2, m: 4 } }, span);
  assert.deepEqual(ctl.names, ['q.weight', 'k.weight', 'v.weight', 'fc1.weight', 'fc2.weight']);
  assert.deepEqual(ctl.state('q.weight').pattern, { n: 2, m: 4, axis: 'input' });
  assert.deepEqual(ctl.state('fc2.weight').pattern, { n: 1, m: 8, axis: 'input' });
  assert.deepEqual(names({ n: 2, m: 4, locations: ['proj', 'conv', 'head', 'embed'] }), ['wte.weight', 'proj.weight', 'conv.weight', 'head.weight']);
  assert.deepEqual(names({ n: 2, m: 4, include: ['head.*'], exclude: ['fc2.**'] }), ['fc1.weight', 'head.weight']);
  assert.ok(matchesGlob('blocks.0.mlp.fc1.weight', 'blocks.*.mlp.**'));
});

test('plan errors name the key or layer and the fix', () => {
  assert.throws(() => applySparsity(new Toy(), { n: 2, m: 4, locations: ['q'], exclude: ['q.*'] }, span), (e: Error) => e instanceof ConfigError && /select no weight/.test(e.message));
  assert.throws(() => applySparsity(new Toy(), { n: 2, m: 4, include: ['blocks.*'] }, span), /include: 'blocks\.\*' matches no weight.*fc1\.weight/);
  assert.throws(() => applySparsity(new Toy(), { n: 2, m: 4, flow: 'bdwp', locations: ['conv'] }, span), /bdwp replaces a Linear layer's product, but conv\.weight belongs to a Conv2d/);
  assert.throws(() => applySparsity(new Toy(), { n: 2, m: 4, flow: 'bdwp', dimension: 'output' }, span), /leave dimension at 'input'/);
  // fc1 is [16, 8]: 1:8 geometric starts at 8:64, which needs the input dimension to be a multiple of 64
  assert.throws(
    () => applySparsity(new Toy(), { n: 1, m: 8, structureDecay: 'geometric' }, span),
    (e: Error) => e instanceof ArgumentError && /fc1\.weight \(structure-decay stage 8:64 on the way to 1:8\).*M = 64 does not divide the input dimension \(8\)/.test(e.message),
  );
  assert.throws(() => applySparsity(new Toy(), { n: 1, m: 3 }, span), /fc1\.weight: M = 3 does not divide the input dimension \(8\)/);
  assert.throws(() => applySparsity(new Toy(), { n: 1, m: 4, denseFraction: 0.7, fineTuneFraction: 0.7 }, span), ConfigError);
  assert.throws(() => parseSparsityPlan({ n: 1, m: 4, typo: 1 }, 'run.yaml: sparsity'), /run\.yaml: sparsity: unknown key typo/);
  assert.throws(() => parseSparsityPlan({ n: 1, m: 4, flow: 'mdgf' }), /sparsity\.decay: flow mdgf needs decay/);
  assert.throws(() => parseSparsityPlan({ n: 1, m: 4, decay: 'exp' }), /decay applies to flow mdgf only/);
  assert.throws(() => parseSparsityPlan({ n: 1, m: 4, structureDecay: 'custom' }), /structureStages/);
  assert.throws(() => parseSparsityPlan({ n: 1, m: 4, qkv: { n: 4, m: 2 } }), /sparsity\.qkv\.n: N:M = 4:2/);
  const p = parseSparsityPlan({ n: 1, m: 8, flow: 'mdgf', decay: 'linear', decayCoef: 0.001, structureDecay: 'stepwise', denseFraction: 0.1, fineTuneFraction: 0.2, locations: ['ff', 'q'], dimension: 'output' });
  assert.equal(p.srsteLambda, 2e-4);
  assert.equal(p.maskInterval, 1);
});

test('dense phase: the forward uses the raw weight; sparse phase: W·mask with the N:M mask of the current weight', () => {
  const model = new Toy(1);
  const ctl = applySparsity(model, { n: 2, m: 4, denseFraction: 0.1 }, span);
  const x = randomTensor([3, 8], new Rng(2));
  ctl.step(5);
  assert.equal(ctl.state('fc1.weight').phase, 'dense');
  assert.equal(ctl.mask('fc1.weight'), null);
  assertClose(model.fc1.forward(x).data, dense(x, model.fc1.weight, model.fc1.bias));
  ctl.step(10);
  const mask = ctl.mask('fc1.weight')!;
  assert.deepEqual(mask.toArray(), nmMask(model.fc1.weight, { n: 2, m: 4 }).toArray());
  assertClose(model.fc1.forward(x).data, dense(x, model.fc1.weight, model.fc1.bias, mask));
  // the conv and embedding are untouched (not selected)
  assert.equal(model.conv.weightTransform('weight'), undefined);
});

test('masks follow the weights during the sparse phase and stay frozen in fine-tune', () => {
  const model = new Toy(3);
  const ctl = applySparsity(model, { n: 1, m: 4, fineTuneFraction: 0.2 }, span);
  const w = model.fc1.weight;
  const swapFirstGroup = (): void => {
    // make entry 3 the largest of row 0's first group, so a recomputed mask must move there
    w.data[3] = 10 * Math.max(...Array.from(w.data.subarray(0, 4), Math.abs));
  };
  ctl.step(50);
  assert.equal(ctl.mask('fc1.weight')!.data[3], 0);
  swapFirstGroup();
  ctl.step(51);
  assert.deepEqual(Array.from(ctl.mask('fc1.weight')!.data.subarray(0, 4)), [0, 0, 0, 1]);
  ctl.step(80); // fine-tune entry: computed once from the current weights
  assert.equal(ctl.state('fc1.weight').phase, 'fine-tune');
  const frozen = ctl.mask('fc1.weight')!.toArray();
  w.data[0] = 1000;
  for (let s = 81; s < 100; s++) ctl.step(s);
  assert.deepEqual(ctl.mask('fc1.weight')!.toArray(), frozen);
  assert.equal(frozen[0], 0);
});

test('mask interval: masks recomputed every k steps of the sparse phase', () => {
  const model = new Toy(4);
  const ctl = applySparsity(model, { n: 1, m: 4, maskInterval: 5 }, span);
  const before = ctl.mask('fc1.weight')!.toArray();
  model.fc1.weight.data[3] = 1e3;
  ctl.step(4);
  assert.deepEqual(ctl.mask('fc1.weight')!.toArray(), before);
  ctl.step(5);
  assert.equal(ctl.mask('fc1.weight')!.data[3], 1);
});

test('mdgf: the table shows a dense forward weight while β > 0; finalize() bakes exactly N:M and verify() passes', () => {
  const model = new Toy(5);
  const ctl = applySparsity(model, { n: 1, m: 4, flow: 'mdgf', decay: 'linear', decayCoef: 0.01, locations: ['ff', 'q'] }, span);
  ctl.step(50); // β = 0.5
  assert.equal(ctl.state('fc1.weight').beta, 0.5);
  const row = ctl.table().find((r) => r.name === 'fc1.weight')!;
  assert.deepEqual([row.phase, row.pattern, row.target, row.validNM], ['sparse', '1:4', '1:4', false]);
  assert.equal(row.kept, 1);
  const mask = ctl.mask('fc1.weight')!;
  const x = randomTensor([2, 8], new Rng(6));
  const half = tensor(mask.data.map((k) => k + (1 - k) * 0.5), mask.shape);
  assertClose(model.fc1.forward(x).data, dense(x, model.fc1.weight, model.fc1.bias, half));
  assert.equal(ctl.densities('fc1.weight').forward, 1);
  assert.throws(() => ctl.verify(), (e: Error) => e instanceof SparsekitError && /q\.weight.*fc1\.weight.*call finalize\(\)/.test(e.message));
  const w0 = model.fc1.weight.clone();
  ctl.finalize();
  ctl.verify();
  const baked = ctl.mask('fc1.weight')!;
  assert.deepEqual(baked.toArray(), nmMask(w0, { n: 1, m: 4 }).toArray());
  assertClose(model.fc1.weight.data, w0.data.map((v, i) => v * baked.data[i]!));
  assert.ok(isNM(model.fc1.weight, { n: 1, m: 4 }));
  for (const r of ctl.table()) {
    assert.equal(r.phase, 'final');
    assert.equal(r.validNM, true);
    assert.equal(r.kept, 0.25);
  }
  assert.match(formatSparsityTable(ctl.table()), /\| fc1\.weight \| ff \| \[16, 8\] \| final \| 1:4 \| 1:4 \| 0\.2500 \| yes \|/);
  assert.equal(ctl.densities('fc1.weight').forward, 0.25);
  assert.equal(ctl.densities('head.weight').forward, 1);
});

test('finalize with a conv weight groups over input channels', () => {
  const model = new Toy(7);
  const ctl = applySparsity(model, { n: 2, m: 4, locations: ['conv'] }, span);
  ctl.finalize();
  ctl.verify();
  assert.ok(isNM(model.conv.weight, { n: 2, m: 4 }));
  assert.equal(isNM(model.conv.weight, { n: 2, m: 4, axis: 'output' }), false);
});

test('bdwp installs a Linear forward override whose input gradient uses the transposed mask', () => {
  const model = new Toy(8);
  const ctl = applySparsity(model, { n: 1, m: 4, flow: 'bdwp' }, span);
  const fc = model.fc1; // [16, 8]
  const x = randomTensor([3, 8], new Rng(9)).requireGrad();
  const y = fc.forward(x);
  const fwd = nmMask(fc.weight, { n: 1, m: 4 });
  const bwd = nmMask(fc.weight, { n: 1, m: 4, axis: 'output' });
  assertClose(y.data, dense(x, fc.weight, fc.bias, fwd));
  y.backward(tensor(new Float32Array(y.size).fill(1), y.shape));
  // dX[r, i] = Σ_j W[j, i]·bwd[j, i] (g = 1)
  const expected = Array.from({ length: 3 * 8 }, (_, idx) => {
    const i = idx % 8;
    let acc = 0;
    for (let j = 0; j < 16; j++) acc += fc.weight.data[j * 8 + i]! * bwd.data[j * 8 + i]!;
    return acc;
  });
  assertClose(x.grad!.data, expected);
  assert.deepEqual(ctl.densities('fc1.weight'), { forward: 0.25, inputGrad: 0.25, weightGrad: 1 });
  ctl.finalize();
  ctl.verify();
});

test('exportState / importState keep frozen fine-tune masks across a resume', () => {
  const plan = { n: 1, m: 4, fineTuneFraction: 0.5, flow: 'bdwp' } as const;
  const a = new Toy(10);
  const ctlA = applySparsity(a, plan, span);
  ctlA.step(50);
  a.fc1.weight.data[0] = 1e3; // the mask must not follow this in fine-tune
  ctlA.step(60);
  const saved = ctlA.exportState();
  assert.deepEqual([...saved.masks.keys()].slice(0, 2), ['fc1.weight.mask', 'fc1.weight.backward_mask']);
  const b = new Toy(11);
  b.loadStateDict(a.stateDict());
  const ctlB = applySparsity(b, plan, span);
  ctlB.importState(saved);
  ctlB.step(61);
  assert.deepEqual(ctlB.mask('fc1.weight')!.toArray(), ctlA.mask('fc1.weight')!.toArray());
  assert.throws(() => ctlB.importState({ step: 60, masks: new Map() }), /no mask 'fc1\.weight\.mask'/);
  ctlB.remove();
  assert.equal(b.fc1.weightTransform('weight'), undefined);
});
