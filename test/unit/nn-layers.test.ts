import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  BatchNorm2d,
  Conv2d,
  Dropout,
  Embedding,
  GELU,
  Identity,
  LayerNorm,
  Linear,
  MLP,
  MultiHeadAttention,
  ReLU,
  Rng,
  Sequential,
  SiLU,
  Sigmoid,
  Tanh,
  activation,
  add,
  crossEntropy,
  init,
  Module,
  ones,
  reshape,
  sum,
  tensor,
  zeros,
  type Tensor,
} from '../../src/index.js';
import { forEachBackend } from '../helpers/backends.js';
import { assertClose, gradCheck, randomTensor } from '../helpers/gradcheck.js';

// Shapes: B batch, C channels, H×W image, K input features, O outputs, D embedding width.

function set(t: Tensor, values: number[]): void {
  assert.equal(values.length, t.size);
  t.data.set(values);
}

function stats(t: Tensor): { mean: number; std: number; min: number; max: number } {
  let s = 0;
  let s2 = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of t.data) {
    s += v;
    s2 += v * v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = s / t.size;
  return { mean, std: Math.sqrt(s2 / t.size - mean * mean), min, max };
}

test('Linear: names, shapes, hand-computed forward, no-bias variant', () => {
  forEachBackend(() => {
    const fc = new Linear(2, 3, { rng: new Rng(0) });
    assert.deepEqual(fc.namedParameters().map(([n, p]) => [n, p.shape]), [['weight', [3, 2]], ['bias', [3]]]);
    set(fc.weight, [1, 0, 0, 1, 1, 1]);
    set(fc.bias!, [0.5, 0, -1]);
    // [1, 2]·Wᵀ = [1, 2, 3], plus the bias
    assert.deepEqual(fc.forward(tensor([[1, 2], [0, -1]])).toArray(), [1.5, 2, 2, 0.5, -1, -2]);
    const nb = new Linear(2, 1, { rng: new Rng(0), bias: false });
    assert.equal(nb.bias, null);
    assert.deepEqual(nb.namedParameters().map(([n]) => n), ['weight']);
    set(nb.weight, [2, -3]);
    assert.deepEqual(nb.forward(tensor([[[1, 1]], [[2, 0]]])).toArray(), [-1, 4]);
    assert.throws(() => new Linear(0, 2, { rng: new Rng(0) }), /Linear: inFeatures 0 must be a positive integer/);
  });
});

test('Conv2d: hand-computed window sums, padding with stride, and groups', () => {
  forEachBackend(() => {
    const rng = new Rng(1);
    const conv = new Conv2d(1, 1, 2, { rng });
    assert.deepEqual(conv.namedParameters().map(([n, p]) => [n, p.shape, p.role]), [['weight', [1, 1, 2, 2], 'conv'], ['bias', [1], 'bias']]);
    set(conv.weight, [1, 1, 1, 1]);
    set(conv.bias!, [10]);
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
    // 2×2 windows of 1..9: 1+2+4+5, 2+3+5+6, 4+5+7+8, 5+6+8+9
    assert.deepEqual(conv.forward(x).toArray(), [22, 26, 34, 38]);

    const padded = new Conv2d(1, 1, 3, { rng, padding: 1, stride: 2, bias: false });
    set(padded.weight, [0, 0, 0, 0, 1, 0, 0, 0, 0]);
    // identity kernel, stride 2 over the padded image picks pixels (0,0), (0,2), (2,0), (2,2)
    assert.deepEqual(padded.forward(x).toArray(), [1, 3, 7, 9]);

    const grouped = new Conv2d(2, 4, [1, 2], { rng, groups: 2, bias: false });
    assert.deepEqual(grouped.weight.shape, [4, 1, 1, 2]);
    set(grouped.weight, [1, 0, 0, 1, 1, 1, 1, -1]);
    const x2 = tensor([1, 2, 3, 4, 10, 20, 30, 40], [1, 2, 2, 2]);
    // outputs 0, 1 read channel 0 ([1, 2], [3, 4]); outputs 2, 3 read channel 1
    assert.deepEqual(grouped.forward(x2).toArray(), [1, 3, 2, 4, 30, 70, -10, -10]);
    assert.throws(() => new Conv2d(3, 4, 3, { rng, groups: 2 }), /Conv2d: groups 2 must divide both inChannels 3 and outChannels 4/);
  });
});

