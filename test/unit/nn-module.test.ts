import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ArgumentError,
  BatchNorm2d,
  Conv2d,
  Embedding,
  LayerNorm,
  Linear,
  Module,
  ModuleList,
  Rng,
  ShapeError,
  decodeSafetensors,
  defineFunction,
  encodeSafetensors,
  linear,
  mul,
  sum,
  tensor,
  transformableWeights,
  zeros,
  type Tensor,
} from '../../src/index.js';
import { assertClose, gradCheck, randomTensor } from '../helpers/gradcheck.js';

// Shapes: B batch, K input features, O output features.

class Block extends Module {
  readonly fc1: Linear;
  readonly norm: LayerNorm;
  readonly steps: Tensor;

  constructor(rng: Rng) {
    super();
    this.fc1 = this.registerModule('fc1', new Linear(3, 4, { rng }));
    this.norm = this.registerModule('norm', new LayerNorm(4));
    this.steps = this.registerBuffer('steps', zeros([1]));
  }

  forward(x: Tensor): Tensor {
    return this.norm.forward(this.fc1.forward(x));
  }
}

class Net extends Module {
  readonly blocks: ModuleList<Block>;
  readonly head: Linear;

  constructor(seed: number) {
    super();
    const rng = new Rng(seed);
    this.blocks = this.registerModule('blocks', new ModuleList([new Block(rng), new Block(rng)]));
    this.head = this.registerModule('head', new Linear(4, 2, { rng, role: 'head', bias: false }));
  }

  forward(x: Tensor): Tensor {
    // both blocks read x: [B, 3] -> [B, 4]; the head reads their product
    let h = this.blocks.at(0).forward(x);
    h = mul(h, this.blocks.at(1).forward(x));
    return this.head.forward(h);
  }
}

test('qualified names of parameters, buffers and modules, in registration order', () => {
  const net = new Net(0);
  assert.deepEqual(
    net.namedParameters().map(([n, p]) => `${n}:${p.shape.join('x')}:${p.role}`),
    [
      'blocks.0.fc1.weight:4x3:ff',
      'blocks.0.fc1.bias:4:bias',
      'blocks.0.norm.weight:4:norm',
      'blocks.0.norm.bias:4:bias',
      'blocks.1.fc1.weight:4x3:ff',
      'blocks.1.fc1.bias:4:bias',
      'blocks.1.norm.weight:4:norm',
      'blocks.1.norm.bias:4:bias',
      'head.weight:2x4:head',
    ],
  );
  assert.deepEqual(net.namedBuffers().map(([n]) => n), ['blocks.0.steps', 'blocks.1.steps']);
  assert.deepEqual(
    net.namedModules().map(([n, m]) => `${n}:${m.constructor.name}`),
    [':Net', 'blocks:ModuleList', 'blocks.0:Block', 'blocks.0.fc1:Linear', 'blocks.0.norm:LayerNorm', 'blocks.1:Block', 'blocks.1.fc1:Linear', 'blocks.1.norm:LayerNorm', 'head:Linear'],
  );
  assert.equal(net.numParameters(), 2 * (12 + 4 + 4 + 4) + 8);
  assert.ok(net.parameters().every((p) => p.requiresGrad));
});

test('a shared parameter is listed once by namedParameters and under both names by stateDict', () => {
  const rng = new Rng(1);
  const a = new Linear(2, 2, { rng, bias: false });
  const m = new Module();
  m.registerModule('a', a);
  const b = m.registerModule('b', new Module());
  b.registerParameter('tied', a.weight);
  assert.deepEqual(m.namedParameters().map(([n]) => n), ['a.weight']);
  assert.deepEqual([...m.stateDict().keys()], ['a.weight', 'b.tied']);
});

test('stateDict round trip through safetensors bytes restores outputs; parameters keep their identity', () => {
  const src = new Net(1);
  const dst = new Net(2);
  const x = randomTensor([5, 3], new Rng(3));
  src.blocks.at(1).steps.data[0] = 7;
  assert.notDeepEqual(dst.forward(x).toArray(), src.forward(x).toArray());
  const w = dst.head.weight;
  const wData = w.data;
  const bytes = encodeSafetensors(src.stateDict());
  const result = dst.loadStateDict(decodeSafetensors(bytes, 'net.safetensors').tensors, { source: 'net.safetensors' });
  assert.deepEqual(result, { missing: [], unexpected: [] });
  assert.deepEqual(dst.forward(x).toArray(), src.forward(x).toArray());
  assert.equal(dst.blocks.at(1).steps.data[0], 7);
  assert.equal(dst.head.weight, w);
  assert.equal(dst.head.weight.data, wData);
});

