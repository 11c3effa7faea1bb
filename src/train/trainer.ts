/**
 * The training loop: steps over the recipe's data with its optimizer and
 * schedule, evaluates after each epoch, logs metrics.jsonl, writes
 * checkpoints and summary.json into runs/<name>/, and stops on NaN or Inf.
 * A sparse run's controller steps before every forward, is finalized and
 * verified exactly N:M at the end, and its per-layer table is printed and
 * saved (sparsity.md). `resume` continues from the last checkpoint exactly
 * as the uninterrupted run would have: same batches, dropout, masks and
 * metrics (only the timing fields differ).
 *
 * metrics.jsonl holds one JSON object per line:
 * - `{type: 'train', step, epoch, loss, lr, gradNorm, flops, sparseFlops?, elapsedSec, samplesPerSec}`
 *   every train.logEvery steps (loss averaged over them; gradNorm before clipping);
 * - `{type: 'eval', step, epoch, loss, accuracy, top5 | perplexity + bitsPerChar, count, flops, sparseFlops?}`
 *   after each epoch, every train.evalEvery steps and at the end.
 * `flops` counts the training GEMM FLOPs executed so far; `sparseFlops` (sparse runs) those an
 * N:M kernel would execute under the run's gradient flow.
 *
 * @example
 * const { summary, runDir } = train(loadRecipe('examples/fmnist-mlp.yaml'), { name: 'mlp-1' });
 * train(recipe, { name: 'mlp-1', resume: true }); // after an interruption
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { writeFileAtomic } from '../io/atomic-write.js';
import { getBackend } from '../kernels/index.js';
import { loadNative } from '../kernels/native/binding.js';
import { clipGradNorm } from '../optim/clip.js';
import { withStepBuffers } from '../tensor/buffer-pool.js';
import { formatSparsityTable } from '../sparse/plan/sparsity-table.js';
import { flopCount, flopsSince } from '../util/flop-counter.js';
import { ConfigError } from '../util/errors.js';
import type { LoaderState } from '../data/loader.js';
import { saveSafetensors } from '../io/safetensors.js';
import { MODEL_FILE, saveCheckpoint, loadCheckpoint, hasCheckpoint } from './checkpoint.js';
import { evaluate, type EvalMetrics } from './evaluate.js';
import { TrainingDivergedError, firstNonFiniteParameter, gradientNorm, nonFiniteReason } from './nan-guard.js';
import { Progress, formatNumber } from './progress.js';
import { recipeDifferences } from './recipe-diff.js';
import type { Recipe } from './recipe-schema.js';
import { RunDir } from './run-dir.js';
import { setupTraining, trainingLoss, type TrainingSetup } from './run-setup.js';
import { flopTotals, type RunSummary } from './run-summary.js';
import { SparseFlopTracker } from './sparse-flop-tracker.js';

export interface TrainOptions {
  /** Run folder name (default: recipe.name, else 'run'). */
  name?: string;
  /** Folder the run folder goes in (default: recipe.output.root). */
  outRoot?: string;
  /** Continue the run in the folder from its checkpoint. */
  resume?: boolean;
  /** End this session after this many steps, with a checkpoint, as an interrupted run (resume continues it). */
  stopAfterStep?: number;
  /** Print nothing (metrics and summary are still written). */
  quiet?: boolean;
  /** Where progress and messages go (default stderr). */
  stream?: NodeJS.WriteStream;
}

export interface TrainResult {
  readonly runDir: string;
  readonly summary: RunSummary;
}

/** What checkpoint.json keeps of the trainer, beside the tensors. */
interface TrainerState {
  rngs: Record<string, number[]>;
  loader: LoaderState;
  sparsityStep: number | null;
  metricsLines: number;
  flops: { forward: number; backward: number };
  savings: { forward: number; backward: number };
  window: { lossSum: number; steps: number };
  samples: number;
  tokens: number;
  trainTimeSec: number;
  wallTimeSec: number;
  lastEval: EvalMetrics | null;
}

