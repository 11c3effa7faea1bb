import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, matmul, sum } from '../../src/index.js';
import { flopCount, flopsSince } from '../../src/util/flop-counter.js';
import { randomTensor } from '../helpers/gradcheck.js';

test('FLOP counter: a matmul costs 2MNK forward and twice that backward (both input gradients)', () => {
  const rng = new Rng(0);
  const a = randomTensor([2, 3], rng).requireGrad();
  const b = randomTensor([3, 4], rng).requireGrad();
  const start = flopCount();
  const y = matmul(a, b);
  assert.deepEqual(flopsSince(start), { forward: 48, backward: 0 });
  sum(y).backward();
  assert.deepEqual(flopsSince(start), { forward: 48, backward: 96 });
});

test('FLOP counter: only the gradients needed are computed and counted', () => {
  const rng = new Rng(1);
  const x = randomTensor([5, 4], rng); // input: no gradient
  const w = randomTensor([4, 2], rng).requireGrad();
  const start = flopCount();
  sum(matmul(x, w)).backward();
  assert.deepEqual(flopsSince(start), { forward: 80, backward: 80 });
});