test('stateDict returns copies: changing them leaves the module alone', () => {
  const net = new Net(4);
  const dict = net.stateDict();
  const before = net.head.weight.toArray();
  dict.get('head.weight')!.data.fill(123);
  assert.deepEqual(net.head.weight.toArray(), before);
});

test('strict loading names missing and unexpected keys; shape mismatches name key and shapes; nothing is written on error', () => {
  const net = new Net(5);
  const good = new Net(6).stateDict();
  const before = net.stateDict();

  const missing = new Map(good);
  missing.delete('blocks.1.norm.bias');
  missing.set('blocks.0.fc1.weight', zeros([4, 3]));
  assert.throws(() => net.loadStateDict(missing), (e: unknown) => e instanceof ArgumentError && /Net\.loadStateDict: missing keys blocks\.1\.norm\.bias; .*strict: false/.test(e.message));

  const extra = new Map(good);
  extra.set('head.bias', zeros([2]));
  assert.throws(() => net.loadStateDict(extra, { source: 'ckpt.safetensors' }), /Net\.loadStateDict \(from ckpt\.safetensors\): unexpected keys head\.bias/);

  const wrong = new Map(good);
  wrong.set('blocks.0.fc1.weight', zeros([3, 4]));
  wrong.set('blocks.1.norm.weight', zeros([5]));
  assert.throws(
    () => net.loadStateDict(wrong, { strict: false }),
    (e: unknown) =>
      e instanceof ShapeError &&
      e.message.includes('blocks.0.fc1.weight: given [3, 4], the module has [4, 3]') &&
      e.message.includes('blocks.1.norm.weight: given [5], the module has [4]'),
  );
  for (const [k, v] of net.stateDict()) assert.deepEqual(v.toArray(), before.get(k)!.toArray(), `${k} changed by a failed load`);

  // non-strict loads what matches and reports the rest
  const r = net.loadStateDict(extra.set('blocks.0.norm.weight', tensor([1, 2, 3, 4])), { strict: false });
  assert.deepEqual(r, { missing: [], unexpected: ['head.bias'] });
  assert.deepEqual(net.blocks.at(0).norm.weight!.toArray(), [1, 2, 3, 4]);
  const partial = net.loadStateDict({ 'head.weight': zeros([2, 4]) }, { strict: false });
  assert.equal(partial.missing.length, 10);
  assert.deepEqual(net.head.weight.toArray(), new Array(8).fill(0));
});

test('train() and eval() set the mode of every descendant', () => {
  const net = new Net(7);
  assert.ok(net.namedModules().every(([, m]) => m.training));
  assert.equal(net.eval(), net);
  assert.ok(net.namedModules().every(([, m]) => !m.training));
  net.blocks.train();
  assert.ok(!net.training && !net.head.training);
  assert.ok(net.blocks.at(1).norm.training);
  net.train();
  assert.ok(net.namedModules().every(([, m]) => m.training));
});

test('zeroGrad drops every gradient', () => {
  const net = new Net(8);
  sum(net.forward(randomTensor([2, 3], new Rng(9)))).backward();
  assert.ok(net.parameters().every((p) => p.grad !== null));
  net.zeroGrad();
  assert.ok(net.parameters().every((p) => p.grad === null));
});

test('registration rejects dotted, empty and duplicate names, and cycles', () => {
  const m = new Module();
  assert.throws(() => m.registerParameter('a.b', zeros([1])), /Module\.registerParameter: name 'a\.b' must be non-empty and contain no '\.'/);
  assert.throws(() => m.registerBuffer('', zeros([1])), /name '' must be non-empty/);
  m.registerParameter('w', zeros([1]));
  assert.throws(() => m.registerBuffer('w', zeros([1])), /Module\.registerBuffer: 'w' is already registered/);
  const child = m.registerModule('child', new Module());
  assert.throws(() => child.registerModule('parent', m), /cycles/);
  assert.throws(() => m.parameter('nope'), /Module: no parameter 'nope' \(it has: w\)/);
});

