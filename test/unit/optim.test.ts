import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  Adafactor,
  AdamW,
  ArgumentError,
  LayerNorm,
  Linear,
  MLP,
  Module,
  Rng,
  SGD,
  ShapeError,
  clipGradNorm,
  crossEntropy,
  decayMatricesOnly,
  decodeSafetensors,
  encodeSafetensors,
  lrAt,
  lrSchedule,
  tensor,
  zeros,
  type Optimizer,
  type Tensor,
} from '../../src/index.js';
import { assertClose } from '../helpers/gradcheck.js';

// Shapes: B batch, K features, V classes; R×C matrices for Adafactor's factored moments.

/** A named parameter with a given gradient sequence, for optimizer arithmetic. */
function param(values: number[], shape = [values.length]): Tensor {
  return tensor(values, shape).requireGrad();
}

function runSteps(opt: Optimizer, p: Tensor, grads: number[][]): void {
  for (const g of grads) {
    p.grad = tensor(g, p.shape);
    opt.step();
  }
}

test('SGD by hand: plain, momentum, Nesterov, weight decay', () => {
  const plain = param([1, -2]);
  runSteps(new SGD([['w', plain]], { lr: 0.1 }), plain, [[0.5, 0.25]]);
  assertClose(plain.toArray(), [0.95, -2.025], 1e-7);

  // buf 1 then 0.9 + 1 = 1.9: w = 1 − 0.1 → 0.9 − 0.19
  const mom = param([1]);
  runSteps(new SGD([['w', mom]], { lr: 0.1, momentum: 0.9 }), mom, [[1], [1]]);
  assertClose(mom.toArray(), [0.71], 1e-6);

  // Nesterov steps along g + 0.9·buf: 1.9, then 1 + 0.9·1.9 = 2.71
  const nest = param([1]);
  runSteps(new SGD([['w', nest]], { lr: 0.1, momentum: 0.9, nesterov: true }), nest, [[1], [1]]);
  assertClose(nest.toArray(), [0.539], 1e-6);

  // weight decay adds wd·w to the gradient: 2 − 0.5·(0 + 0.1·2)
  const wd = param([2]);
  runSteps(new SGD([['w', wd]], { lr: 0.5, weightDecay: 0.1 }), wd, [[0]]);
  assertClose(wd.toArray(), [1.9], 1e-7);

  assert.throws(() => new SGD([['w', wd]], { lr: 0.1, nesterov: true }), /SGD: nesterov needs momentum > 0 and dampening 0/);
  assert.throws(() => new SGD([['w', wd]], { lr: -1 }), /SGD: lr -1 must be a finite number ≥ 0/);
});

/** PyTorch's SGD in float64, written from its documented update. */
function sgdReference(w0: number[], grads: number[][], o: { lr: number; momentum: number; dampening: number; nesterov: boolean; wd: number }): number[] {
  let w = [...w0];
  let buf: number[] | null = null;
  for (const g of grads) {
    const d = g.map((gi, i) => gi + o.wd * w[i]!);
    let dir = d;
    if (o.momentum !== 0) {
      const b: number[] = buf === null ? d : buf.map((bi, i) => o.momentum * bi + (1 - o.dampening) * d[i]!);
      buf = b;
      dir = o.nesterov ? d.map((di, i) => di + o.momentum * b[i]!) : b;
    }
    w = w.map((wi, i) => wi - o.lr * dir[i]!);
  }
  return w;
}

