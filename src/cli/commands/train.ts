/**
 * `sparsekit train <recipe>`: trains the model a recipe describes and writes
 * runs/<name>/ (recipe.yaml, metrics.jsonl, summary.json, checkpoint,
 * model.safetensors, report.html). `--set key=value` overrides recipe keys; `--resume`
 * continues an interrupted run exactly.
 *
 * @example
 * // sparsekit train examples/fmnist-mlp.yaml --set train.epochs=1 --name quick
 */
import { basename, extname } from 'node:path';
import { Command } from 'commander';
import { loadRecipe } from '../../train/recipe-schema.js';
import { train } from '../../train/trainer.js';
import { renderRunReport } from '../../report/run-report.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The `train` command. */
export function trainCommand(): Command {
  return new Command('train')
    .description('train a model from a recipe (YAML or JSON) into runs/<name>/')
    .argument('<recipe>', 'recipe file, e.g. examples/fmnist-mlp.yaml')
    .option('--set <key=value>', 'override a recipe key (repeatable), e.g. --set train.epochs=2', collect, [])
    .option('--resume', 'continue the run from its last checkpoint, exactly as if it had not stopped')
    .option('--name <name>', 'run folder name (default: the recipe name, else the file name)')
    .option('--out <dir>', 'folder the run folder goes in (default: the recipe output.root, runs)')
    .option('--quiet', 'print nothing; metrics and summary are still written')
    .action((file: string, o: { set: string[]; resume?: boolean; name?: string; out?: string; quiet?: boolean }) => {
      const recipe = loadRecipe(file, o.set);
      const name = o.name ?? recipe.name ?? basename(file, extname(file));
      const { runDir } = train(recipe, { name, resume: o.resume === true, quiet: o.quiet === true, ...(o.out === undefined ? {} : { outRoot: o.out }) });
      const report = renderRunReport(runDir);
      if (o.quiet !== true) console.error(`report: ${report}`);
    });
}
