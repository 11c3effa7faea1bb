/**
 * Whole forward and backward passes checked against PyTorch fixtures made by
 * scripts/make-golden.py (PyTorch is not needed to run this).
 * Shapes: B batch, T tokens, C channels, H heads, D = C/H, V classes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  add,
  crossEntropy,
  gelu,
  layerNorm,
  linear,
  relu,
  reshape,
  scaledDotProductAttention,
  tensor,
  transpose,
  type Tensor,
} from '../../src/index.js';
import { assertClose } from '../helpers/gradcheck.js';
import { forEachBackend } from '../helpers/backends.js';

interface Values {
  shape: number[];
  data: number[];
}

interface Fixture {
  heads?: number;
  inputs: { x: Values; targets: number[] };
  params: Record<string, Values>;
  logits: Values;
  loss: number;
  grads: Record<string, Values>;
  sgd?: { lr: number; losses: number[] };
}

const RTOL = 1e-4;
const ATOL = 1e-6;

function load(name: string): Fixture {
  return JSON.parse(readFileSync(new URL(name, import.meta.url), 'utf8')) as Fixture;
}

function leaf(v: Values): Tensor {
  return tensor(Float32Array.from(v.data), v.shape).requireGrad();
}

function mlpLogits(p: Record<string, Tensor>, x: Tensor): Tensor {
  const h = relu(linear(x, p['fc1.weight']!, p['fc1.bias']!));
  return linear(h, p['fc2.weight']!, p['fc2.bias']!);
}

function blockLogits(p: Record<string, Tensor>, x: Tensor, nHeads: number): Tensor {
  const [b, t, c] = x.shape as [number, number, number];
  const d = c / nHeads;
  const heads = (z: Tensor): Tensor => transpose(reshape(z, [b, t, nHeads, d]), 1, 2); // [B, H, T, D]
  const a = layerNorm(x, p['ln1.weight']!, p['ln1.bias']!);
  const q = heads(linear(a, p['attn.q.weight']!, p['attn.q.bias']!));
  const k = heads(linear(a, p['attn.k.weight']!, p['attn.k.bias']!));
  const v = heads(linear(a, p['attn.v.weight']!, p['attn.v.bias']!));
  const y = reshape(transpose(scaledDotProductAttention(q, k, v, { causal: true }), 1, 2), [b, t, c]);
  const x1 = add(x, linear(y, p['attn.proj.weight']!, p['attn.proj.bias']!));
  const m = layerNorm(x1, p['ln2.weight']!, p['ln2.bias']!);
  const x2 = add(x1, linear(gelu(linear(m, p['mlp.fc1.weight']!, p['mlp.fc1.bias']!)), p['mlp.fc2.weight']!, p['mlp.fc2.bias']!));
  return linear(x2, p['head.weight']!, p['head.bias']!);
}

function checkPass(fx: Fixture, logitsOf: (p: Record<string, Tensor>, x: Tensor) => Tensor): void {
  const params = Object.fromEntries(Object.entries(fx.params).map(([n, v]) => [n, leaf(v)]));
  const x = leaf(fx.inputs.x);
  const logits = logitsOf(params, x);
  assert.deepEqual(logits.shape, fx.logits.shape);
  assertClose(logits.data, fx.logits.data, RTOL, ATOL, 'logits');
  const loss = crossEntropy(logits, Int32Array.from(fx.inputs.targets));
  assertClose([loss.item()], [fx.loss], RTOL, ATOL, 'loss');
  loss.backward();
  assert.deepEqual(Object.keys(fx.grads).sort(), [...Object.keys(params), 'x'].sort());
  for (const [name, t] of [...Object.entries(params), ['x', x] as const]) {
    assertClose(t.grad!.data, fx.grads[name]!.data, RTOL, ATOL, `gradient of ${name}`);
  }
}

test('golden: two-layer MLP matches PyTorch (logits, loss, every gradient, three SGD steps)', () => {
  forEachBackend(() => {
    const fx = load('mlp.json');
    checkPass(fx, mlpLogits);
    const params = Object.fromEntries(Object.entries(fx.params).map(([n, v]) => [n, leaf(v)]));
    const x = tensor(Float32Array.from(fx.inputs.x.data), fx.inputs.x.shape);
    const targets = Int32Array.from(fx.inputs.targets);
    crossEntropy(mlpLogits(params, x), targets).backward();
    const { lr, losses } = fx.sgd!;
    losses.forEach((expected, step) => {
      for (const p of Object.values(params)) {
        for (let i = 0; i < p.size; i++) p.data[i]! -= lr * p.grad!.data[i]!;
        p.grad = null;
      }
      const loss = crossEntropy(mlpLogits(params, x), targets);
      assertClose([loss.item()], [expected], RTOL, ATOL, `loss after SGD step ${step + 1}`);
      loss.backward();
    });
  });
});

test('golden: pre-norm transformer block with causal multi-head attention matches PyTorch', () => {
  forEachBackend(() => {
    const fx = load('transformer-block.json');
    checkPass(fx, (p, x) => blockLogits(p, x, fx.heads!));
  });
});