/** Trains (or resumes) one run; throws TrainingDivergedError from the NaN guard, ConfigError for a bad recipe or run folder. */
export function train(input: Recipe, opts: TrainOptions = {}): TrainResult {
  const name = opts.name ?? input.name ?? 'run';
  const root = opts.outRoot ?? input.output.root;
  const stream = opts.stream ?? process.stderr;
  const say = (line: string): void => {
    if (opts.quiet !== true) stream.write(`${line}\n`);
  };
  if (input.train.threads !== undefined) loadNative()?.setThreads(input.train.threads);
  const setup = setupTraining(input);
  const recipe = { ...setup.recipe, name };
  const run = RunDir.create(root, name);
  checkRunFolder(run, recipe, opts.resume === true);
  const { model, optimizer, loader, sparsity, totalSteps, batchesPerEpoch } = setup;
  const tracker = sparsity === null ? null : new SparseFlopTracker(model, sparsity);
  const s = opts.resume === true ? restore(run, setup, tracker) : fresh(run, recipe);
  let step = s.step;
  let lastCheckpoint: { path: string; step: number } | null = opts.resume === true ? { path: run.file('checkpoint.json'), step } : null;
  const sessionStart = performance.now();
  const wallBefore = s.state.wallTimeSec;
  const t = recipe.train;
  const text = setup.data.kind === 'text';

  say(`train ${name}: ${setup.data.description}; ${recipe.model.type} with ${model.numParameters()} parameters; ${totalSteps} steps (${formatNumber(setup.totalEpochs)} epochs of ${batchesPerEpoch}), ${getBackend()} kernels`);
  if (opts.resume === true) say(`resuming at step ${step} from ${run.file('checkpoint.json')}`);
  const perStep = setup.data.kind === 'text' ? t.batchSize * setup.data.contextLength : t.batchSize;
  const progress = new Progress({ total: (totalSteps - step) * perStep, label: name, unit: text ? 'tokens' : 'samples', stream, quiet: opts.quiet === true });

  const summarize = (status: RunSummary['status'], error?: string): RunSummary => {
    const st = s.state;
    const summary: RunSummary = {
      name, status, ...(error === undefined ? {} : { error }), data: setup.data.description,
      model: { type: recipe.model.type, parameters: model.numParameters() },
      steps: step, totalSteps, epochs: step / batchesPerEpoch, batchSize: t.batchSize, final: st.lastEval,
      wallTimeSec: wallBefore + (performance.now() - sessionStart) / 1000, trainTimeSec: st.trainTimeSec,
      samplesPerSec: st.trainTimeSec > 0 ? st.samples / st.trainTimeSec : 0,
      ...(text ? { tokensPerSec: st.trainTimeSec > 0 ? st.tokens / st.trainTimeSec : 0 } : {}),
      trainingFlops: flopTotals(st.flops.forward, st.flops.backward),
      backend: getBackend(), threads: loadNative()?.getThreads() ?? 1,
    };
    if (sparsity !== null) {
      summary.sparseTrainingFlops = flopTotals(st.flops.forward - st.savings.forward, st.flops.backward - st.savings.backward);
      const p = sparsity.plan;
      summary.sparsity = { plan: { n: p.n, m: p.m, flow: p.flow, locations: p.locations }, verified: status === 'completed', table: sparsity.table() };
    }
    run.writeSummary(summary as unknown as Record<string, unknown>);
    return summary;
  };

  const checkpoint = (): void => {
    const bad = firstNonFiniteParameter(model);
    if (bad !== null) diverge(`parameter ${bad} holds NaN or Inf after the update`, step);
    s.state.rngs = Object.fromEntries([...setup.rngs].map(([k, r]) => [k, r.getState()]));
    s.state.loader = loader.getState();
    s.state.sparsityStep = sparsity?.currentStep ?? null;
    s.state.savings = tracker?.savings ?? { forward: 0, backward: 0 };
    s.state.wallTimeSec = wallBefore + (performance.now() - sessionStart) / 1000;
    const masks = sparsity?.exportState().masks ?? new Map();
    const path = saveCheckpoint(run.path, { model: model.stateDict(), optim: optimizer.stateDict(), sparsity: masks }, { step, epoch: step / batchesPerEpoch, trainer: { ...s.state } });
    lastCheckpoint = { path, step };
  };

  // `at` counts steps from 1, as the metrics' step does: the update that failed, or made the weights non-finite.
  const diverge = (reason: string, at: number): never => {
    tracker?.dispose();
    const err = new TrainingDivergedError(at, at / batchesPerEpoch, reason, lastCheckpoint);
    summarize('diverged', err.message);
    progress.done();
    throw err;
  };

  const evalNow = (): void => {
    const m = evaluate(model, setup.data, { batchSize: Math.max(t.batchSize, 256), maxBatches: t.evalBatches });
    s.state.lastEval = m;
    log({ type: 'eval', step, epoch: step / batchesPerEpoch, ...m, ...flopFields(s.state, sparsity !== null) });
    const extra = m.bitsPerChar !== undefined ? `bits/char ${m.bitsPerChar.toFixed(3)}  perplexity ${formatNumber(m.perplexity!)}` : `accuracy ${(m.accuracy * 100).toFixed(2)}%  top-5 ${((m.top5 ?? 0) * 100).toFixed(2)}%`;
    progress.note(`eval  step ${step}  epoch ${formatNumber(step / batchesPerEpoch)}  loss ${m.loss.toFixed(4)}  ${extra}`);
  };

  const log = (record: Record<string, unknown>): void => {
    run.logMetrics(record);
    s.state.metricsLines++;
  };

  while (step < totalSteps) {
    sparsity?.step(step);
    const lr = setup.lr?.(step) ?? optimizer.lr;
    optimizer.lr = lr;
    const batch = loader.next();
    const t0 = performance.now();
    const before = flopCount();
    if (tracker !== null) tracker.counting = true;
    // Nothing made inside the step is used after it, so its buffers are recycled (tensor/buffer-pool.ts).
    const { lossValue, norm, samples, tokens } = withStepBuffers(() => {
      const { loss, samples, tokens } = trainingLoss(setup, batch);
      const lossValue = loss.item();
      let norm = Number.NaN;
      if (Number.isFinite(lossValue)) {
        optimizer.zeroGrad();
        loss.backward();
        norm = t.clipGradNorm > 0 ? clipGradNorm(model, t.clipGradNorm) : gradientNorm(model);
      }
      if (tracker !== null) tracker.counting = false;
      const why = nonFiniteReason(lossValue, norm);
      if (why !== null) diverge(why, step + 1);
      optimizer.step();
      return { lossValue, norm, samples, tokens };
    });
    const spent = flopsSince(before);
    const st = s.state;
    st.flops.forward += spent.forward;
    st.flops.backward += spent.backward;
    st.trainTimeSec += (performance.now() - t0) / 1000;
    st.samples += samples;
    st.tokens += tokens;
    st.window.lossSum += lossValue;
    st.window.steps++;
    step++;
    progress.tick(text ? tokens : samples, { loss: lossValue, lr });

    const last = step === totalSteps;
    if (step % t.logEvery === 0 || last) {
      st.savings = tracker?.savings ?? st.savings;
      log({
        type: 'train', step, epoch: step / batchesPerEpoch, loss: st.window.lossSum / st.window.steps, lr, gradNorm: norm, ...flopFields(st, sparsity !== null),
        elapsedSec: st.trainTimeSec, samplesPerSec: st.samples / Math.max(st.trainTimeSec, 1e-9),
      });
      st.window = { lossSum: 0, steps: 0 };
    }
    if (last && sparsity !== null) {
      sparsity.finalize();
      sparsity.verify();
    }
    const epochEnd = step % batchesPerEpoch === 0;
    st.savings = tracker?.savings ?? st.savings;
    if (epochEnd || last || (t.evalEvery > 0 && step % t.evalEvery === 0)) evalNow();
    const stopHere = opts.stopAfterStep !== undefined && step >= opts.stopAfterStep && !last;
    if (last || stopHere || (t.checkpointEvery > 0 ? step % t.checkpointEvery === 0 : epochEnd)) checkpoint();
    if (stopHere) {
      progress.done();
      tracker?.dispose();
      say(`stopped after step ${step}; continue with --resume`);
      return { runDir: run.path, summary: summarize('stopped') };
    }
  }
  progress.done();
  tracker?.dispose();
  if (sparsity !== null) {
    const table = formatSparsityTable(sparsity.table());
    writeFileAtomic(run.file('sparsity.md'), `# Sparsity of ${name}\n\n${table}\n`);
    say(`sparsity per layer (every selected weight verified exactly ${sparsity.plan.n}:${sparsity.plan.m}):\n${table}`);
  }
  saveSafetensors(run.file(MODEL_FILE), model.stateDict(), { metadata: { format: 'sparsekit-model', step: String(step) } });
  const summary = summarize('completed');
  say(`done: ${run.path} (${MODEL_FILE}, metrics.jsonl, summary.json, checkpoint.json${sparsity === null ? '' : ', sparsity.md'})`);
  return { runDir: run.path, summary };
}

