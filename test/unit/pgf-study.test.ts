// The gradient-flow study's sweep definitions and result aggregation (examples/pgf/).
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { aggregate, meanStd, resultsTable, type RunOutcome } from '../../examples/pgf/aggregate.js';
import { decayCoefs, expandSweep, geometricStages, sparseSteps, studySweep, VIT_FLOWS, type RunSpec } from '../../examples/pgf/sweep.js';
import { maskDecayFactor } from '../../src/sparse/schedules/decay-factor.js';
import { phaseAt } from '../../src/sparse/schedules/phases.js';
import type { EvalMetrics } from '../../src/train/evaluate.js';
import { parseRecipe } from '../../src/train/recipe-schema.js';
import { setupTraining } from '../../src/train/run-setup.js';

const runs = expandSweep(studySweep());

test('the sweep holds 36 ViT and 10 GPT configurations, each over seeds 0, 1, 2', () => {
  assert.equal(runs.length, (36 + 10) * 3);
  const configs = new Map<string, number[]>();
  for (const r of runs) configs.set(r.config, [...(configs.get(r.config) ?? []), r.seed]);
  assert.equal(configs.size, 46);
  for (const [config, seeds] of configs) assert.deepEqual(seeds, [0, 1, 2], config);
  assert.equal(new Set(runs.map((r) => r.id)).size, runs.length, 'run ids are unique');
  // Seed-major: every configuration of seed 0 comes before any run of seed 1.
  assert.equal(runs.slice(0, 46).every((r) => r.seed === 0), true);
});

test('ViT: dense plus every pattern × flow on ff, q, k and v', () => {
  const vit = runs.filter((r) => r.model === 'vit' && r.seed === 0);
  assert.equal(vit.filter((r) => r.flow === 'dense').length, 1);
  assert.equal(vit.find((r) => r.flow === 'dense')!.recipe.sparsity, undefined);
  for (const pattern of ['2:4', '1:4', '1:8', '1:16', '1:32']) {
    const at = vit.filter((r) => r.pattern === pattern);
    assert.deepEqual(at.map((r) => r.flow).sort(), [...VIT_FLOWS].sort(), pattern);
    const [n, m] = pattern.split(':').map(Number);
    for (const r of at) {
      assert.equal(r.recipe.sparsity!.n, n);
      assert.equal(r.recipe.sparsity!.m, m);
      assert.deepEqual(r.recipe.sparsity!.locations, ['ff', 'q', 'k', 'v']);
    }
  }
  // Equal epochs for every ViT run.
  assert.deepEqual([...new Set(vit.map((r) => r.recipe.train!.epochs))], [2]);
});

test('GPT: dense plus ff at 1:8, 1:16, 1:32 with srste, mdgf-exp and sdgf-geometric', () => {
  const gpt = runs.filter((r) => r.model === 'gpt' && r.seed === 1);
  assert.deepEqual(gpt.map((r) => `${r.pattern} ${r.flow}`).sort(), [
    '1:16 mdgf-exp', '1:16 sdgf-geometric', '1:16 srste', '1:32 mdgf-exp', '1:32 sdgf-geometric', '1:32 srste',
    '1:8 mdgf-exp', '1:8 sdgf-geometric', '1:8 srste', 'dense dense',
  ]);
  for (const r of gpt.filter((x) => x.flow !== 'dense')) assert.deepEqual(r.recipe.sparsity!.locations, ['ff']);
});

test('flows map to the plan: srste, mdgf decays, structure decay on ste, bdwp', () => {
  const plan = (id: string): NonNullable<RunSpec['recipe']['sparsity']> => runs.find((r) => r.id === id)!.recipe.sparsity!;
  assert.equal(plan('vit-1of8-srste-s0').flow, 'srste');
  assert.equal(plan('vit-1of8-bdwp-s0').flow, 'bdwp');
  assert.equal(plan('vit-1of8-ste-s0').structureDecay, undefined);
  assert.deepEqual([plan('vit-1of8-mdgf-linear-s0').flow, plan('vit-1of8-mdgf-linear-s0').decay], ['mdgf', 'linear']);
  assert.deepEqual([plan('vit-1of8-mdgf-exp-s0').flow, plan('vit-1of8-mdgf-exp-s0').decay], ['mdgf', 'exp']);
  assert.deepEqual([plan('vit-1of8-sdgf-stepwise-s0').flow, plan('vit-1of8-sdgf-stepwise-s0').structureDecay], ['ste', 'stepwise']);
  // 8:64 divides the ViT's input widths 64 and 128: the plain geometric schedule.
  assert.equal(plan('vit-1of8-sdgf-geometric-s0').structureDecay, 'geometric');
  // Every recipe of the sweep passes the recipe schema.
  for (const r of runs) parseRecipe(r.recipe, r.id);
});

test('the sweep counts steps per epoch as the data loaders do (stage epochs and decay rates depend on it)', () => {
  for (const ms of studySweep().models) {
    const spec = runs.find((r) => r.model === ms.model && r.flow === 'dense')!;
    const setup = setupTraining(parseRecipe(spec.recipe, spec.id));
    assert.equal(setup.batchesPerEpoch, ms.stepsPerEpoch, ms.model);
    assert.equal(setup.totalSteps, ms.totalSteps, ms.model);
  }
});