test('BatchNorm2d: batch statistics and running updates in training, running statistics in eval', () => {
  forEachBackend(() => {
    const bn = new BatchNorm2d(1);
    assert.deepEqual(bn.namedParameters().map(([n]) => n), ['weight', 'bias']);
    assert.deepEqual(bn.namedBuffers().map(([n]) => n), ['running_mean', 'running_var']);
    assert.deepEqual([...bn.stateDict().keys()], ['weight', 'bias', 'running_mean', 'running_var']);
    const x = tensor([1, 2, 3, 4], [2, 1, 1, 2]);
    // mean 2.5, biased variance 1.25
    const r = 1 / Math.sqrt(1.25 + 1e-5);
    assertClose(bn.forward(x).toArray(), [-1.5 * r, -0.5 * r, 0.5 * r, 1.5 * r], 1e-5, 1e-6);
    // running ← 0.9·running + 0.1·batch, with the unbiased variance 1.25·4/3
    assertClose(bn.runningMean!.toArray(), [0.25], 1e-6);
    assertClose(bn.runningVar!.toArray(), [0.9 + (0.1 * 5) / 3], 1e-6);
    set(bn.weight!, [2]);
    set(bn.bias!, [1]);
    bn.eval();
    const rv = 0.9 + 0.5 / 3;
    assertClose(bn.forward(x).toArray(), [1, 2, 3, 4].map((v) => (2 * (v - 0.25)) / Math.sqrt(rv + 1e-5) + 1), 1e-5, 1e-6);
    assertClose(bn.runningMean!.toArray(), [0.25], 1e-6);
    const plain = new BatchNorm2d(3, { affine: false, trackRunningStats: false });
    assert.equal(plain.namedParameters().length + plain.namedBuffers().length, 0);
  });
});

test('LayerNorm: hand-computed normalisation with scale and shift', () => {
  forEachBackend(() => {
    const ln = new LayerNorm(3);
    assert.deepEqual(ln.namedParameters().map(([n, p]) => [n, p.toArray(), p.role]), [['weight', [1, 1, 1], 'norm'], ['bias', [0, 0, 0], 'bias']]);
    set(ln.weight!, [1, 2, 1]);
    set(ln.bias!, [0, 0, 5]);
    // row [1, 2, 3]: mean 2, variance 2/3; row [4, 4, 4] normalises to zeros
    const r = 1 / Math.sqrt(2 / 3 + 1e-5);
    assertClose(ln.forward(tensor([[1, 2, 3], [4, 4, 4]])).toArray(), [-r, 0, r + 5, 0, 0, 5], 1e-5, 1e-6);
    assert.equal(new LayerNorm(3, { bias: false }).bias, null);
    assert.equal(new LayerNorm(3, { elementwiseAffine: false }).namedParameters().length, 0);
  });
});

test('Embedding: rows picked by id, shape [...ids, D], gradient adds into the rows used', () => {
  const emb = new Embedding(3, 2, { rng: new Rng(2) });
  assert.deepEqual(emb.namedParameters().map(([n, p]) => [n, p.shape, p.role]), [['weight', [3, 2], 'embed']]);
  set(emb.weight, [0, 1, 10, 11, 20, 21]);
  const y = emb.forward(Int32Array.of(2, 0, 2), [1, 3]);
  assert.deepEqual(y.shape, [1, 3, 2]);
  assert.deepEqual(y.toArray(), [20, 21, 0, 1, 20, 21]);
  sum(y).backward();
  assert.deepEqual(emb.weight.grad!.toArray(), [1, 1, 0, 0, 2, 2]);
});

test('Sequential chains layers and names children by index', () => {
  const rng = new Rng(3);
  const seq = new Sequential(new Linear(2, 2, { rng, bias: false }), new Linear(2, 1, { rng }));
  assert.deepEqual(seq.namedParameters().map(([n]) => n), ['0.weight', '1.weight', '1.bias']);
  set(seq.at(0).parameter('weight'), [1, 2, 3, 4]);
  set(seq.at(1).parameter('weight'), [1, -1]);
  set(seq.at(1).parameter('bias'), [0.5]);
  // [1, 1] -> [3, 7] -> 3 − 7 + 0.5
  assert.deepEqual(seq.forward(tensor([[1, 1]])).toArray(), [-3.5]);
  assert.equal(seq.length, 2);
  assert.throws(() => seq.at(2), /Sequential\.at: index 2 is outside 0\.\.1/);
  gradCheck((x) => seq.forward(x!), [randomTensor([3, 2], rng)]);
});