/** Training FLOPs so far: executed by the kernels, and for a sparse run what an N:M kernel would execute. */
function flopFields(st: TrainerState, sparse: boolean): { flops: number; sparseFlops?: number } {
  const flops = st.flops.forward + st.flops.backward;
  return sparse ? { flops, sparseFlops: flops - st.savings.forward - st.savings.backward } : { flops };
}

function checkRunFolder(run: RunDir, recipe: Recipe, resume: boolean): void {
  if (resume) {
    if (!hasCheckpoint(run.path)) throw new ConfigError(`--resume: ${run.path} holds no checkpoint.json to continue from; run without --resume to start this run`);
    const savedPath = run.file('recipe.yaml');
    const saved: unknown = existsSync(savedPath) ? parseYaml(readFileSync(savedPath, 'utf8')) : null;
    const diff = recipeDifferences(JSON.parse(JSON.stringify(recipe)), saved);
    if (diff.length > 0) {
      throw new ConfigError(`--resume: the recipe differs from the one ${run.path} was started with, at ${diff.join(', ')}; resume with the same recipe and --set values, or start a new run with --name`);
    }
    return;
  }
  if (hasCheckpoint(run.path) || existsSync(run.file('metrics.jsonl'))) {
    throw new ConfigError(`${run.path} already holds a run; continue it with --resume, or start another with --name <new name>`);
  }
}

