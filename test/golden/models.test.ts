/**
 * timm-named ViT and Hugging Face-named GPT-2 weights made by
 * scripts/make-model-fixtures.py load through our importers and give
 * PyTorch's logits; exporting gives back the file's tensors exactly.
 * Shapes: B batch, T tokens, K classes, V vocabulary.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  FormatError,
  Gpt,
  Rng,
  ShapeError,
  VisionTransformer,
  fromHfGpt2,
  loadHfGpt2,
  loadSafetensors,
  loadTimmVit,
  tensor,
  toHfGpt2,
  toTimmVit,
  type GptConfigInput,
  type Tensor,
  type VitConfigInput,
} from '../../src/index.js';
import { forEachBackend } from '../helpers/backends.js';
import { assertClose } from '../helpers/gradcheck.js';

interface Values {
  shape: number[];
  data: number[];
}

const RTOL = 1e-4;
const ATOL = 1e-6;

function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, import.meta.url), 'utf8')) as T;
}

function weights(name: string): { path: string; tensors: Map<string, Tensor> } {
  const path = fileURLToPath(new URL(name, import.meta.url));
  return { path, tensors: loadSafetensors(path).tensors };
}

function assertSameTensors(actual: Map<string, Tensor>, expected: Map<string, Tensor>, what: string): void {
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort(), `${what}: key sets differ`);
  for (const [key, t] of expected) {
    const a = actual.get(key)!;
    assert.deepEqual(a.shape, t.shape, `${what}: ${key} shape`);
    assert.deepEqual(Array.from(a.data), Array.from(t.data), `${what}: ${key} values`);
  }
}

test('golden: timm ViT weights load and reproduce PyTorch logits; export gives the file back', () => {
  const fx = fixture<{ config: VitConfigInput; x: Values; logits: Values }>('models-vit.json');
  const { path, tensors } = weights('models-vit.safetensors');
  const model = new VisionTransformer(fx.config, new Rng(1));
  loadTimmVit(model, tensors, { source: path });
  model.eval();
  forEachBackend((backend) => {
    const logits = model.forward(tensor(Float32Array.from(fx.x.data), fx.x.shape));
    assert.deepEqual(logits.shape, fx.logits.shape);
    assertClose(logits.data, fx.logits.data, RTOL, ATOL, `ViT logits (${backend})`);
  });
  assertSameTensors(toTimmVit(model), tensors, 'ViT export');
  const again = new VisionTransformer(fx.config, new Rng(2));
  loadTimmVit(again, toTimmVit(model));
  assertSameTensors(again.stateDict(), model.stateDict(), 'ViT export -> import');
});

test('golden: Hugging Face GPT-2 (GPT2Model names, tied head, mask buffers) reproduces PyTorch logits', () => {
  const fx = fixture<{ config: GptConfigInput; ids: Values; logits: Values }>('models-gpt2.json');
  const { path, tensors } = weights('models-gpt2.safetensors');
  const model = new Gpt(fx.config, new Rng(1));
  loadHfGpt2(model, tensors, { source: path });
  model.eval();
  forEachBackend((backend) => {
    const logits = model.forward(Int32Array.from(fx.ids.data), fx.ids.shape);
    assert.deepEqual(logits.shape, fx.logits.shape);
    assertClose(logits.data, fx.logits.data, RTOL, ATOL, `GPT-2 logits (${backend})`);
  });
  const withoutMasks = new Map([...tensors].filter(([k]) => !/\.attn\.bias$/.test(k)));
  assertSameTensors(toHfGpt2(model), withoutMasks, 'GPT-2 export');
  const again = new Gpt(fx.config, new Rng(2));
  loadHfGpt2(again, toHfGpt2(model, { prefix: 'transformer.', tiedHead: true }));
  assertSameTensors(again.stateDict(), model.stateDict(), 'GPT-2 export -> import');
});

test('golden: Hugging Face GPT-2 (GPT2LMHeadModel names, untied head) reproduces PyTorch logits', () => {
  const fx = fixture<{ config: GptConfigInput; ids: Values; logits: Values }>('models-gpt2-untied.json');
  const { path, tensors } = weights('models-gpt2-untied.safetensors');
  const model = new Gpt(fx.config, new Rng(1));
  loadHfGpt2(model, tensors, { source: path });
  model.eval();
  forEachBackend((backend) => {
    const logits = model.forward(Int32Array.from(fx.ids.data), fx.ids.shape);
    assertClose(logits.data, fx.logits.data, RTOL, ATOL, `GPT-2 untied logits (${backend})`);
  });
  assertSameTensors(toHfGpt2(model, { prefix: 'transformer.' }), tensors, 'GPT-2 untied export');
});

test('golden: importers name the key that is missing, mis-shaped or inconsistent', () => {
  const vit = weights('models-vit.safetensors');
  const vitCfg = fixture<{ config: VitConfigInput }>('models-vit.json').config;
  const noQkv = new Map(vit.tensors);
  noQkv.delete('blocks.1.attn.qkv.bias');
  assert.throws(() => loadTimmVit(new VisionTransformer(vitCfg, new Rng(0)), noQkv, { source: vit.path }),
    (e: unknown) => e instanceof FormatError && /missing keys blocks\.1\.attn\.qkv\.bias/.test(e.message) && e.message.includes(vit.path));
  assert.throws(() => loadTimmVit(new VisionTransformer({ ...vitCfg, dim: 32, heads: 2 }, new Rng(0)), vit.tensors),
    (e: unknown) => e instanceof ShapeError && /pos_embed is \[1, 5, 16\], expected \[1, 5, 32\]/.test(e.message) && /dim 32/.test(e.message));
  assert.throws(() => loadTimmVit(new VisionTransformer({ ...vitCfg, depth: 1 }, new Rng(0)), vit.tensors),
    (e: unknown) => e instanceof FormatError && /unexpected keys blocks\.1\./.test(e.message));

  const gpt = weights('models-gpt2-untied.safetensors');
  const gptCfg = fixture<{ config: GptConfigInput }>('models-gpt2-untied.json').config;
  assert.throws(() => fromHfGpt2(gpt.tensors, new Gpt({ ...gptCfg, tieWeights: true }, new Rng(0))),
    (e: unknown) => e instanceof FormatError && /lm_head\.weight differs from wte\.weight/.test(e.message) && /tieWeights: false/.test(e.message));
  const tied = weights('models-gpt2.safetensors');
  assert.throws(() => fromHfGpt2(tied.tensors, new Gpt({ ...gptCfg, tieWeights: false }, new Rng(0)), { source: tied.path }),
    (e: unknown) => e instanceof FormatError && /missing keys lm_head\.weight/.test(e.message));
  assert.throws(() => fromHfGpt2(tied.tensors, new Gpt({ ...gptCfg, tieWeights: true, mlpRatio: 2 }, new Rng(0))),
    (e: unknown) => e instanceof ShapeError && /h\.0\.mlp\.c_fc\.weight is \[16, 64\], expected \[16, 32\]/.test(e.message));
});