test('layers initialise as PyTorch: Linear and Conv2d within ±1/√fanIn, the same seed gives the same weights', () => {
  const fc = new Linear(400, 300, { rng: new Rng(4) });
  const s = stats(fc.weight);
  const bound = 1 / Math.sqrt(400);
  assert.ok(s.min >= -bound && s.max < bound && s.max > 0.98 * bound, `${s.min}..${s.max} vs ±${bound}`);
  assert.ok(Math.abs(s.std - bound / Math.sqrt(3)) < 0.01 * bound);
  assert.ok(stats(fc.bias!).max <= bound);
  assert.deepEqual(new Linear(400, 300, { rng: new Rng(4) }).weight.toArray(), fc.weight.toArray());
  const conv = new Conv2d(8, 64, [3, 5], { rng: new Rng(5), groups: 2 });
  const cb = 1 / Math.sqrt(4 * 3 * 5);
  const cs = stats(conv.weight);
  assert.ok(cs.min >= -cb && cs.max < cb && cs.max > 0.95 * cb);
  const emb = stats(new Embedding(1000, 64, { rng: new Rng(6), std: 0.02 }).weight);
  assert.ok(Math.abs(emb.std - 0.02) < 0.0005 && Math.abs(emb.mean) < 0.0005);
});

test('init: Kaiming and Xavier statistics on a large draw', () => {
  const rng = new Rng(7);
  const w = zeros([256, 128, 3, 3]); // fanIn 1152, fanOut 2304
  const close = (got: number, want: number, what: string): void => assert.ok(Math.abs(got - want) < 0.01 * want, `${what}: ${got} vs ${want}`);

  init.kaimingUniform(w, rng, { nonlinearity: 'relu' });
  let s = stats(w);
  const bound = Math.sqrt(2) * Math.sqrt(3 / 1152);
  assert.ok(s.min >= -bound && s.max <= bound);
  close(s.std, bound / Math.sqrt(3), 'kaimingUniform std');
  init.kaimingNormal(w, rng, { mode: 'fanOut', nonlinearity: 'relu' });
  s = stats(w);
  close(s.std, Math.sqrt(2 / 2304), 'kaimingNormal fanOut std');
  assert.ok(Math.abs(s.mean) < 0.01 * s.std * 10);
  init.kaimingNormal(w, rng, { a: 0.2 });
  close(stats(w).std, Math.sqrt(2 / (1 + 0.04)) / Math.sqrt(1152), 'kaimingNormal leakyRelu std');
  init.xavierUniform(w, rng, 2);
  s = stats(w);
  const xb = 2 * Math.sqrt(6 / (1152 + 2304));
  assert.ok(s.min >= -xb && s.max <= xb);
  close(s.std, xb / Math.sqrt(3), 'xavierUniform std');
  init.xavierNormal(w, rng);
  close(stats(w).std, Math.sqrt(2 / (1152 + 2304)), 'xavierNormal std');
  assert.deepEqual(init.fans([10, 4, 3, 3]), { fanIn: 36, fanOut: 90 });
  assert.throws(() => init.kaimingUniform(zeros([5]), rng), /init: fans need a weight of at least 2 dimensions/);
  assert.equal(init.gain('tanh'), 5 / 3);
});

test('init: truncated normal stays within its cut-offs with the truncated distribution\'s spread', () => {
  const rng = new Rng(8);
  const t = init.truncNormal(zeros([200000]), rng, { mean: 0.5, std: 2, a: -1.5, b: 2.5 });
  const s = stats(t);
  assert.ok(s.min >= -1.5 && s.max <= 2.5);
  // cut at ±1σ around the mean: variance σ²·(1 − 2φ(1)/(Φ(1) − Φ(−1)))
  const phi1 = Math.exp(-0.5) / Math.sqrt(2 * Math.PI);
  const want = 2 * Math.sqrt(1 - (2 * phi1) / 0.682689492);
  assert.ok(Math.abs(s.std - want) < 0.01 * want, `std ${s.std} vs ${want}`);
  assert.ok(Math.abs(s.mean - 0.5) < 0.01);
  const small = stats(init.truncNormal(zeros([100000]), rng, { std: 0.02 }));
  assert.ok(Math.abs(small.std - 0.02) < 0.0003);
  assert.throws(() => init.truncNormal(zeros([2]), rng, { a: 10, b: 11 }), /truncNormal: \[10, 11\] holds only .* move the cut-offs/);
  assert.deepEqual(init.ones(zeros([2])).toArray(), [1, 1]);
  assert.deepEqual(init.constant(zeros([2]), 0.5).toArray(), [0.5, 0.5]);
});

