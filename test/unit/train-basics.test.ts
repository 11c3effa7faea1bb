import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addBatch, classificationMetrics, emptyTotals, languageMetrics } from '../../src/train/metrics.js';
import { RunDir } from '../../src/train/run-dir.js';
import { formatDuration } from '../../src/train/progress.js';

test('accuracy and top-5 count ranks, skipping ignored targets', () => {
  const t = emptyTotals();
  // 3 rows of 6 classes: row 0 target is the max; row 1 target ranks 3rd; row 2 target ranks 6th.
  const logits = Float32Array.from([
    9, 1, 2, 3, 4, 5,
    6, 5, 4, 3, 2, 1,
    0, 1, 2, 3, 4, 5,
  ]);
  addBatch(t, logits, 6, Int32Array.from([0, 2, 0]), 1.5);
  addBatch(t, logits.subarray(0, 6), 6, Int32Array.from([-100]), 99);
  const m = classificationMetrics(t);
  assert.equal(m.accuracy, 1 / 3);
  assert.equal(m.top5, 2 / 3);
  assert.equal(m.loss, 1.5);
});

test('language metrics: bits per character is nats / ln 2', () => {
  const m = languageMetrics(Math.LN2 * 2);
  assert.ok(Math.abs(m.bitsPerChar - 2) < 1e-12);
  assert.ok(Math.abs(m.perplexity - 4) < 1e-12);
});

test('run folder: metrics append, truncate for resume, summary written whole', () => {
  const root = mkdtempSync(join(tmpdir(), 'sk-run-'));
  try {
    const run = RunDir.create(root, 'a');
    run.writeRecipe({ name: 'a', train: { epochs: 2 } });
    run.logMetrics({ step: 1, loss: 2 });
    run.logMetrics({ step: 2, loss: 1 });
    run.logMetrics({ step: 3, loss: 0.5 });
    run.truncateMetrics(2);
    assert.deepEqual(run.readMetrics(), [{ step: 1, loss: 2 }, { step: 2, loss: 1 }]);
    run.writeSummary({ accuracy: 0.9 });
    assert.deepEqual(JSON.parse(readFileSync(run.file('summary.json'), 'utf8')), { accuracy: 0.9 });
    assert.match(readFileSync(run.file('recipe.yaml'), 'utf8'), /epochs: 2/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('durations format as s, m and h', () => {
  assert.equal(formatDuration(5), '5s');
  assert.equal(formatDuration(125), '2m05s');
  assert.equal(formatDuration(3720), '1h02m');
});
