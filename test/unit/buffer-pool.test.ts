// The step buffer pool (src/tensor/buffer-pool.ts): what it hands out, when it
// recycles, and that training with it gives bit-identical weights to training
// without it (with the NaN check on, so a buffer used after its step shows).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocOverwritten, allocZeroed, copyFloats, setBufferPoolCheck, withStepBuffers } from '../../src/tensor/buffer-pool.js';
import { AdamW, Rng, Tensor, applySparsity, buildModel, clipGradNorm, crossEntropy } from '../../src/index.js';
import type { ImageClassifier } from '../../src/models/model.js';
import { alignedFloats } from '../../src/kernels/aligned-floats.js';
import { loadNative } from '../../src/kernels/native/binding.js';

const BIG = 5000; // above the pooling threshold
const SMALL = 100; // below it

test('withStepBuffers: a step reuses the last step\'s buffers of the same length, zeroed where asked', () => {
  setBufferPoolCheck(false);
  try {
    let first: Float32Array[] = [];
    withStepBuffers(() => {
      first = [allocZeroed(BIG), allocOverwritten(BIG), allocZeroed(BIG + 1)];
      for (const b of first) b.fill(7);
    });
    withStepBuffers(() => {
      const again = allocZeroed(BIG);
      assert.ok(first.slice(0, 2).includes(again), 'a buffer of the same length comes back');
      assert.ok(again.every((v) => v === 0), 'allocZeroed clears a reused buffer');
      const other = allocOverwritten(BIG);
      assert.ok(first.slice(0, 2).includes(other) && other !== again);
      assert.ok(!first.includes(allocOverwritten(BIG)), 'a third of that length is new');
      assert.equal(allocZeroed(BIG + 1), first[2]);
    });
    // A step that did not use a length drops it: the next step gets fresh memory.
    withStepBuffers(() => undefined);
    withStepBuffers(() => assert.ok(!first.includes(allocZeroed(BIG))));
  } finally {
    setBufferPoolCheck(true);
  }
});

test('withStepBuffers: small buffers and buffers outside a step are never recycled', () => {
  let small: Float32Array | null = null;
  let outside: Float32Array | null = null;
  withStepBuffers(() => {
    small = allocZeroed(SMALL);
  });
  outside = allocZeroed(BIG);
  withStepBuffers(() => {
    assert.notEqual(allocZeroed(SMALL), small);
    assert.notEqual(allocZeroed(BIG), outside);
  });
  assert.ok(small!.every((v) => v === 0) && outside.every((v) => v === 0), 'untouched by the check');
});

test('withStepBuffers: with the check on, a buffer read after its step is NaN, also when the step throws', () => {
  setBufferPoolCheck(true);
  let kept: Float32Array = new Float32Array(0);
  assert.throws(
    () =>
      withStepBuffers(() => {
        kept = copyFloats(new Float32Array(BIG).fill(3));
        assert.equal(kept[BIG - 1], 3);
        throw new Error('boom');
      }),
    /boom/,
  );
  assert.ok(Number.isNaN(kept[0]!) && Number.isNaN(kept[BIG - 1]!));
  // allocOverwritten gives NaN until written, so an element a kernel forgets shows.
  withStepBuffers(() => assert.ok(allocOverwritten(BIG).every((v) => Number.isNaN(v))));
});

test('withStepBuffers: a step inside a step joins it, its buffers live until the outer step ends', () => {
  setBufferPoolCheck(true);
  withStepBuffers(() => {
    const inner = withStepBuffers(() => allocZeroed(BIG));
    assert.equal(inner[0], 0, 'not released by the inner step');
  });
});

// Same seeds, steps with and without the pool: every weight must match exactly.
function trainWeights(config: Parameters<typeof buildModel>[0], pooled: boolean, sparse: boolean): Float32Array[] {
  const rng = new Rng(5);
  const model = buildModel(config, rng) as ImageClassifier;
  const opt = new AdamW(model, { lr: 1e-2 });
  const controller = sparse ? applySparsity(model, { n: 1, m: 4, flow: 'srste', locations: ['ff'] }, { totalSteps: 4, totalEpochs: 1 }) : null;
  const x = new Tensor(Float32Array.from({ length: 6 * 28 * 28 }, () => rng.normal()), [6, 1, 28, 28]);
  const y = Int32Array.from({ length: 6 }, (_, i) => i % 10);
  for (let s = 0; s < 4; s++) {
    controller?.step(s);
    const update = (): void => {
      const loss = crossEntropy(model.forward(x), y);
      opt.zeroGrad();
      loss.backward();
      clipGradNorm(model, 1);
      opt.step();
    };
    if (pooled) withStepBuffers(update);
    else update();
  }
  return model.parameters().map((p) => p.data.slice());
}

test('training steps with pooled buffers give the same weights as without (ViT, CNN, sparse MLP)', () => {
  setBufferPoolCheck(true);
  const cases: Array<[string, Parameters<typeof buildModel>[0], boolean]> = [
    ['vit', { type: 'vit', patchSize: 7, dim: 32, depth: 2, heads: 2 }, false],
    ['cnn', { type: 'cnn', stages: [{ channels: 8, blocks: 1 }, { channels: 16, blocks: 1 }] }, false],
    ['mlp 1:4 srste', { type: 'mlp', hidden: [128] }, true],
  ];
  for (const [what, config, sparse] of cases) {
    const want = trainWeights(config, false, sparse);
    const got = trainWeights(config, true, sparse);
    assert.equal(got.length, want.length);
    got.forEach((g, i) => assert.deepEqual(g, want[i], `${what}: parameter ${i}`));
    assert.ok(got.every((g) => g.every(Number.isFinite)), `${what}: finite`);
  }
});

test('buffers from the pooling size on start on a 64-byte line (with the addon), inside a step and out', () => {
  const native = loadNative();
  const bufs = [allocZeroed(BIG), allocOverwritten(BIG + 3), withStepBuffers(() => allocZeroed(BIG)), alignedFloats(17)];
  assert.deepEqual(bufs.map((b) => b.length), [BIG, BIG + 3, BIG, 17]);
  assert.ok(bufs[0]!.every((v) => v === 0) && bufs[3]!.every((v) => v === 0));
  if (native !== null) for (const b of bufs) assert.equal(native.addressMod64(b), 0);
  // Small buffers stay plain heap arrays.
  assert.equal(allocZeroed(SMALL).byteOffset, 0);
});
