/**
 * The four models: parameter names, roles and counts (worked out by hand),
 * output shapes, config validation, GPT's causality, gradients reaching
 * every parameter, and forwards computed by hand on tiny settings.
 * Shapes: B batch, C channels, H×W image, K classes, T tokens, V vocabulary.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConfigError,
  Gpt,
  MlpClassifier,
  ModelConfigSchema,
  Rng,
  SmallResNet,
  VisionTransformer,
  buildModel,
  add,
  concat,
  crossEntropy,
  parseModelConfig,
  tensor,
  zeros,
  type Model,
  type Module,
  type Tensor,
} from '../../src/index.js';
import { forEachBackend } from '../helpers/backends.js';
import { assertClose, gradCheck, randomTensor } from '../helpers/gradcheck.js';

const MLP_CFG = { inputShape: [1, 4, 4], hidden: [8, 6], classes: 3 };
const CNN_CFG = { inChannels: 1, stemChannels: 4, stages: [{ channels: 4, blocks: 1 }, { channels: 8, blocks: 1, stride: 2 }], classes: 3 };
const VIT_CFG = { imageSize: 8, patchSize: 4, inChannels: 3, dim: 8, depth: 2, heads: 2, mlpRatio: 2, classes: 5 };
const GPT_CFG = { vocabSize: 11, contextLength: 6, dim: 8, depth: 1, heads: 2, mlpRatio: 4 };

function roles(m: Module): Record<string, string> {
  return Object.fromEntries(m.namedParameters().map(([n, p]) => [n, p.role]));
}

function linearRoles(prefix: string, role: string, bias = true): Record<string, string> {
  return { [`${prefix}.weight`]: role, ...(bias ? { [`${prefix}.bias`]: 'bias' } : {}) };
}

function normRoles(prefix: string): Record<string, string> {
  return { [`${prefix}.weight`]: 'norm', [`${prefix}.bias`]: 'bias' };
}

test('MLP: names, roles, hand-counted parameters, shapes, and a forward by hand', () => {
  const mlp = new MlpClassifier(MLP_CFG, new Rng(0));
  assert.deepEqual(roles(mlp), { ...linearRoles('layers.0', 'ff'), ...linearRoles('layers.1', 'ff'), ...linearRoles('head', 'head') });
  assert.equal(mlp.numParameters(), 16 * 8 + 8 + 8 * 6 + 6 + 6 * 3 + 3);
  assert.equal(mlp.task, 'classify');
  forEachBackend(() => {
    assert.deepEqual(mlp.forward(randomTensor([5, 1, 4, 4], new Rng(1))).shape, [5, 3]);
    assert.deepEqual(mlp.forward(randomTensor([2, 16], new Rng(1))).shape, [2, 3], 'flat rows of C·H·W values are accepted');
  });
  assert.throws(() => mlp.forward(randomTensor([2, 1, 5, 5], new Rng(1))), /expected \[B, 1, 4, 4\].*got \[2, 1, 5, 5\]/);

  // 2 -> relu(1 hidden) -> 2 classes: h = relu(x0 − x1 + 0.5), logits = [2h, −h + 1].
  const tiny = new MlpClassifier({ inputShape: [2], hidden: [1], classes: 2 }, new Rng(0));
  tiny.layers.at(0).weight.data.set([1, -1]);
  tiny.layers.at(0).bias!.data.set([0.5]);
  tiny.head.weight.data.set([2, -1]);
  tiny.head.bias!.data.set([0, 1]);
  forEachBackend(() => {
    const y = tiny.forward(tensor([[3, 1], [0, 4]]));
    assert.deepEqual(Array.from(y.data), [5, -1.5, 0, 1]);
  });
});

test('CNN: torchvision-style names, roles, hand-counted parameters, shapes, and a forward by hand', () => {
  const cnn = new SmallResNet(CNN_CFG, new Rng(0));
  const block = (p: string, downsample: boolean): Record<string, string> => ({
    [`${p}.conv1.weight`]: 'conv',
    ...normRoles(`${p}.bn1`),
    [`${p}.conv2.weight`]: 'conv',
    ...normRoles(`${p}.bn2`),
    ...(downsample ? { [`${p}.downsample.0.weight`]: 'conv', ...normRoles(`${p}.downsample.1`) } : {}),
  });
  assert.deepEqual(roles(cnn), { 'conv1.weight': 'conv', ...normRoles('bn1'), ...block('stages.0.0', false), ...block('stages.1.0', true), ...linearRoles('head', 'head') });
  // stem 1·4·9 + bn 8; block 4→4: 2·(4·4·9 + 8); block 4→8 stride 2: 8·4·9 + 16 + 8·8·9 + 16 + 8·4 + 16; head 8·3 + 3.
  assert.equal(cnn.numParameters(), 36 + 8 + 2 * (144 + 8) + (288 + 16 + 576 + 16 + 32 + 16) + 27);
  assert.ok(cnn.namedBuffers().some(([n]) => n === 'stages.1.0.downsample.1.running_var'));
  forEachBackend(() => {
    assert.deepEqual(cnn.forward(randomTensor([2, 1, 9, 9], new Rng(1))).shape, [2, 3]);
  });
  assert.throws(() => cnn.forward(randomTensor([2, 3, 9, 9], new Rng(1))), /expected images \[B, 1, H, W\]/);

  // Identity kernels and fresh BN in eval (x·s with s = 1/√(1 + 1e-5)): stem h = s·relu(x);
  // the block gives relu(s²·h + h); pooling then averages, so logits = [m + 0.5, −2m] with m = (1 + s²)·s·mean(relu(x)).
  const tiny = new SmallResNet({ inChannels: 1, stemChannels: 1, stages: [{ channels: 1, blocks: 1 }], classes: 2 }, new Rng(0)).eval();
  for (const conv of [tiny.conv1, tiny.stages.at(0).at(0).conv1, tiny.stages.at(0).at(0).conv2]) conv.weight.data.set([0, 0, 0, 0, 1, 0, 0, 0, 0]);
  tiny.head.weight.data.set([1, -2]);
  tiny.head.bias!.data.set([0.5, 0]);
  const x = tensor([1, -2, 3, 0.5, -1, 2, 4, -3, 0], [1, 1, 3, 3]);
  const s = 1 / Math.sqrt(1 + 1e-5);
  const m = (1 + s * s) * s * ((1 + 3 + 0.5 + 2 + 4) / 9);
  forEachBackend(() => assertClose(tiny.forward(x).data, [m + 0.5, -2 * m], 1e-6, 1e-6, 'CNN logits'));
});

test('ViT: timm names, roles, hand-counted parameters, shapes', () => {
  const vit = new VisionTransformer(VIT_CFG, new Rng(0));
  const block = (p: string): Record<string, string> => ({
    ...normRoles(`${p}.norm1`),
    ...linearRoles(`${p}.attn.q`, 'q'),
    ...linearRoles(`${p}.attn.k`, 'k'),
    ...linearRoles(`${p}.attn.v`, 'v'),
    ...linearRoles(`${p}.attn.proj`, 'proj'),
    ...normRoles(`${p}.norm2`),
    ...linearRoles(`${p}.mlp.fc1`, 'ff'),
    ...linearRoles(`${p}.mlp.fc2`, 'ff'),
  });
  assert.deepEqual(roles(vit), {
    ...linearRoles('patch_embed.proj', 'embed'),
    cls_token: 'other',
    pos_embed: 'embed',
    ...block('blocks.0'),
    ...block('blocks.1'),
    ...normRoles('norm'),
    ...linearRoles('head', 'head'),
  });
  // patch conv 8·3·4·4 + 8, cls 8, pos (4 + 1)·8; per block: 2 norms 32, q/k/v/proj 4·(64 + 8), fc1 8·16 + 16, fc2 16·8 + 8; norm 16; head 8·5 + 5.
  assert.equal(vit.numParameters(), 392 + 8 + 40 + 2 * (32 + 288 + 144 + 136) + 16 + 45);
  assert.deepEqual(vit.pos_embed.shape, [1, 5, 8]);
  assert.deepEqual(vit.cls_token.shape, [1, 1, 8]);
  forEachBackend(() => assert.deepEqual(vit.forward(randomTensor([3, 3, 8, 8], new Rng(1))).shape, [3, 5]));
  assert.throws(() => vit.forward(randomTensor([3, 3, 12, 12], new Rng(1))), /expected images \[B, 3, 8, 8\], got \[3, 3, 12, 12\]/);
});

test('GPT: Hugging Face top-level names, roles, hand-counted parameters, tied or untied head, shapes', () => {
  const gpt = new Gpt(GPT_CFG, new Rng(0));
  const expected = {
    'wte.weight': 'embed',
    'wpe.weight': 'embed',
    ...normRoles('h.0.ln_1'),
    ...linearRoles('h.0.attn.q', 'q'),
    ...linearRoles('h.0.attn.k', 'k'),
    ...linearRoles('h.0.attn.v', 'v'),
    ...linearRoles('h.0.attn.proj', 'proj'),
    ...normRoles('h.0.ln_2'),
    ...linearRoles('h.0.mlp.fc1', 'ff'),
    ...linearRoles('h.0.mlp.fc2', 'ff'),
    ...normRoles('ln_f'),
  };
  assert.deepEqual(roles(gpt), expected);
  // wte 11·8, wpe 6·8; block: 2 norms 32, q/k/v/proj 4·(64 + 8), fc1 8·32 + 32, fc2 32·8 + 8; ln_f 16.
  const tiedCount = 88 + 48 + 32 + 288 + 288 + 264 + 16;
  assert.equal(gpt.numParameters(), tiedCount);
  const untied = new Gpt({ ...GPT_CFG, tieWeights: false }, new Rng(0));
  assert.deepEqual(roles(untied), { ...expected, 'lm_head.weight': 'head' });
  assert.equal(untied.numParameters(), tiedCount + 11 * 8);
  forEachBackend(() => {
    assert.deepEqual(gpt.forward(Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), [2, 4]).shape, [2, 4, 11]);
    assert.deepEqual(untied.forward(Int32Array.from([0, 10, 3]), [1, 3]).shape, [1, 3, 11]);
  });
  assert.throws(() => gpt.forward(new Int32Array(7), [1, 7]), /sequence length 7 must be between 1 and contextLength 6/);
  assert.throws(() => gpt.forward(new Int32Array(6), [2, 2]), /idsShape must be \[B, T\]/);
  assert.throws(() => gpt.forward(Int32Array.from([0, 11]), [1, 2]), /id 11 at position 1 is outside \[0, 11\)/);
});

test('GPT is causal: changing a later token leaves every earlier position\'s logits unchanged', () => {
  const gpt = new Gpt({ ...GPT_CFG, depth: 2 }, new Rng(3));
  forEachBackend(() => {
    const a = Int32Array.from([1, 4, 2, 7, 3, 9, 5, 0, 6, 8, 10, 2]);
    const b = Int32Array.from(a);
    b[3] = 10; // sequence 0, position 3
    b[11] = 5; // sequence 1, position 5
    const ya = gpt.forward(a, [2, 6]);
    const yb = gpt.forward(b, [2, 6]);
    const row = (y: Tensor, s: number, t: number): number[] => Array.from(y.data.subarray((s * 6 + t) * 11, (s * 6 + t + 1) * 11));
    for (let t = 0; t < 3; t++) assert.deepEqual(row(yb, 0, t), row(ya, 0, t), `sequence 0, position ${t}`);
    for (let t = 0; t < 5; t++) assert.deepEqual(row(yb, 1, t), row(ya, 1, t), `sequence 1, position ${t}`);
    for (let t = 3; t < 6; t++) assert.notDeepEqual(row(yb, 0, t), row(ya, 0, t), `sequence 0, position ${t} sees token 3`);
    assert.notDeepEqual(row(yb, 1, 5), row(ya, 1, 5));
  });
});

test("vit: pool 'mean' feeds the head the mean of the normalised patch tokens, not the class token", () => {
  const rng = new Rng(12);
  const vit = new VisionTransformer({ ...VIT_CFG, pool: 'mean' }, rng);
  const x = randomTensor([2, 3, 8, 8], rng);
  // The same forward by hand up to the last block, then the pooling written out on plain arrays.
  const b = 2;
  const cls = add(zeros([b, 1, 8]), vit.cls_token);
  let h = add(concat([cls, vit.patch_embed.forward(x)], 1), vit.pos_embed);
  for (const block of vit.blocks) h = block.forward(h);
  const normed = vit.norm.forward(h).toArray(); // [2, 5, 8]: token 0 is the class token
  const pooled = Array.from({ length: b * 8 }, (_, i) => {
    const [bi, c] = [Math.floor(i / 8), i % 8];
    let total = 0;
    for (let t = 1; t < 5; t++) total += normed[(bi * 5 + t) * 8 + c]!;
    return total / 4;
  });
  assertClose(vit.forward(x).toArray(), vit.head.forward(tensor(pooled, [b, 8])).toArray(), 1e-5, 1e-6);
  assert.throws(() => new VisionTransformer({ ...VIT_CFG, pool: 'max' as 'mean' }, rng), /pool/);
});

test('gradients: finite differences through whole models, and every parameter gets a gradient', () => {
  const vit = new VisionTransformer({ ...VIT_CFG, inChannels: 1, depth: 1 }, new Rng(4));
  gradCheck((x) => vit.forward(x), [randomTensor([2, 1, 8, 8], new Rng(5))]);
  const cnn = new SmallResNet({ ...CNN_CFG, stages: [{ channels: 4, blocks: 1, stride: 2 }] }, new Rng(4));
  gradCheck((x) => cnn.forward(x), [randomTensor([2, 1, 5, 5], new Rng(5))], { eps: 1e-3 }); // training-mode BN; a smaller step stays clear of the ReLU kinks
  const gpt = new Gpt(GPT_CFG, new Rng(4));
  const ids = Int32Array.from([3, 1, 4, 1, 5, 9, 2, 6]);
  // The parameters themselves are the inputs: gradCheck nudges their values in place. They are
  // of order 0.02 and feed a LayerNorm, so the step is smaller than the default.
  gradCheck(() => gpt.forward(ids, [2, 4]), [gpt.wpe.weight, gpt.h.at(0).attn.q.weight], { eps: 1e-3 });

  const models: Array<[Model, () => Tensor]> = [
    [new MlpClassifier(MLP_CFG, new Rng(6)), () => randomTensor([4, 1, 4, 4], new Rng(7))],
    [new SmallResNet(CNN_CFG, new Rng(6)), () => randomTensor([4, 1, 6, 6], new Rng(7))],
    [new VisionTransformer(VIT_CFG, new Rng(6)), () => randomTensor([4, 3, 8, 8], new Rng(7))],
  ];
  for (const [model, input] of models) {
    if (model.task !== 'classify') continue;
    crossEntropy(model.forward(input()), Int32Array.from([0, 1, 2, 1])).backward();
    for (const [name, p] of model.namedParameters()) {
      assert.ok(p.grad !== null && p.grad.data.some((g) => g !== 0) && p.grad.data.every(Number.isFinite), `${model.constructor.name} ${name} has a non-zero finite gradient`);
    }
  }
  const lm = new Gpt({ ...GPT_CFG, tieWeights: true }, new Rng(6));
  const logits = lm.forward(ids, [2, 4]);
  crossEntropy(logits, Int32Array.from([1, 4, 1, 5, 9, 2, 6, 5])).backward();
  for (const [name, p] of lm.namedParameters()) assert.ok(p.grad?.data.some((g) => g !== 0), `GPT ${name} has a gradient`);
});

test('config schemas: defaults in one place, unknown keys and bad values rejected with the key named', () => {
  const vit = ModelConfigSchema.parse({ type: 'vit' });
  assert.equal(vit.type, 'vit');
  assert.deepEqual(
    { dim: vit.dim, depth: vit.depth, heads: vit.heads, patchSize: vit.patchSize, layerNormEps: vit.type === 'vit' ? vit.layerNormEps : 0 },
    { dim: 64, depth: 4, heads: 4, patchSize: 4, layerNormEps: 1e-6 },
  );
  assert.throws(() => parseModelConfig({ type: 'vit', dimm: 32 }), (e: unknown) => e instanceof ConfigError && /model: unknown key 'dimm' \(allowed: type, imageSize, patchSize/.test(e.message));
  assert.throws(() => parseModelConfig({ type: 'gpt', dim: 30, heads: 4 }), (e: unknown) => e instanceof ConfigError && /model\.heads: heads 4 must divide dim 30/.test(e.message));
  assert.throws(() => parseModelConfig({ type: 'cnn', stages: [{ channels: 8, blocks: 0 }] }), (e: unknown) => e instanceof ConfigError && /model\.stages\.0\.blocks/.test(e.message));
  assert.throws(() => parseModelConfig({ type: 'mlp', hidden: 'wide' }, 'recipe.yaml: model'), (e: unknown) => e instanceof ConfigError && /recipe\.yaml: model\.hidden/.test(e.message));
  assert.throws(() => parseModelConfig({ type: 'vit', imageSize: 28, patchSize: 5 }), /model\.patchSize: patchSize 5 must divide imageSize 28/);
  assert.throws(() => parseModelConfig({ type: 'resnet' }), (e: unknown) => e instanceof ConfigError && /model\.type/.test(e.message));
  assert.throws(() => new VisionTransformer({ heads: 3 }, new Rng(0)), (e: unknown) => e instanceof ConfigError && /model\.heads/.test(e.message));
  // Composed into a larger schema (the recipe), issues keep the key path.
  const r = ModelConfigSchema.safeParse({ type: 'gpt', vocab: 10 });
  assert.ok(!r.success && r.error.issues.some((i) => i.code === 'unrecognized_keys' && i.keys.includes('vocab')));
});

test('buildModel: every type, the same seed gives the same weights, dropout follows train/eval', () => {
  for (const config of [{ type: 'mlp' as const }, { type: 'cnn' as const }, { type: 'vit' as const, depth: 1 }, { type: 'gpt' as const, depth: 1 }]) {
    const a = buildModel(config, new Rng(9));
    const b = buildModel(config, new Rng(9));
    assert.equal(a.task, config.type === 'gpt' ? 'lm' : 'classify');
    for (const [key, t] of a.stateDict()) assert.deepEqual(Array.from(b.stateDict().get(key)!.data), Array.from(t.data), `${config.type} ${key}`);
  }
  const model = buildModel({ type: 'vit', imageSize: 8, inChannels: 1, dim: 8, depth: 1, heads: 2, dropout: 0.5, classes: 3 }, new Rng(1));
  if (model.task !== 'classify') throw new Error('a ViT classifies');
  const x = randomTensor([2, 1, 8, 8], new Rng(2));
  const state = model.dropoutRng.getState();
  const y1 = model.forward(x);
  model.dropoutRng.setState(state);
  assert.deepEqual(Array.from(model.forward(x).data), Array.from(y1.data), 'restoring dropoutRng replays the same masks');
  model.eval();
  const e1 = model.forward(x);
  assert.notDeepEqual(Array.from(e1.data), Array.from(y1.data));
  assert.deepEqual(Array.from(model.forward(x).data), Array.from(e1.data), 'eval mode draws nothing');
});
