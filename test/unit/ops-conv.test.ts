import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, avgPool2d, conv2d, maxPool2d, sum, tensor, type Tensor } from '../../src/index.js';
import { assertClose, gradCheck, randomTensor } from '../helpers/gradcheck.js';
import { forEachBackend } from '../helpers/backends.js';

// Direct convolution by its definition, an oracle independent of im2col and GEMM.
function directConv(x: Tensor, w: Tensor, b: Tensor | null, [sh, sw]: number[], [ph, pw]: number[], groups: number): number[] {
  const [n, c, h, wd] = x.shape as number[] as [number, number, number, number];
  const [o, cg, kh, kw] = w.shape as number[] as [number, number, number, number];
  const oh = Math.floor((h + 2 * ph - kh) / sh) + 1;
  const ow = Math.floor((wd + 2 * pw - kw) / sw) + 1;
  const out: number[] = [];
  for (let bi = 0; bi < n; bi++) {
    for (let oc = 0; oc < o; oc++) {
      const g = Math.floor(oc / (o / groups));
      for (let y = 0; y < oh; y++) {
        for (let z = 0; z < ow; z++) {
          let acc = b === null ? 0 : b.data[oc]!;
          for (let ci = 0; ci < cg; ci++) {
            for (let i = 0; i < kh; i++) {
              for (let j = 0; j < kw; j++) {
                const iy = y * sh - ph + i;
                const ix = z * sw - pw + j;
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                acc += x.data[((bi * c + g * cg + ci) * h + iy) * wd + ix]! * w.data[((oc * cg + ci) * kh + i) * kw + j]!;
              }
            }
          }
          out.push(acc);
        }
      }
    }
  }
  return out;
}

const image3x3 = (): Tensor => tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);

test('conv2d: tiny images by hand (diagonal kernel, stride and padding, channels, groups)', () => {
  forEachBackend(() => {
    // out[i, j] = x[i, j] + x[i + 1, j + 1]
    assert.deepEqual(conv2d(image3x3(), tensor([1, 0, 0, 1], [1, 1, 2, 2])).toArray(), [6, 8, 12, 14]);
    // 3×3 ones, padding 1, stride 2: sums of the four 2×2 corners, plus bias 1
    const y = conv2d(image3x3(), tensor(new Float32Array(9).fill(1), [1, 1, 3, 3]), tensor([1]), { stride: 2, padding: 1 });
    assert.deepEqual(y.shape, [1, 1, 2, 2]);
    assert.deepEqual(y.toArray(), [13, 17, 25, 29]);
    // two channels mixed by a 1×1 kernel [1, 10]
    const x2 = tensor([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]);
    assert.deepEqual(conv2d(x2, tensor([1, 10], [1, 2, 1, 1])).toArray(), [51, 62, 73, 84]);
    // groups 2: each channel scaled on its own
    assert.deepEqual(conv2d(x2, tensor([2, 3], [2, 1, 1, 1]), null, { groups: 2 }).toArray(), [2, 4, 6, 8, 15, 18, 21, 24]);
  });
});

test('conv2d: matches a direct convolution on odd shapes, stride and padding pairs, groups', () => {
  forEachBackend(() => {
    const rng = new Rng(20);
    const cases = [
      { x: [2, 4, 7, 5], w: [6, 2, 3, 2], stride: [2, 1], padding: [1, 0], groups: 2 },
      { x: [1, 3, 7, 7], w: [5, 3, 3, 3], stride: [1, 1], padding: [1, 1], groups: 1 },
      { x: [3, 1, 1, 1], w: [1, 1, 1, 1], stride: [1, 1], padding: [0, 0], groups: 1 },
      { x: [1, 6, 5, 4], w: [3, 2, 2, 3], stride: [3, 2], padding: [1, 1], groups: 3 },
    ];
    for (const cs of cases) {
      const x = randomTensor(cs.x, rng);
      const w = randomTensor(cs.w, rng);
      const b = randomTensor([cs.w[0]!], rng);
      const opts = { stride: cs.stride as [number, number], padding: cs.padding as [number, number], groups: cs.groups };
      assertClose(conv2d(x, w, b, opts).toArray(), directConv(x, w, b, cs.stride, cs.padding, cs.groups), 1e-5, 1e-5, `conv ${JSON.stringify(cs)}`);
    }
  });
});

test('conv2d: finite-difference gradients for input, weight and bias', () => {
  forEachBackend(() => {
    const rng = new Rng(21);
    gradCheck((x, w, b) => conv2d(x!, w!, b!, { stride: 2, padding: 1, groups: 2 }), [randomTensor([2, 4, 5, 4], rng), randomTensor([4, 2, 3, 2], rng), randomTensor([4], rng)]);
    gradCheck((x, w) => conv2d(x!, w!, null, { stride: [1, 2], padding: [0, 1] }), [randomTensor([1, 2, 4, 5], rng), randomTensor([3, 2, 2, 2], rng)]);
    // one group: stride 1 with padding 1 and a 1×1 (padded planes natively), stride 2 (im2col natively)
    gradCheck((x, w, b) => conv2d(x!, w!, b!, { padding: 1 }), [randomTensor([2, 3, 5, 4], rng), randomTensor([4, 3, 3, 3], rng), randomTensor([4], rng)]);
    gradCheck((x, w) => conv2d(x!, w!), [randomTensor([2, 3, 3, 2], rng), randomTensor([5, 3, 1, 1], rng)]);
    gradCheck((x, w, b) => conv2d(x!, w!, b!, { stride: 2, padding: 1 }), [randomTensor([3, 2, 5, 5], rng), randomTensor([3, 2, 3, 3], rng), randomTensor([3], rng)]);
  });
});