test('SGD matches a float64 re-implementation over three steps (momentum, dampening, Nesterov, decay)', () => {
  const rng = new Rng(1);
  const w0 = Array.from({ length: 7 }, () => rng.uniform(-1, 1));
  const grads = Array.from({ length: 3 }, () => Array.from({ length: 7 }, () => rng.uniform(-1, 1)));
  for (const o of [
    { lr: 0.05, momentum: 0.9, dampening: 0.1, nesterov: false, wd: 0.01 },
    { lr: 0.05, momentum: 0.8, dampening: 0, nesterov: true, wd: 0.001 },
  ]) {
    const p = param(w0);
    runSteps(new SGD([['w', p]], { lr: o.lr, momentum: o.momentum, dampening: o.dampening, nesterov: o.nesterov, weightDecay: o.wd }), p, grads);
    assertClose(p.toArray(), sgdReference(w0, grads, o), 1e-6, 1e-7);
  }
});

/** Adam with decoupled decay in float64, in the paper's m̂, v̂ form. */
function adamwReference(w0: number[], grads: number[][], o: { lr: number; b1: number; b2: number; eps: number; wd: number }): number[] {
  const w = [...w0];
  const m = w.map(() => 0);
  const v = w.map(() => 0);
  grads.forEach((g, s) => {
    const t = s + 1;
    for (let i = 0; i < w.length; i++) {
      w[i] = w[i]! - o.lr * o.wd * w[i]!;
      m[i] = o.b1 * m[i]! + (1 - o.b1) * g[i]!;
      v[i] = o.b2 * v[i]! + (1 - o.b2) * g[i]! ** 2;
      const mHat = m[i]! / (1 - o.b1 ** t);
      const vHat = v[i]! / (1 - o.b2 ** t);
      w[i] = w[i]! - (o.lr * mHat) / (Math.sqrt(vHat) + o.eps);
    }
  });
  return w;
}

test('AdamW: first step by hand, then three steps against a float64 re-implementation', () => {
  // Step 1 moves each weight by lr against the sign of its gradient, after shrinking by 1 − lr·wd.
  const p = param([1, -1, 0.5]);
  runSteps(new AdamW([['w', p]], { lr: 0.1, weightDecay: 0.1 }), p, [[0.5, -3, 1e-3]]);
  assertClose(p.toArray(), [0.99 - 0.1, -0.99 + 0.1, 0.495 - 0.1], 1e-5);

  const rng = new Rng(2);
  const w0 = Array.from({ length: 9 }, () => rng.uniform(-1, 1));
  const grads = Array.from({ length: 3 }, () => Array.from({ length: 9 }, () => rng.uniform(-1, 1)));
  const o = { lr: 0.01, b1: 0.8, b2: 0.95, eps: 1e-6, wd: 0.05 };
  const q = param(w0, [3, 3]);
  runSteps(new AdamW([['w', q]], { lr: o.lr, betas: [o.b1, o.b2], eps: o.eps, weightDecay: o.wd }), q, grads);
  assertClose(q.toArray(), adamwReference(w0, grads, o), 1e-5, 1e-7);
});

test('decay filter: decayMatricesOnly leaves vectors undecayed', () => {
  const w = param([1, 1], [1, 2]);
  const b = param([1]);
  const opt = new AdamW([['w', w], ['b', b]], { lr: 0.1, weightDecay: 0.5, decayFilter: decayMatricesOnly });
  w.grad = zeros([1, 2]);
  b.grad = zeros([1]);
  opt.step();
  assertClose(w.toArray(), [0.95, 0.95], 1e-7);
  assert.deepEqual(b.toArray(), [1]);
});