test('activation modules by hand, and the factory by name', () => {
  const x = tensor([-1, 0, 1]);
  assert.deepEqual(new ReLU().forward(x).toArray(), [0, 0, 1]);
  assertClose(new Sigmoid().forward(x).toArray(), [1 / (1 + Math.E), 0.5, 1 / (1 + 1 / Math.E)], 1e-6);
  assertClose(new Tanh().forward(x).toArray(), [-Math.tanh(1), 0, Math.tanh(1)], 1e-6);
  assertClose(new SiLU().forward(x).toArray(), [-1 / (1 + Math.E), 0, 1 / (1 + 1 / Math.E)], 1e-6);
  // Φ(1) = 0.841344746…; the tanh form gives 0.841191990…
  assertClose(new GELU().forward(x).toArray(), [-(1 - 0.841344746), 0, 0.841344746], 1e-6);
  assertClose(activation('geluTanh').forward(tensor([1])).toArray(), [0.84119199], 1e-6);
  assert.equal(new Identity().forward(x), x);
  assert.throws(() => activation('swish' as never), /activation: unknown name 'swish'/);
});

test('Dropout: seeded masks scaled by 1/(1 − p) in training, the identity in eval', () => {
  const x = ones([20000]);
  const drop = new Dropout(0.25, new Rng(9));
  const y = drop.forward(x);
  const zeroed = y.toArray().filter((v) => v === 0).length / x.size;
  assert.ok(Math.abs(zeroed - 0.25) < 0.01, `dropped ${zeroed}`);
  assert.ok(y.toArray().every((v) => v === 0 || Math.abs(v - 4 / 3) < 1e-6));
  assert.deepEqual(new Dropout(0.25, new Rng(9)).forward(x).toArray(), y.toArray());
  assert.equal(drop.eval().forward(x), x);
  assert.throws(() => new Dropout(1.5, new Rng(0)), /Dropout: p 1\.5 must be a probability in \[0, 1\]/);
});

test('MLP: fc1, activation, fc2 with role ff, forward by hand', () => {
  const mlp = new MLP(2, 3, { rng: new Rng(10), activation: 'relu', outFeatures: 1 });
  assert.deepEqual(mlp.namedParameters().map(([n, p]) => [n, p.shape, p.role]), [
    ['fc1.weight', [3, 2], 'ff'], ['fc1.bias', [3], 'bias'], ['fc2.weight', [1, 3], 'ff'], ['fc2.bias', [1], 'bias'],
  ]);
  set(mlp.fc1.weight, [1, -1, 2, 0, 0, 1]);
  set(mlp.fc1.bias!, [0, -1, 0]);
  set(mlp.fc2.weight, [1, 1, 1]);
  set(mlp.fc2.bias!, [0.5]);
  // x = [1, 3]: fc1 -> [-2, 1, 3] -> relu [0, 1, 3] -> 4 + 0.5
  assert.deepEqual(mlp.forward(tensor([[1, 3]])).toArray(), [4.5]);
  assert.deepEqual(new MLP(4, 8, { rng: new Rng(0) }).fc2.weight.shape, [4, 8]);
});

function identityAttention(heads: number, causal: boolean): MultiHeadAttention {
  const attn = new MultiHeadAttention(2, heads, { rng: new Rng(11), causal });
  for (const fc of [attn.q, attn.k, attn.v, attn.proj]) {
    set(fc.weight, [1, 0, 0, 1]);
    set(fc.bias!, [0, 0]);
  }
  return attn;
}

