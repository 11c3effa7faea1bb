import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelProfileTable, recordKernelTime } from '../../src/kernels/kernel-profile.js';

test('kernel profile: calls and milliseconds add up per kernel, largest first, with shares', () => {
  recordKernelTime('gemm', 30);
  recordKernelTime('unary', 10);
  recordKernelTime('gemm', 50);
  const lines = kernelProfileTable().split('\n').map((l) => l.trim().split(/\s+/));
  assert.deepEqual(lines[0], ['kernel', 'calls', 'ms', 'share']);
  // gemm 80 ms of 90 = 88.9%, unary 10 ms = 11.1%
  assert.deepEqual(lines[1], ['gemm', '2', '80.0', '88.9%']);
  assert.deepEqual(lines[2], ['unary', '1', '10.0', '11.1%']);
});