test('weight transform: the forward uses fn(weight); the gradient reaches the raw weight through fn', () => {
  const rng = new Rng(10);
  const fc = new Linear(4, 3, { rng });
  const x = randomTensor([2, 4], rng);
  const mask = tensor([[1, 0, 1, 0], [0, 1, 1, 0], [1, 1, 0, 0]]);
  const dense = fc.forward(x).toArray();
  fc.setWeightTransform('weight', (w) => mul(w, mask));
  assert.equal(fc.weightTransform('weight') !== undefined, true);

  // Forward: the same as linear with a masked copy of the weight.
  const wMasked = tensor(fc.weight.data.map((v, i) => v * mask.data[i]!), [3, 4]).requireGrad();
  const y = fc.forward(x);
  assertClose(y.toArray(), linear(x, wMasked, fc.bias).toArray(), 0, 0);

  // Backward: d/dW of L through W·mask is (d/dWeff)·mask.
  const gy = randomTensor([2, 3], rng);
  sum(mul(y, gy)).backward();
  sum(mul(linear(x, wMasked, null), gy)).backward();
  assertClose(fc.weight.grad!.toArray(), wMasked.grad!.toArray().map((g, i) => g * mask.data[i]!), 1e-6, 1e-7);

  // Finite differences through the layer with the transform in place.
  gradCheck((w) => {
    const probe = new Linear(4, 3, { rng: new Rng(0), bias: false });
    probe.setWeightTransform('weight', () => mul(w!, mask));
    return probe.forward(x);
  }, [randomTensor([3, 4], rng)]);

  fc.clearWeightTransform('weight');
  assert.deepEqual(fc.forward(x).toArray(), dense);
});

test('weight transform with a straight-through estimator: masked forward, unmasked gradient', () => {
  const rng = new Rng(11);
  const conv = new Conv2d(2, 2, 1, { rng, bias: false });
  const mask = tensor([1, 0, 0, 1], [2, 2, 1, 1]);
  const ste = defineFunction({
    name: 'ste',
    forward: (_ctx, w: Tensor, m: Tensor) => mul(w, m),
    backward: (_ctx, g) => [g, null],
  });
  conv.setWeightTransform('weight', (w) => ste(w, mask));
  const x = randomTensor([1, 2, 2, 2], rng);
  const y = conv.forward(x);
  const [w00, , , w11] = conv.weight.toArray() as [number, number, number, number];
  // 1×1 kernel with the off-diagonal masked: each output channel scales its own input channel.
  assertClose(y.toArray(), [...x.toArray().slice(0, 4).map((v) => v * w00), ...x.toArray().slice(4).map((v) => v * w11)], 1e-6, 1e-7);
  sum(y).backward();
  // dL/dW[o, c] = Σ_pixels x[c] for every (o, c), masked or not
  const sx = [0, 1].map((c) => x.toArray().slice(c * 4, c * 4 + 4).reduce((a, b) => a + b, 0));
  assertClose(conv.weight.grad!.toArray(), [sx[0]!, sx[1]!, sx[0]!, sx[1]!], 1e-5, 1e-6);
});

test('weight transform errors: a parameter without the hook, and a transform that changes the shape', () => {
  const fc = new Linear(2, 2, { rng: new Rng(12) });
  assert.throws(() => fc.setWeightTransform('bias', (w) => w), /Linear\.setWeightTransform: parameter 'bias' does not accept a weight transform \(transformable here: weight\)/);
  assert.throws(() => new LayerNorm(2).setWeightTransform('weight', (w) => w), /transformable here: none/);
  fc.setWeightTransform('weight', () => zeros([4]));
  assert.throws(() => fc.forward(zeros([1, 2])), (e: unknown) => e instanceof ShapeError && /Linear: the weight transform of 'weight' returned \[4\] for a parameter of shape \[2, 2\]/.test(e.message));
});

test('transformableWeights lists every hookable weight with its module, name and role', () => {
  const rng = new Rng(13);
  const m = new Module();
  m.registerModule('embed', new Embedding(5, 4, { rng }));
  m.registerModule('conv', new Conv2d(1, 2, 3, { rng }));
  m.registerModule('bn', new BatchNorm2d(2));
  m.registerModule('net', new Net(14));
  const found = transformableWeights(m);
  assert.deepEqual(
    found.map((t) => `${t.name}:${t.paramName}:${t.param.role}`),
    ['embed.weight:weight:embed', 'conv.weight:weight:conv', 'net.blocks.0.fc1.weight:weight:ff', 'net.blocks.1.fc1.weight:weight:ff', 'net.head.weight:weight:head'],
  );
  const head = found[4]!;
  assert.equal(head.module, (m.namedModules().find(([n]) => n === 'net.head') ?? [])[1]);
  assert.equal(head.param, head.module.parameter('weight'));
});

test('Linear forward override replaces the product and receives the effective weight', () => {
  const rng = new Rng(15);
  const fc = new Linear(3, 2, { rng });
  const x = randomTensor([2, 3], rng);
  const scale = tensor([2]);
  fc.setWeightTransform('weight', (w) => mul(w, scale));
  let seen: Tensor | null = null;
  fc.setForwardOverride((input, w, b) => {
    seen = w;
    return linear(input, w, b);
  });
  const y = fc.forward(x);
  assert.deepEqual(seen!.toArray(), fc.weight.toArray().map((v) => v * 2));
  fc.setForwardOverride(null);
  assert.deepEqual(fc.forward(x).toArray(), y.toArray());
});