test('conv2d: clear errors for shapes, groups and windows', () => {
  const rng = new Rng(22);
  const x = randomTensor([1, 4, 5, 5], rng);
  assert.throws(() => conv2d(randomTensor([4, 5, 5], rng), randomTensor([2, 4, 3, 3], rng)), /conv2d: input must be \[B, C, H, W\], got \[4, 5, 5\]/);
  assert.throws(() => conv2d(x, randomTensor([2, 3, 3, 3], rng)), /conv2d: weight \[2, 3, 3, 3\] expects 3 input channels with groups 1, input \[1, 4, 5, 5\] has 4/);
  assert.throws(() => conv2d(x, randomTensor([3, 2, 3, 3], rng), null, { groups: 2 }), /conv2d: groups 2 must be a positive integer dividing both the input channels \(4\) and the output channels \(3\)/);
  assert.throws(() => conv2d(x, randomTensor([2, 4, 7, 7], rng)), /conv2d: a 7×7 window with padding \[0, 0\] does not fit input \[1, 4, 5, 5\]/);
  assert.throws(() => conv2d(x, randomTensor([2, 4, 3, 3], rng), null, { stride: 0 }), /conv2d: stride 0 must be an integer ≥ 1/);
  assert.throws(() => conv2d(x, randomTensor([2, 4, 3, 3], rng), randomTensor([3], rng)), /conv2d: bias \[3\] must be \[2\]/);
});

test('maxPool2d: windows by hand, ties go to the first maximum, padding counts as −∞', () => {
  forEachBackend(() => {
    const x = tensor([[1, 5, 2, 0], [3, 4, 8, 1], [0, 0, 1, 2], [9, 1, 3, 3]]);
    const xi = tensor(x.data, [1, 1, 4, 4]).requireGrad();
    const y = maxPool2d(xi, { kernel: 2 });
    assert.deepEqual(y.shape, [1, 1, 2, 2]);
    assert.deepEqual(y.toArray(), [5, 8, 9, 3]);
    sum(y).backward();
    assert.deepEqual(xi.grad!.toArray(), [0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0]);
    const small = tensor([-1, -2, -3, -4], [1, 1, 2, 2]);
    assert.deepEqual(maxPool2d(small, { kernel: 2, stride: 1, padding: 1 }).toArray(), [-1, -1, -2, -1, -1, -2, -3, -3, -4]);
  });
});

test('avgPool2d: windows by hand with count_include_pad on (PyTorch default) and off', () => {
  forEachBackend(() => {
    const x = tensor([1, 2, 3, 4], [1, 1, 2, 2]);
    const inc = avgPool2d(x, { kernel: 2, stride: 1, padding: 1 });
    assert.deepEqual(inc.shape, [1, 1, 3, 3]);
    assertClose(inc.toArray(), [0.25, 0.75, 0.5, 1, 2.5, 1.5, 0.75, 1.75, 1]);
    const exc = avgPool2d(x, { kernel: 2, stride: 1, padding: 1, countIncludePad: false });
    assertClose(exc.toArray(), [1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4]);
    assertClose(avgPool2d(tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 1, 4, 4]), { kernel: 2 }).toArray(), [3.5, 5.5, 11.5, 13.5]);
  });
});

test('pools: finite-difference gradients and clear errors', () => {
  forEachBackend(() => {
    const rng = new Rng(23);
    // well-separated values, so a ±eps nudge never changes which element is the maximum
    const perm = rng.permutation(2 * 3 * 5 * 4);
    const distinct = tensor(Float32Array.from(perm, (p) => p * 0.1 - 6), [2, 3, 5, 4]);
    gradCheck((t) => maxPool2d(t!, { kernel: [3, 2], stride: [2, 1], padding: [1, 1] }), [distinct]);
    gradCheck((t) => avgPool2d(t!, { kernel: 3, stride: 2, padding: 1 }), [randomTensor([2, 2, 5, 4], rng)]);
    gradCheck((t) => avgPool2d(t!, { kernel: [2, 3], stride: 1, padding: [1, 1], countIncludePad: false }), [randomTensor([1, 2, 3, 4], rng)]);
    const x = randomTensor([1, 1, 4, 4], rng);
    assert.throws(() => maxPool2d(x, { kernel: 2, padding: 2 }), /maxPool2d: padding \[2, 2\] must be at most half the kernel \[2, 2\]/);
    assert.throws(() => avgPool2d(x, { kernel: 5 }), /avgPool2d: a 5×5 window with padding \[0, 0\] does not fit input \[1, 1, 4, 4\]/);
    assert.throws(() => maxPool2d(randomTensor([4, 4], rng), { kernel: 2 }), /maxPool2d: input must be \[B, C, H, W\], got \[4, 4\]/);
    assert.throws(() => avgPool2d(x, { kernel: [2, 1.5] }), /avgPool2d: kernel \[2,1.5\] must be an integer ≥ 1/);
  });
});
