/**
 * `sparsekit eval <run-dir-or-checkpoint>`: rebuilds a run's model from its
 * recipe.yaml, loads its latest checkpoint (or the given checkpoint or
 * model.safetensors, or a compressed file from `sparsekit export`) and
 * prints the held-out metrics.
 *
 * @example
 * // sparsekit eval runs/fmnist-mlp
 * // sparsekit eval runs/fmnist-mlp/model.safetensors --json
 * // sparsekit eval mlp-1x8.safetensors --recipe runs/fmnist-mlp/recipe.yaml
 */
import { Command, InvalidArgumentError } from 'commander';
import { evaluateRun } from '../../train/evaluate-run.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer.');
  return n;
}

/** The `eval` command. */
export function evalCommand(): Command {
  return new Command('eval')
    .description("evaluate a run's checkpoint or final weights on its held-out split")
    .argument('<path>', 'run folder, checkpoint.json, checkpoint safetensors, model.safetensors or an exported compressed file')
    .option('--recipe <file>', 'the recipe that rebuilds the model (default: recipe.yaml beside the weights)')
    .option('--batch-size <n>', 'evaluation batch size', positiveInt, 256)
    .option('--json', 'print the result as one JSON line')
    .action((path: string, o: { batchSize: number; json?: boolean; recipe?: string }) => {
      const r = evaluateRun(path, { batchSize: o.batchSize, ...(o.recipe === undefined ? {} : { recipe: o.recipe }) });
      if (o.json === true) {
        console.log(JSON.stringify({ path, step: r.step, weights: r.weights, ...r.metrics }));
        return;
      }
      const m = r.metrics;
      console.log(`${r.weights} (step ${r.step}) on ${r.data}`);
      console.log(`loss ${m.loss.toFixed(4)}  accuracy ${(m.accuracy * 100).toFixed(2)}%` +
        (m.top5 === undefined ? '' : `  top-5 ${(m.top5 * 100).toFixed(2)}%`) +
        (m.bitsPerChar === undefined ? '' : `  bits/char ${m.bitsPerChar.toFixed(3)}  perplexity ${m.perplexity!.toFixed(2)}`) +
        `  (${m.count} ${m.bitsPerChar === undefined ? 'images' : 'tokens'})`);
    });
}
