// timePair (src/cli/commands/bench-spmm.ts), the timer behind `bench spmm`
// and `bench model`: calls alternate in blocks, and each side's best call counts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { timePair } from '../../src/cli/commands/bench-spmm.js';

function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // wait
  }
}

test('timePair: alternates blocks of calls, at least five rounds', () => {
  const order: string[] = [];
  timePair(() => order.push('a'), () => order.push('b'), 0, 3);
  assert.equal(order.length, 30);
  assert.equal(order.join(''), 'aaabbb'.repeat(5));
  order.length = 0;
  timePair(() => order.push('a'), () => order.push('b'), 0, 1);
  assert.equal(order.join(''), 'ab'.repeat(5));
});

test('timePair: each side counts its best call, and runs until minTimeMs have passed', () => {
  let calls = 0;
  // Only the first call of `a` is slow: the best of a block is the steady state, not the first call.
  const [a, b] = timePair(() => spin(calls++ === 0 ? 30 : 0), () => spin(2), 50);
  assert.ok(a < 1, `best a ${a} ms should skip the slow first call`);
  assert.ok(b >= 2, `best b ${b} ms cannot beat its 2 ms spin`);
  assert.ok(calls >= 5 * 3, `${calls} calls of a`);
  // 50 ms at ≥ 6 ms of spinning per round: at most a handful of rounds past the minimum.
  assert.ok(calls <= 3 * 12, `${calls} calls of a overran the time budget`);
});