/** Adafactor in float64 from the paper's algorithm (factored for [..., R, C]), with the HF/fairseq step size. */
function adafactorReference(
  w0: number[],
  shape: number[],
  grads: number[][],
  o: { lr?: number; beta1?: number; wd: number; scale: boolean; clip: number; decayRate: number; eps1: number; eps2: number },
): number[] {
  const w = [...w0];
  const n = w.length;
  const factored = shape.length >= 2;
  const c = shape[shape.length - 1]!;
  const r = factored ? shape[shape.length - 2]! : 1;
  const mats = n / (r * c);
  const row = new Array<number>(mats * r).fill(0);
  const col = new Array<number>(mats * c).fill(0);
  const vFull = new Array<number>(n).fill(0);
  const m = new Array<number>(n).fill(0);
  const rmsOf = (a: number[]): number => Math.sqrt(a.reduce((s, x) => s + x * x, 0) / a.length);
  grads.forEach((g, s) => {
    const t = s + 1;
    let rho = o.lr ?? Math.min(1e-2, 1 / Math.sqrt(t));
    if (o.scale) rho *= Math.max(o.eps2, rmsOf(w));
    const b2 = 1 - Math.pow(t, o.decayRate);
    const sq = g.map((x) => x * x + o.eps1);
    const u = new Array<number>(n).fill(0);
    if (factored) {
      for (let l = 0; l < mats; l++) {
        const at = (i: number, j: number): number => l * r * c + i * c + j;
        // the paper's row and column sums: V̂ = R·Cᵀ / Σ R (the same as with means)
        for (let i = 0; i < r; i++) {
          let total = 0;
          for (let j = 0; j < c; j++) total += sq[at(i, j)]!;
          row[l * r + i] = b2 * row[l * r + i]! + (1 - b2) * total;
        }
        for (let j = 0; j < c; j++) {
          let total = 0;
          for (let i = 0; i < r; i++) total += sq[at(i, j)]!;
          col[l * c + j] = b2 * col[l * c + j]! + (1 - b2) * total;
        }
        const rowSum = row.slice(l * r, l * r + r).reduce((a, b) => a + b, 0);
        for (let i = 0; i < r; i++) {
          for (let j = 0; j < c; j++) {
            const vHat = (row[l * r + i]! * col[l * c + j]!) / rowSum;
            u[at(i, j)] = g[at(i, j)]! / Math.sqrt(vHat);
          }
        }
      }
    } else {
      for (let i = 0; i < n; i++) {
        vFull[i] = b2 * vFull[i]! + (1 - b2) * sq[i]!;
        u[i] = g[i]! / Math.sqrt(vFull[i]!);
      }
    }
    const denom = Math.max(1, rmsOf(u) / o.clip);
    for (let i = 0; i < n; i++) {
      let step = (u[i]! / denom) * rho;
      if (o.beta1 !== undefined) {
        m[i] = o.beta1 * m[i]! + (1 - o.beta1) * step;
        step = m[i]!;
      }
      w[i] = w[i]! - o.wd * rho * w[i]! - step;
    }
  });
  return w;
}

test('Adafactor by hand: the first step moves every weight by the step size against its gradient sign', () => {
  // At t = 1, β2 = 0: V = g² (a vector), and R·Cᵀ/mean(R) = g² for a rank-one g (a matrix), so u = sign(g).
  const v = param([3, 4]);
  runSteps(new Adafactor([['v', v]]), v, [[1, -2]]);
  const rho = 1e-2 * Math.sqrt(12.5); // min(1e-2, 1/√1)·RMS(w)
  assertClose(v.toArray(), [3 - rho, 4 + rho], 1e-6);

  const w0 = [1, -1, 2, 0.5, 1, -2];
  const a = [1, -2];
  const b = [0.5, 1, -3];
  const mat = param(w0, [2, 3]);
  runSteps(new Adafactor([['m', mat]], { lr: 0.1, scaleParameter: false }), mat, [a.flatMap((ai) => b.map((bj) => ai * bj))]);
  assertClose(mat.toArray(), w0.map((wi, k) => wi - 0.1 * Math.sign(a[Math.floor(k / 3)]! * b[k % 3]!)), 1e-6, 1e-7);
});

