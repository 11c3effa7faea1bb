import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/index.js';
import { phaseAt } from '../../src/sparse/schedules/phases.js';
import { maskDecayFactor } from '../../src/sparse/schedules/decay-factor.js';
import { structureDecayPatterns } from '../../src/sparse/schedules/structure-decay.js';
import { scheduleAt, type SparsitySchedule } from '../../src/sparse/schedules/sparsity-schedule.js';
import { formatNM } from '../../src/sparse/patterns/nm-pattern.js';

// 10 epochs of 10 steps: epoch 0 dense, epochs 1–8 sparse, epoch 9 fine-tune.
const span = { totalSteps: 100, totalEpochs: 10 };
const phases = { denseFraction: 0.1, fineTuneFraction: 0.1 };

function perEpoch(schedule: SparsitySchedule, s = span): string[] {
  const stepsPerEpoch = s.totalSteps / s.totalEpochs;
  return Array.from({ length: s.totalEpochs }, (_, e) => {
    const st = scheduleAt(e * stepsPerEpoch, s, schedule);
    return st.phase === 'dense' ? 'dense' : formatNM(st.pattern);
  });
}

test('phases: dense, sparse and fine-tune boundaries in whole steps', () => {
  assert.equal(phaseAt(9, span, phases).phase, 'dense');
  assert.equal(phaseAt(10, span, phases).phase, 'sparse');
  assert.equal(phaseAt(10, span, phases).sparseStep, 0);
  assert.equal(phaseAt(89, span, phases).phase, 'sparse');
  assert.equal(phaseAt(90, span, phases).phase, 'fine-tune');
  assert.deepEqual(phaseAt(0, span, {}), { phase: 'sparse', sparseStart: 0, sparseSteps: 100, fineTuneStart: 100, sparseStep: 0 });
  assert.equal(phaseAt(0, span, { fineTuneFraction: 1 }).phase, 'fine-tune');
  assert.throws(() => phaseAt(0, span, { denseFraction: 0.6, fineTuneFraction: 0.5 }), (e: Error) => e instanceof ConfigError && /exceed 1/.test(e.message));
  assert.throws(() => phaseAt(0, span, { denseFraction: -0.1 }), /denseFraction: -0.1 must lie in \[0, 1\]/);
  assert.throws(() => phaseAt(0, { totalSteps: 0, totalEpochs: 1 }, {}), /totalSteps must be a whole number >= 1/);
});

test('mask-decay factor β(t): linear max(0, 1 − c·t) and exponential exp(−c·t)', () => {
  const lin = { type: 'linear', coef: 0.01 } as const;
  assert.equal(maskDecayFactor(0, lin), 1);
  assert.equal(maskDecayFactor(50, lin), 0.5);
  assert.equal(maskDecayFactor(100, lin), 0);
  assert.equal(maskDecayFactor(250, lin), 0);
  assert.equal(maskDecayFactor(-5, lin), 1);
  const exp = { type: 'exp', coef: 0.01 } as const;
  assert.equal(maskDecayFactor(0, exp), 1);
  assert.ok(Math.abs(maskDecayFactor(100, exp) - 0.36787944117144233) < 1e-15);
  assert.ok(Math.abs(maskDecayFactor(1000, { type: 'exp', coef: 2e-4 }) - 0.8187307530779818) < 1e-15);
  assert.throws(() => maskDecayFactor(1, { type: 'exp', coef: -1 }), /decayCoef: -1/);
});

test('structure decay stages: stepwise and geometric', () => {
  assert.deepEqual(structureDecayPatterns({ n: 1, m: 8 }, 'stepwise').map(formatNM), ['7:8', '4:8', '2:8', '1:8']);
  assert.deepEqual(structureDecayPatterns({ n: 1, m: 16 }, 'stepwise').map(formatNM), ['15:16', '8:16', '4:16', '2:16', '1:16']);
  assert.deepEqual(structureDecayPatterns({ n: 2, m: 8 }, 'stepwise').map(formatNM), ['7:8', '4:8', '2:8']);
  assert.deepEqual(structureDecayPatterns({ n: 1, m: 8 }, 'geometric').map(formatNM), ['8:64', '4:32', '2:16', '1:8']);
  assert.deepEqual(structureDecayPatterns({ n: 2, m: 4, axis: 'output' }, 'geometric')[0], { n: 16, m: 32, axis: 'output' });
  assert.throws(() => structureDecayPatterns({ n: 3, m: 8 }, 'stepwise'), /power of two/);
});

