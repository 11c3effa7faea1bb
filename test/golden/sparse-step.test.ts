/**
 * One SGD step of a tiny MLP trained 2:4 with each gradient flow, through
 * applySparsity, against PyTorch (scripts/make-sparse-golden.py wrote the
 * fixture; PyTorch is not needed here).
 * Shapes: B batch, K inputs, H hidden, V classes: x [B, K] -> fc1 [H, K] -> relu -> fc2 [V, H].
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Linear, Module, Rng, SGD, crossEntropy, defineFunction, tensor, Tensor } from '../../src/index.js';
import { applySparsity } from '../../src/sparse/plan/apply-sparsity.js';
import type { SparsityPlanInput } from '../../src/sparse/plan/schema.js';
import { assertClose } from '../helpers/gradcheck.js';
import { forEachBackend } from '../helpers/backends.js';

interface Values {
  shape: number[];
  data: number[];
}

interface Fixture {
  n: number;
  m: number;
  lr: number;
  srsteLambda: number;
  decayCoef: number;
  totalSteps: number;
  totalEpochs: number;
  denseFraction: number;
  step: number;
  inputs: { x: Values; targets: number[] };
  params: Record<string, Values>;
  flows: Record<string, { loss: number; after: Record<string, Values> }>;
}

const fixture = JSON.parse(readFileSync(new URL('sparse-step.json', import.meta.url), 'utf8')) as Fixture;

// Kept local until the shared relu op lands; its rule is the usual one.
const relu = defineFunction({
  name: 'relu',
  forward: (ctx, x: Tensor) => {
    ctx['x'] = x;
    return new Tensor(x.data.map((v) => (v > 0 ? v : 0)), x.shape);
  },
  backward: (ctx, g) => [new Tensor(g.data.map((v, i) => ((ctx['x'] as Tensor).data[i]! > 0 ? v : 0)), g.shape)],
});

class Mlp extends Module {
  readonly fc1: Linear;
  readonly fc2: Linear;
  constructor(params: Record<string, Values>) {
    super();
    const rng = new Rng(0);
    const [h, k] = params['fc1.weight']!.shape as [number, number];
    const v = params['fc2.weight']!.shape[0]!;
    this.fc1 = this.registerModule('fc1', new Linear(k, h, { rng }));
    this.fc2 = this.registerModule('fc2', new Linear(h, v, { rng }));
    this.loadStateDict(Object.fromEntries(Object.entries(params).map(([name, p]) => [name, tensor(Float32Array.from(p.data), p.shape)])));
  }

  forward(x: Tensor): Tensor {
    return this.fc2.forward(relu(this.fc1.forward(x)));
  }
}

const plans: Record<string, SparsityPlanInput> = {
  ste: { n: fixture.n, m: fixture.m, flow: 'ste' },
  srste: { n: fixture.n, m: fixture.m, flow: 'srste', srsteLambda: fixture.srsteLambda },
  'mdgf-linear': { n: fixture.n, m: fixture.m, flow: 'mdgf', decay: 'linear', decayCoef: fixture.decayCoef },
  'mdgf-exp': { n: fixture.n, m: fixture.m, flow: 'mdgf', decay: 'exp', decayCoef: fixture.decayCoef },
  bdwp: { n: fixture.n, m: fixture.m, flow: 'bdwp' },
  'sdgf-stepwise': { n: fixture.n, m: fixture.m, flow: 'ste', structureDecay: 'stepwise' },
};

test('one SGD step with each gradient flow matches PyTorch within 1e-5', () => {
  assert.deepEqual(Object.keys(plans).sort(), Object.keys(fixture.flows).sort());
  forEachBackend(() => {
    for (const [flow, plan] of Object.entries(plans)) {
      const model = new Mlp(fixture.params);
      const ctl = applySparsity(model, { ...plan, locations: ['ff'], denseFraction: fixture.denseFraction }, { totalSteps: fixture.totalSteps, totalEpochs: fixture.totalEpochs });
      ctl.step(fixture.step);
      const opt = new SGD(model, { lr: fixture.lr });
      const x = tensor(Float32Array.from(fixture.inputs.x.data), fixture.inputs.x.shape);
      const loss = crossEntropy(model.forward(x), Int32Array.from(fixture.inputs.targets));
      const want = fixture.flows[flow]!;
      assert.ok(Math.abs(loss.item() - want.loss) < 1e-5, `${flow}: loss ${loss.item()} vs ${want.loss}`);
      loss.backward();
      opt.step();
      for (const [name, p] of model.namedParameters()) assertClose(p.data, want.after[name]!.data, 0, 1e-5, `${flow}: ${name} after one step`);
    }
  });
});