test('MultiHeadAttention: separate q, k, v, proj weights; forward by hand with one and two heads, causal and masked', () => {
  const attn = new MultiHeadAttention(4, 2, { rng: new Rng(12) });
  assert.deepEqual(attn.namedParameters().filter(([n]) => n.endsWith('weight')).map(([n, p]) => [n, p.shape, p.role]), [
    ['q.weight', [4, 4], 'q'], ['k.weight', [4, 4], 'k'], ['v.weight', [4, 4], 'v'], ['proj.weight', [4, 4], 'proj'],
  ]);
  const x = tensor([[[1, 0], [0, 1]]]); // [B=1, T=2, C=2]
  const e = Math.E;
  const p = e / (e + 1);
  // one head, D = 2, scale 1/√2: scores [[s, 0], [0, s]], s = 1/√2
  const p1 = 1 / (1 + Math.exp(-Math.SQRT1_2));
  assertClose(identityAttention(1, false).forward(x).toArray(), [p1, 1 - p1, 1 - p1, p1], 1e-6);
  // two heads, D = 1, scale 1: head 0 sees q = k = v = [1, 0], head 1 sees [0, 1]
  assertClose(identityAttention(2, false).forward(x).toArray(), [p, 0.5, 0.5, p], 1e-6);
  // causal: token 0 sees only itself
  assertClose(identityAttention(2, true).forward(x).toArray(), [1, 0, 0.5, p], 1e-6);
  // an additive mask blocking key 1: both queries read token 0's values [1, 0]
  const mask = tensor([0, -Infinity, 0, -Infinity], [1, 1, 2, 2]);
  assertClose(identityAttention(2, false).forward(x, { mask }).toArray(), [1, 0, 1, 0], 1e-6);
  assert.throws(() => attn.forward(zeros([2, 3])), /MultiHeadAttention: input must be \[B, T, 4\], got \[2, 3\]/);
  assert.throws(() => new MultiHeadAttention(6, 4, { rng: new Rng(0) }), /numHeads 4 must be a positive integer dividing embedDim 6/);
  const rng = new Rng(13);
  const causal = new MultiHeadAttention(4, 2, { rng, causal: true });
  gradCheck((t) => causal.forward(t!), [randomTensor([2, 3, 4], rng)]);
  assert.ok(causal.parameters().every((q) => q.grad !== null && q.grad.toArray().some((v) => v !== 0)));
});

interface Values {
  shape: number[];
  data: number[];
}

interface BlockFixture {
  heads: number;
  inputs: { x: Values; targets: number[] };
  params: Record<string, Values>;
  logits: Values;
  loss: number;
  grads: Record<string, Values>;
}

/** The pre-norm block of scripts/make-golden.py, built from our layers under the fixture's parameter names. */
class PreNormBlock extends Module {
  readonly ln1 = this.registerModule('ln1', new LayerNorm(8));
  readonly attn: MultiHeadAttention;
  readonly ln2 = this.registerModule('ln2', new LayerNorm(8));
  readonly mlp: MLP;
  readonly head: Linear;

  constructor(heads: number, rng: Rng) {
    super();
    this.attn = this.registerModule('attn', new MultiHeadAttention(8, heads, { rng, causal: true }));
    this.mlp = this.registerModule('mlp', new MLP(8, 32, { rng }));
    this.head = this.registerModule('head', new Linear(8, 11, { rng, role: 'head' }));
  }

  forward(x: Tensor): Tensor {
    const x1 = add(x, this.attn.forward(this.ln1.forward(x)));
    return this.head.forward(add(x1, this.mlp.forward(this.ln2.forward(x1))));
  }
}

test('a pre-norm transformer block of our layers matches the PyTorch fixture: logits, loss and every gradient', () => {
  const fx = JSON.parse(readFileSync(new URL('../golden/transformer-block.json', import.meta.url), 'utf8')) as BlockFixture;
  const block = new PreNormBlock(fx.heads, new Rng(14));
  block.loadStateDict(Object.fromEntries(Object.entries(fx.params).map(([k, v]) => [k, tensor(v.data, v.shape)])));
  const x = tensor(fx.inputs.x.data, fx.inputs.x.shape).requireGrad();
  const logits = block.forward(x);
  assertClose(logits.toArray(), fx.logits.data, 1e-4, 1e-4, 'logits');
  const loss = crossEntropy(reshape(logits, [-1, 11]), Int32Array.from(fx.inputs.targets));
  assertClose([loss.item()], [fx.loss], 1e-5, 1e-6, 'loss');
  loss.backward();
  for (const [name, p] of block.namedParameters()) assertClose(p.grad!.toArray(), fx.grads[name]!.data, 1e-3, 1e-5, `grad ${name}`);
  assertClose(x.grad!.toArray(), fx.grads['x']!.data, 1e-3, 1e-5, 'grad x');
});