test('SDGF stepwise 1:8 per epoch: dense, 7:8 ×2, 4:8 ×2, 2:8 ×2, 1:8 ×2, fine-tune 1:8', () => {
  const schedule: SparsitySchedule = { target: { n: 1, m: 8 }, ...phases, structureDecay: { type: 'stepwise' } };
  assert.deepEqual(perEpoch(schedule), ['dense', '7:8', '7:8', '4:8', '4:8', '2:8', '2:8', '1:8', '1:8', '1:8']);
  assert.equal(scheduleAt(95, span, schedule).phase, 'fine-tune');
});

test('SDGF stepwise 1:16 per epoch: five slices of two epochs', () => {
  // 12 epochs of 10 steps: epoch 0 dense, 1–10 sparse (five slices), 11 fine-tune
  const s = { totalSteps: 120, totalEpochs: 12 };
  const schedule: SparsitySchedule = { target: { n: 1, m: 16 }, denseFraction: 1 / 12, fineTuneFraction: 1 / 12, structureDecay: { type: 'stepwise' } };
  assert.deepEqual(perEpoch(schedule, s), ['dense', '15:16', '15:16', '8:16', '8:16', '4:16', '4:16', '2:16', '2:16', '1:16', '1:16', '1:16']);
  // within an epoch the slice changes at its first step: step 29 is still 15:16, step 30 is 8:16
  assert.equal(formatNM(scheduleAt(29, s, schedule).pattern), '15:16');
  assert.equal(formatNM(scheduleAt(30, s, schedule).pattern), '8:16');
});

test('SDGF geometric 1:8 per epoch: 8:64, 4:32, 2:16, 1:8', () => {
  const schedule: SparsitySchedule = { target: { n: 1, m: 8 }, ...phases, structureDecay: { type: 'geometric' } };
  assert.deepEqual(perEpoch(schedule), ['dense', '8:64', '8:64', '4:32', '4:32', '2:16', '2:16', '1:8', '1:8', '1:8']);
});

test('SDGF custom stages start at their epochs; the list must end at the target', () => {
  const schedule: SparsitySchedule = {
    target: { n: 1, m: 4 },
    ...phases,
    structureDecay: { type: 'custom', stages: [{ epoch: 1, n: 3, m: 4 }, { epoch: 4, n: 2, m: 4 }, { epoch: 7, n: 1, m: 4 }] },
  };
  assert.deepEqual(perEpoch(schedule), ['dense', '3:4', '3:4', '3:4', '2:4', '2:4', '2:4', '1:4', '1:4', '1:4']);
  const bad = { ...schedule, structureDecay: { type: 'custom', stages: [{ epoch: 1, n: 2, m: 4 }] } } as const;
  assert.throws(() => scheduleAt(20, span, bad), (e: Error) => e instanceof ConfigError && /last stage 2:4 must equal the target 1:4/.test(e.message));
  const unordered = { ...schedule, structureDecay: { type: 'custom', stages: [{ epoch: 3, n: 2, m: 4 }, { epoch: 2, n: 1, m: 4 }] } } as const;
  assert.throws(() => scheduleAt(20, span, unordered), /epochs must increase \(3 then 2\)/);
});

test('mdgf schedule: β = 1 while dense, β(t) from the start of the sparse phase, 0 in fine-tune', () => {
  const schedule: SparsitySchedule = { target: { n: 1, m: 8 }, ...phases, maskDecay: { type: 'linear', coef: 0.02 } };
  assert.equal(scheduleAt(5, span, schedule).beta, 1);
  assert.equal(scheduleAt(10, span, schedule).beta, 1);
  assert.equal(scheduleAt(35, span, schedule).beta, 0.5);
  assert.equal(scheduleAt(80, span, schedule).beta, 0);
  assert.equal(scheduleAt(95, span, schedule).beta, 0);
  assert.equal(scheduleAt(40, span, { target: { n: 1, m: 8 }, ...phases }).beta, 0);
});

test('mask recompute: every interval steps of the sparse phase and when the pattern changes; once at fine-tune entry', () => {
  const schedule: SparsitySchedule = { target: { n: 1, m: 8 }, ...phases, maskInterval: 3, structureDecay: { type: 'stepwise' } };
  const due = Array.from({ length: 100 }, (_, s) => scheduleAt(s, span, schedule).recomputeMask);
  const steps = due.flatMap((d, s) => (d ? [s] : []));
  // sparse steps 10..89: t = 0, 3, 6, ... plus slice starts 30, 50, 70; fine-tune entry 90
  const expected = new Set<number>();
  for (let t = 0; t < 80; t += 3) expected.add(10 + t);
  for (const s of [30, 50, 70, 90]) expected.add(s);
  assert.deepEqual(steps, [...expected].sort((a, b) => a - b));
  assert.throws(() => scheduleAt(0, span, { ...schedule, maskInterval: 0 }), /maskInterval: 0/);
});
