/**
 * `sparsekit bench model`: whole models, dense against compressed, timed in
 * the same run with the same threads (calls alternate, the best of each
 * counts).
 *   inference   ViT and GPT with their feed-forward and q/k/v weights at an
 *               N:M pattern (default 1:8), and a ResNet with its convolutions
 *               at that pattern along input channels (the 3-channel stem stays
 *               dense), compressed by compress() (which keeps a layer dense
 *               where dense measured faster)
 *   train-step  an MLP with unstructured sparsity (default 90% and 99%): the
 *               masked dense step (weights through a straight-through mask)
 *               against the truly sparse step (CSR values trained directly)
 * Shapes: ViT and CNN images [B, C, S, S]; GPT ids [B, T]; MLP x [B, D].
 */
import { Command, InvalidArgumentError } from 'commander';
import { loadNative, nativeLoadError, rebuildHint } from '../../kernels/native/binding.js';
import { SmallResNet } from '../../models/cnn.js';
import { Gpt } from '../../models/gpt.js';
import { VisionTransformer } from '../../models/vit.js';
import { Conv2d } from '../../nn/conv2d.js';
import { Linear } from '../../nn/linear.js';
import { MLP } from '../../nn/mlp.js';
import type { Module } from '../../nn/module.js';
import { mul } from '../../ops/mul.js';
import { sum } from '../../ops/sum.js';
import { SGD } from '../../optim/sgd.js';
import { compress, denseParametersOf, sparseParameters } from '../../sparse/compress.js';
import { steWeight } from '../../sparse/flow/ste.js';
import { nmMask } from '../../sparse/masks/nm-mask.js';
import { noGrad } from '../../tensor/grad-mode.js';
import { withStepBuffers } from '../../tensor/buffer-pool.js';
import { Tensor } from '../../tensor/tensor.js';
import { ArgumentError, BackendError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { timePair } from './bench-spmm.js';

/** One line of `bench model --json`. */
export interface ModelBenchResult {
  readonly op: 'model';
  readonly model: 'vit' | 'gpt' | 'cnn' | 'mlp';
  readonly mode: 'inference' | 'train-step';
  /** 'n:m' for inference, the zero fraction for the training step. */
  readonly pattern: string;
  readonly batch: number;
  /** Rows each Linear sees (tokens, or samples for the MLP); for the CNN, the pixels of its first stage (B·S·S). */
  readonly rows: number;
  readonly threads: number;
  /** Layers compressed / considered (Linear, or Conv2d for the CNN). */
  readonly sparse_layers: string;
  readonly dense_ms: number;
  readonly sparse_ms: number;
  readonly speedup: number;
  /**
   * Inference only: the compressed layers alone, dense and sparse, each timed
   * by compress on its real shape (sums). With them the Amdahl bound reads
   * off: the rest of the forward costs dense_ms − layers_dense_ms, so layers
   * s× faster give dense_ms / (dense_ms − layers_dense_ms + layers_dense_ms / s).
   */
  readonly layers_dense_ms?: number;
  readonly layers_sparse_ms?: number;
}

export interface BenchModelOptions {
  readonly threads?: readonly number[];
  readonly minTimeMs?: number;
  readonly nm?: { readonly n: number; readonly m: number };
  /** Width of ViT and GPT (default 768), their depth (default 2). */
  readonly dim?: number;
  readonly depth?: number;
  /** Sparsities of the MLP training step (default 0.9 and 0.99). */
  readonly sparsities?: readonly number[];
  readonly models?: ReadonlyArray<'vit' | 'gpt' | 'cnn' | 'mlp'>;
  readonly onResult?: (r: ModelBenchResult) => void;
}

const TRANSFORMER_ROLES: ReadonlySet<string> = new Set(['ff', 'q', 'k', 'v']);
const CNN_ROLES: ReadonlySet<string> = new Set(['conv']);

/**
 * Masks to n:m in place the Linear and Conv2d weights of `model` with one of
 * `roles` (a conv's only where m divides its input channels); returns their names.
 */
function maskRoles(model: Module, roles: ReadonlySet<string>, n: number, m: number): Set<string> {
  const names = new Set<string>();
  noGrad(() => {
    for (const [name, mod] of model.namedModules()) {
      if (!(mod instanceof Linear || mod instanceof Conv2d) || !roles.has(mod.weight.role)) continue;
      if (mod instanceof Conv2d && (mod.groups !== 1 || mod.inChannels % m !== 0)) continue;
      const mask = nmMask(mod.weight, { n, m });
      for (let i = 0; i < mod.weight.size; i++) mod.weight.data[i]! *= mask.data[i]!;
      names.add(`${name}.weight`);
    }
  });
  return names;
}

interface InferenceCase {
  readonly name: 'vit' | 'gpt' | 'cnn';
  readonly roles: ReadonlySet<string>;
  readonly build: () => Module;
  readonly run: (model: Module) => void;
  readonly batch: number;
  readonly rows: number;
}

function inferenceCases(dim: number, depth: number, rng: Rng): InferenceCase[] {
  const heads = dim % 64 === 0 ? dim / 64 : 1;
  const vitCfg = { imageSize: 32, patchSize: 4, inChannels: 3, classes: 10, dim, depth, heads };
  const images = new Tensor(Float32Array.from({ length: 4 * 3 * 32 * 32 }, () => rng.uniform(-1, 1)), [4, 3, 32, 32]);
  const gptCfg = { vocabSize: 256, contextLength: 128, dim, depth, heads };
  const ids = Int32Array.from({ length: 2 * 128 }, () => rng.int(256));
  // A CIFAR-sized ResNet: 64-128-256 channels on 32×32 images, two blocks a stage.
  const cnnCfg = { inChannels: 3, stemChannels: 64, stages: [{ channels: 64, blocks: 2 }, { channels: 128, blocks: 2, stride: 2 }, { channels: 256, blocks: 2, stride: 2 }] };
  const cnnImages = new Tensor(Float32Array.from({ length: 8 * 3 * 32 * 32 }, () => rng.uniform(-1, 1)), [8, 3, 32, 32]);
  return [
    { name: 'vit', roles: TRANSFORMER_ROLES, build: () => new VisionTransformer(vitCfg, new Rng(1)), run: (m) => (m as VisionTransformer).forward(images), batch: 4, rows: 4 * 65 },
    { name: 'gpt', roles: TRANSFORMER_ROLES, build: () => new Gpt(gptCfg, new Rng(2)), run: (m) => (m as Gpt).forward(ids, [2, 128]), batch: 2, rows: 2 * 128 },
    { name: 'cnn', roles: CNN_ROLES, build: () => new SmallResNet(cnnCfg, new Rng(6)), run: (m) => (m as SmallResNet).forward(cnnImages), batch: 8, rows: 8 * 32 * 32 },
  ];
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

function result(base: Omit<ModelBenchResult, 'op' | 'dense_ms' | 'sparse_ms' | 'speedup'>, denseMs: number, sparseMs: number): ModelBenchResult {
  return { op: 'model', ...base, dense_ms: round3(denseMs), sparse_ms: round3(sparseMs), speedup: Math.round((denseMs / sparseMs) * 100) / 100 };
}

/** One MLP training step, masked dense against truly sparse, at one sparsity. */
function trainStep(sparsity: number, threads: number, minTimeMs: number): ModelBenchResult {
  const [d, h, batch] = [1024, 4096, 256];
  const rng = new Rng(3);
  const x = new Tensor(Float32Array.from({ length: batch * d }, () => rng.uniform(-1, 1)), [batch, d]);
  const target = new Tensor(Float32Array.from({ length: batch * d }, () => rng.uniform(-1, 1)), [batch, d]);
  const make = (): MLP => new MLP(d, h, { rng: new Rng(4), activation: 'relu' });
  const dense = make();
  for (const l of [dense.fc1, dense.fc2]) {
    const m = new Tensor(Float32Array.from({ length: l.weight.size }, () => (rng.uniform() < sparsity ? 0 : 1)), l.weight.shape);
    noGrad(() => l.weight.data.set(mul(l.weight, m).data));
    l.setWeightTransform('weight', (w) => steWeight(w, m));
  }
  const sparse = make();
  sparse.fc1.weight.data.set(dense.fc1.weight.data);
  sparse.fc2.weight.data.set(dense.fc2.weight.data);
  const report = compress(sparse, { format: 'csr', train: true, force: true, measure: false, minSparsity: 0 });
  const denseOpt = new SGD(dense, { lr: 1e-4 });
  const sparseOpt = new SGD([...denseParametersOf(sparse), ...sparseParameters(sparse)], { lr: 1e-4 });
  const step = (model: MLP, opt: SGD) => (): void =>
    withStepBuffers(() => {
      opt.zeroGrad();
      const y = model.forward(x);
      sum(mul(mul(y, target), y)).backward();
      opt.step();
    });
  const [dm, sm] = timePair(step(dense, denseOpt), step(sparse, sparseOpt), minTimeMs);
  return result(
    { model: 'mlp', mode: 'train-step', pattern: String(sparsity), batch, rows: batch, threads, sparse_layers: `${report.filter((r) => r.chosen === 'sparse').length}/${report.length}` },
    dm,
    sm,
  );
}

/**
 * Runs the model benchmarks. Throws BackendError without the native addon.
 *
 * @example
 * benchModel({ models: ['mlp'], sparsities: [0.99], threads: [1], minTimeMs: 200 });
 */
export function benchModel(opts: BenchModelOptions = {}): ModelBenchResult[] {
  const binding = loadNative();
  if (binding === null) throw new BackendError(`bench model times the native kernels, but the ${nativeLoadError()}; ${rebuildHint}`);
  const threadList = opts.threads ?? [...new Set([binding.getThreads(), 1])];
  for (let i = 1; i < threadList.length; i++) {
    if (threadList[i]! > threadList[i - 1]!) throw new ArgumentError(`bench model: thread counts must not rise (got ${threadList.join(', ')}); list the larger first`);
  }
  const { n, m } = opts.nm ?? { n: 1, m: 8 };
  const minTimeMs = opts.minTimeMs ?? 1000;
  const models = opts.models ?? ['vit', 'gpt', 'cnn', 'mlp'];
  const out: ModelBenchResult[] = [];
  const emit = (r: ModelBenchResult): void => {
    out.push(r);
    opts.onResult?.(r);
  };
  for (const threads of threadList) {
    binding.setThreads(threads);
    for (const cs of inferenceCases(opts.dim ?? 768, opts.depth ?? 2, new Rng(5))) {
      if (!models.includes(cs.name)) continue;
      const dense = cs.build().eval();
      const sparse = cs.build().eval();
      const masked = maskRoles(dense, cs.roles, n, m);
      maskRoles(sparse, cs.roles, n, m);
      // The probe gives each convolution its real input shape to be timed on.
      const report = compress(sparse, { format: 'nm', nm: { n, m }, measure: { batch: cs.rows, probe: () => cs.run(sparse) }, select: (name) => masked.has(name) });
      // Each forward's buffers are recycled, as the trainer and evaluate() do (tensor/buffer-pool.ts).
      const [dm, sm] = noGrad(() => timePair(() => withStepBuffers(() => cs.run(dense)), () => withStepBuffers(() => cs.run(sparse)), minTimeMs));
      const chosen = report.filter((r) => r.chosen === 'sparse');
      const layers = { layers_dense_ms: round3(chosen.reduce((a, r) => a + r.denseMs!, 0)), layers_sparse_ms: round3(chosen.reduce((a, r) => a + r.sparseMs!, 0)) };
      emit({ ...result({ model: cs.name, mode: 'inference', pattern: `${n}:${m}`, batch: cs.batch, rows: cs.rows, threads, sparse_layers: `${chosen.length}/${masked.size}` }, dm, sm), ...layers });
    }
    if (models.includes('mlp')) for (const s of opts.sparsities ?? [0.9, 0.99]) emit(trainStep(s, threads, minTimeMs));
  }
  return out;
}

function intList(value: string): number[] {
  const out = value.split(',').map((v) => Number(v.trim()));
  if (out.some((v) => !Number.isInteger(v) || v < 1)) throw new InvalidArgumentError('expected a comma-separated list of positive integers.');
  return out;
}

/** The `model` subcommand of `bench`. */
export function benchModelCommand(): Command {
  return new Command('model')
    .description('whole models, dense against compressed: ViT/GPT/CNN inference at N:M, an MLP training step at 90%/99%')
    .option('--json', 'print one JSON line per case')
    .option('--threads <list>', 'thread counts, largest first (default: all cores, then 1)', intList)
    .option('--models <list>', 'vit, gpt, cnn, mlp (default all)', (v) => v.split(',').map((s) => s.trim()) as Array<'vit' | 'gpt' | 'cnn' | 'mlp'>)
    .option('--nm <n:m>', 'inference pattern (default 1:8)', (v) => {
      const match = /^(\d+):(\d+)$/.exec(v);
      if (match === null) throw new InvalidArgumentError('expected N:M, for example 1:8.');
      return { n: Number(match[1]), m: Number(match[2]) };
    })
    .option('--dim <n>', 'ViT and GPT width (default 768)', (v) => intList(v)[0]!)
    .option('--depth <n>', 'ViT and GPT blocks (default 2)', (v) => intList(v)[0]!)
    .option('--min-time <ms>', 'least time per case', (v) => intList(v)[0]!, 1000)
    .action((o: { json?: boolean; threads?: number[]; models?: Array<'vit' | 'gpt' | 'cnn' | 'mlp'>; nm?: { n: number; m: number }; dim?: number; depth?: number; minTime: number }) => {
      benchModel({
        minTimeMs: o.minTime,
        ...(o.threads === undefined ? {} : { threads: o.threads }),
        ...(o.models === undefined ? {} : { models: o.models }),
        ...(o.nm === undefined ? {} : { nm: o.nm }),
        ...(o.dim === undefined ? {} : { dim: o.dim }),
        ...(o.depth === undefined ? {} : { depth: o.depth }),
        onResult: (r) =>
          console.log(
            o.json === true
              ? JSON.stringify(r)
              : `${r.model} ${r.mode} ${r.pattern} batch ${r.batch} threads ${r.threads}: dense ${r.dense_ms.toFixed(2)} ms, sparse ${r.sparse_ms.toFixed(2)} ms, ${r.speedup.toFixed(2)}x (sparse layers ${r.sparse_layers})`,
          ),
      });
    });
}