test('Adafactor matches a float64 re-implementation: matrices, a 4-D kernel, vectors, first moment, clipping, decay', () => {
  const rng = new Rng(3);
  const base = { wd: 0, scale: true, clip: 1, decayRate: -0.8, eps1: 1e-30, eps2: 1e-3 };
  const cases: Array<{ shape: number[]; o: Parameters<typeof adafactorReference>[3]; opts: ConstructorParameters<typeof Adafactor>[1] }> = [
    { shape: [4, 5], o: base, opts: {} },
    { shape: [2, 3, 2, 2], o: { ...base, beta1: 0.9, wd: 0.1 }, opts: { beta1: 0.9, weightDecay: 0.1 } },
    { shape: [6], o: { ...base, lr: 0.05, scale: false, clip: 0.5 }, opts: { lr: 0.05, scaleParameter: false, clipThreshold: 0.5 } },
    { shape: [3, 4], o: { ...base, lr: 0.02, decayRate: -0.5 }, opts: { lr: 0.02, decayRate: -0.5 } },
  ];
  for (const { shape, o, opts } of cases) {
    const n = shape.reduce((x, y) => x * y, 1);
    const w0 = Array.from({ length: n }, () => rng.uniform(-1, 1));
    // gradients of uneven scale, so the factored estimate differs from g² and clipping engages
    const grads = Array.from({ length: 3 }, () => Array.from({ length: n }, (_, i) => rng.uniform(-1, 1) * (1 + (i % 3))));
    const p = param(w0, shape);
    runSteps(new Adafactor([['p', p]], opts), p, grads);
    assertClose(p.toArray(), adafactorReference(w0, shape, grads, o), 1e-5, 1e-7, `Adafactor ${JSON.stringify(shape)}`);
  }
  assert.throws(() => new Adafactor([], { lr: 0.1, relativeStep: true }), /Adafactor: give either lr or relativeStep: true/);
  assert.throws(() => new Adafactor([], { relativeStep: false }), /relativeStep false needs an lr/);
});

test('optimizers write parameter data in place and skip parameters without gradients', () => {
  const w = param([1, 2]);
  const idle = param([5]);
  const data = w.data;
  const opt = new AdamW([['w', w], ['idle', idle]], { lr: 0.1 });
  w.grad = tensor([1, 1]);
  opt.step();
  assert.equal(w.data, data);
  assert.deepEqual(idle.toArray(), [5]);
  assert.deepEqual([...opt.stateDict().keys()], ['w.step', 'w.exp_avg', 'w.exp_avg_sq']);
  opt.zeroGrad();
  assert.equal(w.grad, null);
  assert.throws(() => new SGD([['a', w], ['a', idle]], { lr: 1 }), /parameter name 'a' appears twice/);
  assert.throws(() => new SGD([['a', w], ['b', w]], { lr: 1 }), /'b' is a tensor already listed under another name/);
});

class Classifier extends Module {
  readonly fc: Linear;
  readonly norm: LayerNorm;
  readonly head: Linear;

  constructor(seed: number) {
    super();
    const rng = new Rng(seed);
    this.fc = this.registerModule('fc', new Linear(6, 8, { rng }));
    this.norm = this.registerModule('norm', new LayerNorm(8));
    this.head = this.registerModule('head', new Linear(8, 3, { rng, role: 'head' }));
  }

  forward(x: Tensor): Tensor {
    return this.head.forward(this.norm.forward(this.fc.forward(x)));
  }
}

