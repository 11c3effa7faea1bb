/**
 * Training-step throughput of a recipe's model: full steps (forward,
 * cross-entropy, backward, gradient clipping, optimizer update, and for a
 * sparse recipe the controller step and sparse FLOP tracking, as the Trainer
 * runs them) on random images. Prints one JSON line per recipe:
 * {model, batch, threads, ms_per_step, images_per_s, backend, ...}.
 *
 *   npx tsx bench/train-step.ts examples/fmnist-cnn.yaml examples/fmnist-vit.yaml --threads 2
 *   npx tsx bench/train-step.ts examples/fmnist-vit-1x8.yaml --at 0.5 --steps 10
 *
 * --at places the sparse steps at that fraction of the run (0.5: mid sparse phase).
 * --unpooled allocates every buffer afresh, as before tensor/buffer-pool.ts (for comparison).
 * Shapes: images [B, C, H, W] -> logits [B, K].
 */
import { parseArgs } from 'node:util';
import type { ImageClassifier } from '../src/models/model.js';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    batch: { type: 'string' },
    threads: { type: 'string' },
    warmup: { type: 'string', default: '2' },
    steps: { type: 'string', default: '10' },
    at: { type: 'string', default: '0.5' },
    unpooled: { type: 'boolean', default: false },
  },
});

function num(name: keyof typeof args, integer = true): number | undefined {
  const raw = args[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!(n >= 0) || (integer && !Number.isInteger(n))) {
    console.error(`train-step: --${name} ${String(raw)} must be a ${integer ? 'whole number' : 'number'} >= 0`);
    process.exit(2);
  }
  return n;
}

if (positionals.length === 0) {
  console.error('train-step: give one or more recipe files, e.g. examples/fmnist-cnn.yaml');
  process.exit(2);
}
// The native pool reads SPARSEKIT_THREADS when the addon loads, so set it before importing the library.
if (args.threads !== undefined) process.env.SPARSEKIT_THREADS = String(num('threads'));
const { Rng, Tensor, withStepBuffers, buildModel, crossEntropy, getBackend, clipGradNorm, applySparsity, loadRecipe, buildOptimizer, SparseFlopTracker } = await import('../src/index.js');
const { loadNative } = await import('../src/kernels/native/binding.js');

for (const path of positionals) {
  const recipe = loadRecipe(path);
  const batch = num('batch') ?? recipe.train.batchSize;
  const rng = new Rng(0);
  const model = buildModel(recipe.model, rng) as ImageClassifier;
  const opt = buildOptimizer(model, recipe.optim);
  const perEpoch = Math.ceil(60_000 / batch);
  const totalEpochs = recipe.train.epochs ?? 1;
  const totalSteps = perEpoch * totalEpochs;
  const sparsity = recipe.sparsity === undefined ? null : applySparsity(model, recipe.sparsity, { totalSteps, totalEpochs });
  const tracker = sparsity === null ? null : new SparseFlopTracker(model, sparsity);
  const cfg = recipe.model as { inChannels?: number; imageSize?: number; inputShape?: number[] };
  const [c, h, w] = cfg.inputShape ?? [cfg.inChannels ?? 1, cfg.imageSize ?? 28, cfg.imageSize ?? 28];
  const pixels = Float32Array.from({ length: batch * c! * h! * w! }, () => rng.normal());
  const images = new Tensor(pixels, [batch, c!, h!, w!]);
  const labels = Int32Array.from({ length: batch }, () => rng.int(10));
  let stepIndex = Math.floor((num('at', false) ?? 0.5) * totalSteps);

  let lastLoss = 0;
  const update = (): void => {
    if (tracker !== null) tracker.counting = true;
    const loss = crossEntropy(model.forward(images), labels);
    opt.zeroGrad();
    loss.backward();
    if (recipe.train.clipGradNorm > 0) clipGradNorm(model, recipe.train.clipGradNorm);
    if (tracker !== null) tracker.counting = false;
    opt.step();
    lastLoss = loss.item();
  };
  const step = (): void => {
    sparsity?.step(stepIndex++);
    if (args.unpooled) update();
    else withStepBuffers(update);
  };
  for (let i = 0; i < num('warmup')!; i++) step();
  const steps = Math.max(1, num('steps')!);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < steps; i++) step();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const backend = getBackend();
  console.log(
    JSON.stringify({
      bench: 'train-step',
      recipe: path,
      model: recipe.model.type,
      sparse: recipe.sparsity === undefined ? 'dense' : `${recipe.sparsity.n}:${recipe.sparsity.m}`,
      batch,
      threads: backend === 'native' ? (loadNative()?.getThreads() ?? 1) : 1,
      backend,
      steps,
      ms_per_step: Number(((seconds * 1000) / steps).toFixed(2)),
      // CPU time of all threads: steadier than wall time on a shared machine.
      cpu_ms_per_step: Number(((cpu.user + cpu.system) / 1000 / steps).toFixed(2)),
      images_per_s: Number(((steps * batch) / seconds).toFixed(1)),
      loss: Number(lastLoss.toFixed(4)),
      pooled: !args.unpooled,
    }),
  );
  tracker?.dispose();
}