test('decay coefficients bring β to 0 (linear) and e^-5 (exp) three quarters into the sparse phase', () => {
  // ViT: 188 steps, 10% dense (19 steps), 10% fine-tune (from step 169): 150 sparse steps.
  assert.equal(sparseSteps(188, 0.1, 0.1), 150);
  const span = { totalSteps: 188, totalEpochs: 2 };
  assert.equal(phaseAt(0, span, { denseFraction: 0.1, fineTuneFraction: 0.1 }).sparseSteps, 150);
  const c = decayCoefs(150);
  assert.ok(Math.abs(maskDecayFactor(112.5, { type: 'linear', coef: c.linear })) < 1e-12);
  assert.ok(maskDecayFactor(112, { type: 'linear', coef: c.linear }) > 0);
  assert.ok(Math.abs(maskDecayFactor(112.5, { type: 'exp', coef: c.exp }) - Math.exp(-5)) < 1e-12);
  const vit = runs.find((r) => r.id === 'vit-1of4-mdgf-exp-s2')!;
  assert.equal(vit.recipe.sparsity!.decayCoef, 5 / 112.5);
});

test('geometric stages fall back to the largest group dividing the widths', () => {
  assert.equal(geometricStages({ n: 1, m: 8 }, [64, 128], 0.2, 1.6), null);
  // 1:16 at widths 64/128: 8:128 does not fit, 4:64 does; slices start at 0.2, 0.6, 1.0, 1.4.
  const rounded = (st: ReturnType<typeof geometricStages>): unknown => st?.map((x) => ({ ...x, epoch: Math.round(x.epoch * 1e9) / 1e9 }));
  assert.deepEqual(rounded(geometricStages({ n: 1, m: 16 }, [64, 128], 0.2, 1.6)), [
    { epoch: 0, n: 4, m: 64 },
    { epoch: 1.0, n: 2, m: 32 },
    { epoch: 1.4, n: 1, m: 16 },
  ]);
  // 1:32: only 2:64 fits before the target.
  assert.deepEqual(rounded(geometricStages({ n: 1, m: 32 }, [64, 256], 0, 2)), [
    { epoch: 0, n: 2, m: 64 },
    { epoch: 1.5, n: 1, m: 32 },
  ]);
});

function outcome(model: 'vit' | 'gpt', pattern: string, flow: RunSpec['flow'], seed: number, value: number, flops: number, status: 'completed' | 'diverged' = 'completed'): RunOutcome {
  const spec: RunSpec = { id: `${model}-${pattern}-${flow}-s${seed}`, config: `${model} ${pattern} ${flow}`, model, pattern, flow, seed, recipe: { model: { type: model } } };
  const final: EvalMetrics = model === 'vit' ? { loss: 1, accuracy: value, count: 1000 } : { loss: 1, accuracy: 0, bitsPerChar: value, count: 1000 };
  return {
    spec,
    summary: {
      status, final, wallTimeSec: 1, backend: 'native',
      trainingFlops: { forward: flops, backward: 2 * flops, total: 3 * flops },
      ...(flow === 'dense' ? {} : { sparseTrainingFlops: { forward: flops / 2, backward: flops, total: 1.5 * flops } }),
    },
  };
}

test('meanStd: sample standard deviation by hand', () => {
  // 2, 4, 9: mean 5, squared deviations 9 + 1 + 16 = 26, /2 = 13.
  const r = meanStd([2, 4, 9]);
  assert.equal(r.mean, 5);
  assert.ok(Math.abs(r.std - Math.sqrt(13)) < 1e-12);
  assert.deepEqual(meanStd([0.7]), { mean: 0.7, std: 0 });
});

test('aggregate: one row per configuration, mean ± std over completed seeds, sparse-aware FLOPs', () => {
  const rows = aggregate([
    outcome('vit', '1:8', 'srste', 0, 0.7, 100),
    outcome('vit', '1:8', 'srste', 1, 0.8, 100),
    outcome('vit', '1:8', 'srste', 2, 0.9, 100),
    outcome('vit', '1:8', 'mdgf-exp', 0, 0.8, 200),
    outcome('vit', '1:8', 'mdgf-exp', 1, 0.9, 400),
    outcome('vit', '1:8', 'mdgf-exp', 2, 0.1, 400, 'diverged'),
    outcome('gpt', 'dense', 'dense', 0, 2.0, 10),
    outcome('gpt', 'dense', 'dense', 1, 3.0, 10),
  ]);
  assert.deepEqual(rows.map((r) => r.config), ['vit 1:8 srste', 'vit 1:8 mdgf-exp', 'gpt dense dense']);
  const [srste, mdgf, dense] = rows as [typeof rows[0], typeof rows[0], typeof rows[0]];
  assert.ok(Math.abs(srste.mean - 0.8) < 1e-12);
  assert.ok(Math.abs(srste.std - 0.1) < 1e-12); // deviations ±0.1, 0: sqrt(0.02 / 2)
  assert.deepEqual(mdgf.seeds, [0, 1]); // the diverged seed is left out
  assert.ok(Math.abs(mdgf.std - Math.sqrt(0.005)) < 1e-12); // (0.05² · 2) / 1
  assert.equal(mdgf.trainingFlops, 1.5 * 300); // sparse-aware, mean of 200 and 400
  assert.equal(mdgf.executedFlops, 3 * 300);
  assert.equal(dense.metric, 'bitsPerChar');
  assert.equal(dense.mean, 2.5);
  assert.equal(dense.trainingFlops, 30); // dense: the executed FLOPs
  const table = resultsTable(rows.filter((r) => r.model === 'vit'));
  assert.match(table, /\| 1:8 \| srste \| 80\.00 ± 10\.00 \| 3 \|  \|/);
  assert.match(table, /\| 1:8 \| mdgf-exp \| 85\.00 ± 7\.07 \| 2 \| \+5\.00 \|/);
});
