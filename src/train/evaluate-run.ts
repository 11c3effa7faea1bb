/**
 * Evaluates a saved run: rebuilds the model from the run's recipe.yaml,
 * loads a checkpoint (weights and sparsity masks), the final
 * model.safetensors or a compressed file from `sparsekit export` (whose
 * sparse weights then run on the sparse kernels), and evaluates on the
 * held-out split.
 *
 * @example
 * const { metrics, step } = evaluateRun('runs/fmnist-mlp');          // its latest checkpoint
 * evaluateRun('runs/fmnist-mlp/model.safetensors', { batchSize: 512 });
 * evaluateRun('mlp-1x8.safetensors', { recipe: 'runs/fmnist-mlp/recipe.yaml' }); // exported, compressed
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { loadSafetensors } from '../io/safetensors.js';
import { readSafetensorsHeader } from '../io/safetensors-header.js';
import { loadCompressed } from '../sparse/compress-file.js';
import { ConfigError } from '../util/errors.js';
import { CHECKPOINT_JSON, MODEL_FILE, loadCheckpoint } from './checkpoint.js';
import { evaluate, type EvalMetrics } from './evaluate.js';
import { loadRecipe } from './recipe-schema.js';
import { setupTraining } from './run-setup.js';

export interface EvaluateRunOptions {
  /** Evaluation batch size (default 256). */
  batchSize?: number;
  /** The recipe that rebuilds the model (default: recipe.yaml beside the weights). */
  recipe?: string;
}

const COMPRESSED = 'sparsekit-compressed';

function isCompressedFile(path: string): boolean {
  return path.endsWith('.safetensors') && statSync(path).isFile() && readSafetensorsHeader(path).metadata.format === COMPRESSED;
}

export interface RunEvaluation {
  readonly metrics: EvalMetrics;
  /** The training step of the weights evaluated. */
  readonly step: number;
  /** The file the weights came from. */
  readonly weights: string;
  readonly data: string;
}

/** Evaluates a run folder, a checkpoint.json, a checkpoint's safetensors file, or a run's model.safetensors. */
export function evaluateRun(path: string, opts: EvaluateRunOptions = {}): RunEvaluation {
  if (!existsSync(path)) throw new ConfigError(`eval: ${path} does not exist; give a run folder (runs/<name>), its checkpoint.json or its ${MODEL_FILE}`);
  const dir = statSync(path).isDirectory() ? path : dirname(path);
  const recipePath = opts.recipe ?? join(dir, 'recipe.yaml');
  if (!existsSync(recipePath)) {
    throw new ConfigError(`eval: ${opts.recipe === undefined ? `${dir} has no recipe.yaml` : `recipe ${recipePath} does not exist`}, so the model cannot be rebuilt; point to a run folder written by sparsekit train, or pass its recipe with --recipe`);
  }
  const setup = setupTraining(loadRecipe(recipePath));
  const { model, sparsity } = setup;
  let step: number;
  let weights: string;
  if (isCompressedFile(path)) {
    const content = loadSafetensors(path);
    loadCompressed(model, content, { source: path });
    step = Number(content.metadata.step ?? setup.totalSteps);
    weights = path;
    sparsity?.remove();
  } else if (basename(path) === MODEL_FILE) {
    const content = loadSafetensors(path);
    model.loadStateDict(content.tensors, { source: path });
    step = Number(content.metadata.step ?? setup.totalSteps);
    weights = path;
    // The final weights are already exact N:M; the plan's transforms would only re-mask them.
    sparsity?.remove();
  } else {
    const ckpt = loadCheckpoint(statSync(path).isDirectory() ? join(path, CHECKPOINT_JSON) : path);
    model.loadStateDict(ckpt.model, { source: ckpt.tensorsPath });
    step = ckpt.state.step;
    weights = ckpt.tensorsPath;
    if (sparsity !== null) {
      const saved = ckpt.state.trainer.sparsityStep;
      if (typeof saved === 'number') sparsity.importState({ step: saved, masks: ckpt.sparsity });
      if (step >= setup.totalSteps) sparsity.finalize();
    }
  }
  const metrics = evaluate(model, setup.data, { batchSize: opts.batchSize ?? 256 });
  return { metrics, step, weights, data: setup.data.description };
}