test('optimizer state round trip through safetensors continues bit for bit (SGD, AdamW, Adafactor)', () => {
  const rng = new Rng(4);
  const batches = Array.from({ length: 5 }, () => ({
    x: tensor(Array.from({ length: 4 * 6 }, () => rng.uniform(-1, 1)), [4, 6]),
    y: Int32Array.from({ length: 4 }, () => rng.int(3)),
  }));
  const schedule = lrSchedule({ kind: 'cosine', lr: 0.05, warmupSteps: 2, totalSteps: 5 });
  const makers: Array<[string, (m: Module) => Optimizer]> = [
    ['SGD', (m) => new SGD(m, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 })],
    ['AdamW', (m) => new AdamW(m, { lr: 0.05, decayFilter: decayMatricesOnly })],
    ['Adafactor', (m) => new Adafactor(m, { lr: 0.05, beta1: 0.9 })],
  ];
  const train = (model: Classifier, opt: Optimizer, from: number, to: number): void => {
    for (let s = from; s < to; s++) {
      opt.lr = schedule(s);
      opt.zeroGrad();
      crossEntropy(model.forward(batches[s]!.x), batches[s]!.y).backward();
      opt.step();
    }
  };
  for (const [name, make] of makers) {
    const straight = new Classifier(5);
    const optStraight = make(straight);
    train(straight, optStraight, 0, 5);

    const first = new Classifier(5);
    const optFirst = make(first);
    train(first, optFirst, 0, 3);
    const modelBytes = encodeSafetensors(first.stateDict());
    const optBytes = encodeSafetensors(optFirst.stateDict());

    const resumed = new Classifier(99);
    const optResumed = make(resumed);
    resumed.loadStateDict(decodeSafetensors(modelBytes).tensors);
    optResumed.loadStateDict(decodeSafetensors(optBytes).tensors);
    train(resumed, optResumed, 3, 5);
    for (const [[n, a], [, b]] of straight.namedParameters().map((e, i) => [e, resumed.namedParameters()[i]!] as const)) {
      assert.deepEqual(b.toArray(), a.toArray(), `${name}: ${n} differs after resuming`);
    }
    assert.deepEqual([...optResumed.stateDict()].map(([k, t]) => [k, t.toArray()]), [...optStraight.stateDict()].map(([k, t]) => [k, t.toArray()]));
  }
});

test('optimizer loadStateDict rejects unknown keys, wrong shapes and incomplete state, changing nothing', () => {
  const model = new Classifier(6);
  const opt = new AdamW(model);
  for (const p of model.parameters()) p.grad = zeros(p.shape);
  opt.step();
  const good = opt.stateDict();
  const unknown = new Map(good).set('fc.weight.momentum_buffer', zeros([8, 6]));
  assert.throws(() => opt.loadStateDict(unknown, { source: 'opt.safetensors' }), (e: unknown) => e instanceof ArgumentError && /AdamW\.loadStateDict \(from opt\.safetensors\): keys that match no parameter slot of this optimizer: fc\.weight\.momentum_buffer/.test(e.message));
  const wrong = new Map(good).set('head.bias.exp_avg', zeros([4]));
  assert.throws(() => opt.loadStateDict(wrong), (e: unknown) => e instanceof ShapeError && /'head\.bias\.exp_avg' has shape \[4\], expected \[3\]/.test(e.message));
  const partial = new Map(good);
  partial.delete('norm.weight.exp_avg_sq');
  assert.throws(() => opt.loadStateDict(partial), /the state of 'norm\.weight' is incomplete, missing norm\.weight\.exp_avg_sq/);
  assert.deepEqual([...opt.stateDict().keys()], [...good.keys()]);
});

test('clipGradNorm scales all gradients together above the threshold and reports the norm', () => {
  const a = param([0, 0]);
  const b = param([0]);
  a.grad = tensor([3, 4]);
  b.grad = tensor([12]);
  assert.equal(clipGradNorm([a, b], 20), 13);
  assert.deepEqual([...a.grad.toArray(), ...b.grad.toArray()], [3, 4, 12]);
  assert.equal(clipGradNorm([a, b], 6.5), 13);
  const k = 6.5 / (13 + 1e-6);
  assertClose([...a.grad.toArray(), ...b.grad.toArray()], [3 * k, 4 * k, 12 * k], 1e-6);
  const model = new Classifier(7);
  for (const p of model.parameters()) p.grad = tensor(new Array(p.size).fill(1), p.shape);
  assertClose([clipGradNorm(model, 1)], [Math.sqrt(model.numParameters())], 1e-6);
  b.grad = tensor([NaN]);
  assert.ok(Number.isNaN(clipGradNorm([a, b], 1)));
  assertClose(a.grad.toArray(), [3 * k, 4 * k], 1e-6);
  assert.throws(() => clipGradNorm([a], 0), /clipGradNorm: maxNorm 0 must be positive/);
});

