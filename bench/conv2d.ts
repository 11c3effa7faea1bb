/**
 * Convolution training cost per layer of a CNN recipe: forward + input
 * gradient + weight gradient, the fused conv2d kernels ("fused") against the
 * path conv2d took before them ("batch-im2col": im2col of the whole batch,
 * batched GEMM, col2im, one weight-gradient GEMM per image), on 2 then
 * 1 threads, in one run. The first layer computes no input gradient (its
 * input is the images), as in training. Prints one JSON line per layer,
 * path and thread count, then a total line per path and thread count:
 *   {"bench":"conv2d","layer":"stages.0.0.conv1","x":[128,16,28,28],"w":[16,16,3,3],"stride":1,"padding":1,
 *    "path":"fused","threads":2,"ms":3.1,"gflops":110.2,"speedup":4.1}
 * ms is the best of --reps runs (the machine is shared: the best run is the
 * least disturbed); speedup is batch-im2col ms over fused ms, same threads.
 *
 *   node --import tsx bench/conv2d.ts [examples/fmnist-cnn.yaml] [--batch 128] [--reps 5]
 *
 * Letters: B images, C input channels, O output channels, K = C·kh·kw, L = OH·OW.
 */
import { parseArgs } from 'node:util';
import { col2im, conv2dBackwardInput, conv2dBackwardWeight, conv2dForward, gemm, im2col } from '../src/kernels/index.js';
import { loadNative } from '../src/kernels/native/binding.js';
import { Conv2d, Rng, Tensor, buildModel, loadRecipe, noGrad } from '../src/index.js';
import type { ImageClassifier } from '../src/models/model.js';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { batch: { type: 'string' }, reps: { type: 'string', default: '5' } },
});

const binding = loadNative();
if (binding === null) {
  console.error('conv2d bench: the native addon is not built; run `npm run build:native`');
  process.exit(2);
}

type Sizes = [number, number, number, number, number, number, number, number, number, number, number, number, number];

interface Layer {
  readonly name: string;
  readonly sizes: Sizes; // b, c, h, w, o, kh, kw, sh, sw, ph, pw, oh, ow
  readonly inputGrad: boolean;
}

// The recipe's conv layers with the input shapes one forward pass gives them.
function layersOf(path: string, batchArg: number | undefined): Layer[] {
  const recipe = loadRecipe(path);
  const batch = batchArg ?? recipe.train.batchSize;
  const model = buildModel(recipe.model, new Rng(0)) as ImageClassifier;
  const cfg = recipe.model as { inChannels?: number; imageSize?: number };
  const side = cfg.imageSize ?? 28;
  const layers: Layer[] = [];
  for (const [name, mod] of model.namedModules()) {
    if (!(mod instanceof Conv2d) || mod.groups !== 1) continue;
    const forward = mod.forward.bind(mod);
    mod.forward = (x: Tensor): Tensor => {
      const y = forward(x);
      const [b, c, h, w] = x.shape as [number, number, number, number];
      const [, o, oh, ow] = y.shape as [number, number, number, number];
      const sizes: Sizes = [b, c, h, w, o, ...mod.kernelSize, ...mod.stride, ...mod.padding, oh, ow];
      layers.push({ name, sizes, inputGrad: layers.length > 0 });
      return y;
    };
  }
  noGrad(() => model.forward(new Tensor(new Float32Array(batch * (cfg.inChannels ?? 1) * side * side), [batch, cfg.inChannels ?? 1, side, side])));
  return layers;
}

// What conv2d did for one group before the fused kernels, allocations included.
function batchIm2col(l: Layer, x: Float32Array, w: Float32Array, dy: Float32Array): void {
  const [b, c, h, wd, o, kh, kw, sh, sw, ph, pw, oh, ow] = l.sizes;
  const k = c * kh * kw;
  const n = oh * ow;
  const col = new Float32Array(b * k * n);
  im2col(b, c, h, wd, kh, kw, sh, sw, ph, pw, oh, ow, x, col);
  const y = new Float32Array(b * o * n);
  gemm(b, false, false, o, n, k, 1, w, 0, k, col, k * n, n, 0, y, o * n, n);
  if (l.inputGrad) {
    const dcol = new Float32Array(col.length);
    gemm(b, true, false, k, n, o, 1, w, 0, k, dy, o * n, n, 0, dcol, k * n, n);
    col2im(b, c, h, wd, kh, kw, sh, sw, ph, pw, oh, ow, dcol, new Float32Array(x.length));
  }
  const dw = new Float32Array(w.length);
  for (let i = 0; i < b; i++) gemm(1, false, true, o, k, n, 1, dy.subarray(i * o * n), 0, n, col.subarray(i * k * n), 0, n, i === 0 ? 0 : 1, dw, 0, k);
}

function fused(l: Layer, x: Float32Array, w: Float32Array, dy: Float32Array): void {
  conv2dForward(...l.sizes, x, w, new Float32Array(0), new Float32Array(dy.length));
  if (l.inputGrad) conv2dBackwardInput(...l.sizes, dy, w, new Float32Array(x.length));
  conv2dBackwardWeight(...l.sizes, x, dy, new Float32Array(w.length));
}

function bestMs(fn: () => void, reps: number): number {
  fn();
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

const round = (v: number, digits: number): number => Number(v.toFixed(digits));
const layers = layersOf(positionals[0] ?? 'examples/fmnist-cnn.yaml', args.batch === undefined ? undefined : Number(args.batch));
const reps = Number(args.reps);
const rng = new Rng(1);
const data = layers.map((l) => {
  const [b, c, h, w, o, kh, kw, , , , , oh, ow] = l.sizes;
  const fill = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
  return { x: fill(b * c * h * w), w: fill(o * c * kh * kw), dy: fill(b * o * oh * ow) };
});
const paths = { 'batch-im2col': batchIm2col, fused } as const;

// The pool only shrinks within a process (native/kernels/thread-pool.cc), so 2 threads come first.
for (const threads of [2, 1]) {
  binding.setThreads(threads);
  const totals: Record<string, number> = { 'batch-im2col': 0, fused: 0 };
  let flops = 0;
  layers.forEach((l, i) => {
    const [b, c, h, w, o, kh, kw, sh, , ph, , oh, ow] = l.sizes;
    const layerFlops = 2 * b * o * c * kh * kw * oh * ow * (l.inputGrad ? 3 : 2);
    flops += layerFlops;
    const ms: Record<string, number> = {};
    for (const [path, run] of Object.entries(paths)) {
      ms[path] = bestMs(() => run(l, data[i]!.x, data[i]!.w, data[i]!.dy), reps);
      totals[path]! += ms[path]!;
    }
    for (const path of Object.keys(paths)) {
      console.log(
        JSON.stringify({
          bench: 'conv2d', layer: l.name, x: [b, c, h, w], w: [o, c, kh, kw], stride: sh, padding: ph, path, threads,
          ms: round(ms[path]!, 3), gflops: round(layerFlops / ms[path]! / 1e6, 1), speedup: round(ms['batch-im2col']! / ms.fused!, 2),
        }),
      );
    }
  });
  for (const path of Object.keys(paths)) {
    console.log(
      JSON.stringify({
        bench: 'conv2d', layer: 'total', path, threads, isa: binding.isa(), ms: round(totals[path]!, 2),
        gflops: round(flops / totals[path]! / 1e6, 1), speedup: round(totals['batch-im2col']! / totals.fused!, 2),
      }),
    );
  }
}
