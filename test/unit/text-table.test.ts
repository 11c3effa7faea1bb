import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignColumns } from '../../src/util/text-table.js';

test('alignColumns pads to the widest cell, left or numbers-right, without trailing spaces', () => {
  const rows = [['name', 'n'], ['a', '1234'], ['longer', '5']];
  assert.equal(alignColumns(rows), 'name    n\na       1234\nlonger  5');
  assert.equal(alignColumns(rows, 'numbers'), 'name       n\na       1234\nlonger     5');
});
