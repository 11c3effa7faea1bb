/**
 * ViT training throughput: samples per second of full training steps
 * (forward, cross-entropy, backward, AdamW update) on random images, for a
 * given ViT config, batch and thread count. Prints one JSON line;
 * bench/peers/vit-throughput-torch.py prints the same line for PyTorch.
 *
 *   npx tsx bench/vit-throughput.ts --threads 1 --batch 128
 *   npx tsx bench/vit-throughput.ts --dim 128 --depth 6 --heads 4 --threads 2
 *
 * Shapes: images [B, C, H, W] -> logits [B, K].
 */
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    batch: { type: 'string', default: '128' },
    threads: { type: 'string' },
    'image-size': { type: 'string', default: '28' },
    'patch-size': { type: 'string', default: '4' },
    channels: { type: 'string', default: '1' },
    classes: { type: 'string', default: '10' },
    dim: { type: 'string', default: '64' },
    depth: { type: 'string', default: '4' },
    heads: { type: 'string', default: '4' },
    'mlp-ratio': { type: 'string', default: '4' },
    warmup: { type: 'string', default: '2' },
    steps: { type: 'string', default: '10' },
  },
});

function int(name: keyof typeof args): number {
  const raw = args[name];
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`vit-throughput: --${name} ${String(raw)} must be a positive integer`);
    process.exit(2);
  }
  return n;
}

// The native pool reads SPARSEKIT_THREADS when the addon loads, so set it before importing the library.
if (args.threads !== undefined) process.env.SPARSEKIT_THREADS = String(int('threads'));
const { AdamW, Rng, Tensor, VisionTransformer, crossEntropy, getBackend, withStepBuffers } = await import('../src/index.js');
const { loadNative } = await import('../src/kernels/native/binding.js');

const batch = int('batch');
const mlpRatio = Number(args['mlp-ratio']);
const config = {
  imageSize: int('image-size'),
  patchSize: int('patch-size'),
  inChannels: int('channels'),
  classes: int('classes'),
  dim: int('dim'),
  depth: int('depth'),
  heads: int('heads'),
  mlpRatio,
};
const rng = new Rng(0);
const model = new VisionTransformer(config, rng);
const opt = new AdamW(model, { lr: 1e-3 });
const pixels = Float32Array.from({ length: batch * config.inChannels * config.imageSize ** 2 }, () => rng.normal());
const images = new Tensor(pixels, [batch, config.inChannels, config.imageSize, config.imageSize]);
const labels = Int32Array.from({ length: batch }, () => rng.int(config.classes));

let lastLoss = 0;
// As the trainer runs a step: its buffers recycled for the next (tensor/buffer-pool.ts).
const step = (): void =>
  withStepBuffers(() => {
    opt.zeroGrad();
    const loss = crossEntropy(model.forward(images), labels);
    loss.backward();
    opt.step();
    lastLoss = loss.item();
  });

for (let i = 0; i < int('warmup'); i++) step();
const steps = int('steps');
const t0 = performance.now();
const cpu0 = process.cpuUsage();
for (let i = 0; i < steps; i++) step();
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);

const backend = getBackend();
console.log(
  JSON.stringify({
    bench: 'vit-throughput',
    backend: backend === 'native' ? 'sparsekit-native' : 'sparsekit-reference',
    threads: backend === 'native' ? (loadNative()?.getThreads() ?? 1) : 1,
    batch,
    ...config,
    params: model.numParameters(),
    steps,
    msPerStep: Number(((seconds * 1000) / steps).toFixed(2)),
    // CPU time of all threads: on a shared machine with one thread, a steadier figure than wall time.
    cpuMsPerStep: Number(((cpu.user + cpu.system) / 1000 / steps).toFixed(2)),
    samplesPerSec: Number(((steps * batch) / seconds).toFixed(1)),
    loss: Number(lastLoss.toFixed(4)),
  }),
);