function fresh(run: RunDir, recipe: Recipe): { step: number; state: TrainerState } {
  run.writeRecipe(recipe);
  return {
    step: 0,
    state: {
      rngs: {}, loader: { epoch: 0, position: 0, size: 0, rng: [], epochRng: null }, sparsityStep: null, metricsLines: 0,
      flops: { forward: 0, backward: 0 }, savings: { forward: 0, backward: 0 }, window: { lossSum: 0, steps: 0 },
      samples: 0, tokens: 0, trainTimeSec: 0, wallTimeSec: 0, lastEval: null,
    },
  };
}

function restore(run: RunDir, setup: TrainingSetup, tracker: SparseFlopTracker | null): { step: number; state: TrainerState } {
  const ckpt = loadCheckpoint(run.path);
  const state = ckpt.state.trainer as unknown as TrainerState;
  const source = ckpt.tensorsPath;
  setup.model.loadStateDict(ckpt.model, { source });
  setup.optimizer.loadStateDict(ckpt.optim, { source });
  for (const [key, rng] of setup.rngs) {
    const saved = state.rngs[key];
    if (saved === undefined) throw new ConfigError(`--resume: ${ckpt.path} has no state for the generator '${key}'; the model differs from the checkpoint's`);
    rng.setState(saved);
  }
  setup.loader.setState(state.loader);
  if (setup.sparsity !== null) {
    if (state.sparsityStep === null) throw new ConfigError(`--resume: ${ckpt.path} was written by a dense run, but the recipe has a sparsity plan`);
    setup.sparsity.importState({ step: state.sparsityStep, masks: ckpt.sparsity });
    if (ckpt.state.step >= setup.totalSteps) setup.sparsity.finalize();
  }
  if (tracker !== null) tracker.savings = state.savings;
  run.truncateMetrics(state.metricsLines);
  return { step: ckpt.state.step, state };
}