test('learning-rate schedules at chosen steps', () => {
  const constant = lrSchedule({ kind: 'constant', lr: 1, warmupSteps: 4 });
  assert.deepEqual([0, 1, 2, 3, 4, 100].map(constant), [0.25, 0.5, 0.75, 1, 1, 1]);
  const step = lrSchedule({ kind: 'step', lr: 0.1, stepSize: 30 });
  assertClose([0, 29, 30, 59, 60, 65].map(step), [0.1, 0.1, 0.01, 0.01, 0.001, 0.001], 1e-12);
  assertClose([lrAt({ kind: 'step', lr: 1, stepSize: 2, gamma: 0.5, warmupSteps: 2 }, 5)], [0.5], 1e-12);
  const linear = lrSchedule({ kind: 'linear', lr: 1, totalSteps: 12, warmupSteps: 2 });
  assertClose([0, 1, 2, 7, 12, 20].map(linear), [0.5, 1, 1, 0.5, 0, 0], 1e-12);
  assertClose([lrAt({ kind: 'linear', lr: 1, totalSteps: 10, endLr: 0.2 }, 5)], [0.6], 1e-12);
  const cosine = lrSchedule({ kind: 'cosine', lr: 1, totalSteps: 100, endLr: 0.1 });
  assertClose([0, 25, 50, 100, 150].map(cosine), [1, 0.1 + 0.45 * (1 + Math.SQRT1_2), 0.55, 0.1, 0.1], 1e-12);
  const warmCos = lrSchedule({ kind: 'cosine', lr: 2, totalSteps: 14, warmupSteps: 4 });
  assertClose([3, 4, 9, 14].map(warmCos), [2, 2, 1, 0], 1e-12);

  assert.throws(() => lrSchedule({ kind: 'cosine', lr: 1, totalSteps: 5, warmupSteps: 5 }), /lrSchedule \(cosine\): totalSteps 5 must exceed warmupSteps 5/);
  assert.throws(() => lrSchedule({ kind: 'step', lr: 1, stepSize: 0 }), /lrSchedule \(step\): stepSize 0 must be an integer ≥ 1/);
  assert.throws(() => constant(-1), /step -1 must be an integer ≥ 0/);
  assert.throws(() => lrSchedule({ kind: 'poly' } as never), /unknown kind 'poly'/);
});

test('an MLP of our layers trained by SGD follows the PyTorch fixture\'s loss curve', () => {
  type Values = { shape: number[]; data: number[] };
  const fx = JSON.parse(readFileSync(new URL('../golden/mlp.json', import.meta.url), 'utf8')) as {
    inputs: { x: Values; targets: number[] };
    params: Record<string, Values>;
    loss: number;
    sgd: { lr: number; losses: number[] };
  };
  const mlp = new MLP(12, 16, { rng: new Rng(8), outFeatures: 5, activation: 'relu' });
  mlp.loadStateDict(new Map(Object.entries(fx.params).map(([k, v]) => [k, tensor(v.data, v.shape)])));
  const x = tensor(fx.inputs.x.data, fx.inputs.x.shape);
  const targets = Int32Array.from(fx.inputs.targets);
  const opt = new SGD(mlp, { lr: fx.sgd.lr });
  const losses: number[] = [];
  for (let s = 0; s <= fx.sgd.losses.length; s++) {
    opt.zeroGrad();
    const loss = crossEntropy(mlp.forward(x), targets);
    losses.push(loss.item());
    loss.backward();
    opt.step();
  }
  assertClose(losses, [fx.loss, ...fx.sgd.losses], 1e-5, 1e-6, 'losses');
});
