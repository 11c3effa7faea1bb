/**
 * `sparsekit demo` (`npm run demo`): on the embedded Fashion-MNIST subset
 * only, trains the small ViT of examples/demo-vit.yaml dense and at 1:8 N:M
 * (feed-forward and Q/K/V) with three gradient flows — SR-STE (Zhou et al.
 * 2021), mask decay MDGF and structure decay SDGF (Bambhaniya et al. 2024) —
 * then prints a table of accuracy, training FLOPs and time, and where the
 * runs were written. A few minutes on 2 cores.
 *
 * @example
 * // sparsekit demo --epochs 2 --flows srste,sdgf
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { loadFashionMnist } from '../../data/fashion-mnist.js';
import { loadRecipe } from '../../train/recipe-schema.js';
import { train } from '../../train/trainer.js';
import { renderComparisonReport, renderRunReport } from '../../report/index.js';
import type { RunSummary } from '../../train/run-summary.js';
import { ConfigError } from '../../util/errors.js';

const DEMO_RECIPE = fileURLToPath(new URL('../../../examples/demo-vit.yaml', import.meta.url));

/** The sparse variants: --set overrides of the demo recipe, shown to the user as the command that reruns each. */
const SPARSE = ['sparsity.n=1', 'sparsity.m=8', 'sparsity.locations=[ff,q,k,v]', 'sparsity.fineTuneFraction=0.15'];
const FLOWS: Record<string, { label: string; set: readonly string[] }> = {
  srste: { label: 'SR-STE', set: ['sparsity.flow=srste'] },
  // β = max(0, 1 − c·t) reaches 0 at 1/c steps: c is set per run so that it does so 60% into training.
  mdgf: { label: 'MDGF (mask decay, linear)', set: ['sparsity.flow=mdgf', 'sparsity.decay=linear'] },
  sdgf: { label: 'SDGF (structure decay 7:8→4:8→2:8→1:8)', set: ['sparsity.flow=ste', 'sparsity.structureDecay=stepwise'] },
};

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer.');
  return n;
}

/** The `demo` command. */
export function demoCommand(): Command {
  return new Command('demo')
    .description('train a small ViT on the embedded Fashion-MNIST subset, dense and 1:8 N:M with three gradient flows, and compare them')
    .option('--epochs <n>', 'epochs per run (default: the demo recipe, 5)', positiveInt)
    .option('--flows <list>', `sparse runs to make, from ${Object.keys(FLOWS).join(', ')}`, 'srste,mdgf,sdgf')
    .option('--out <dir>', 'folder for the runs (default: runs/demo-<date>-<time>)')
    .option('--quiet', 'print only the final table')
    .action((o: { epochs?: number; flows: string; out?: string; quiet?: boolean }) => {
      const flows = o.flows.split(',').map((f) => f.trim()).filter((f) => f !== '');
      const unknown = flows.filter((f) => !(f in FLOWS));
      if (unknown.length > 0) throw new ConfigError(`demo --flows: unknown flow ${unknown.join(', ')}; choose from ${Object.keys(FLOWS).join(', ')}`);
      const out = o.out ?? join('runs', `demo-${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}`);
      const base = o.epochs === undefined ? [] : [`train.epochs=${o.epochs}`];
      const dense = loadRecipe(DEMO_RECIPE, base);
      const m = dense.model;
      const print = (line: string): void => {
        if (o.quiet !== true) console.log(line);
      };
      print(`sparsekit demo: a ViT (patch ${m.type === 'vit' ? `${m.patchSize}, width ${m.dim}, depth ${m.depth}` : '?'}) on the embedded Fashion-MNIST subset, ${dense.train.epochs} epochs per run:`);
      print(`  dense, then 1:8 N:M (one weight in eight kept) on the feed-forward and Q/K/V weights with ${flows.map((f) => FLOWS[f]!.label).join(', ')}.`);
      print(`  Recipe: examples/demo-vit.yaml; runs go to ${out}/.\n`);

      const variants: Array<{ name: string; label: string; set: string[] }> = [{ name: 'dense', label: 'dense', set: base }];
      for (const f of flows) variants.push({ name: `nm1x8-${f}`, label: FLOWS[f]!.label, set: [...base, ...SPARSE, ...FLOWS[f]!.set] });
      const results: Array<{ label: string; set: string[]; summary: RunSummary; runDir: string }> = [];
      for (const v of variants) {
        let recipe = loadRecipe(DEMO_RECIPE, v.set);
        if (recipe.sparsity?.flow === 'mdgf') {
          const steps = (recipe.train.epochs ?? 1) * Math.ceil(loadFashionMnist({ source: 'embedded' }).train.count / recipe.train.batchSize);
          v.set.push(`sparsity.decayCoef=${(1 / (0.6 * steps)).toPrecision(3)}`);
          recipe = loadRecipe(DEMO_RECIPE, v.set);
        }
        print(`== ${v.name}: sparsekit train examples/demo-vit.yaml --name ${v.name}${v.set.map((s) => ` --set "${s}"`).join('')}`);
        const { summary, runDir } = train(recipe, { name: v.name, outRoot: out, quiet: o.quiet === true, stream: process.stdout });
        renderRunReport(runDir);
        results.push({ label: v.label, set: v.set, summary, runDir });
        print('');
      }
      console.log(formatDemoTable(results.map((r) => ({ label: r.label, summary: r.summary }))));
      console.log(`\nRuns written to ${out}/ (${results.map((r) => r.runDir.split('/').pop()).join(', ')}): metrics.jsonl, summary.json, model.safetensors, sparsity.md, report.html.`);
      const comparison = renderComparisonReport(results.map((r) => r.runDir), { title: 'sparsekit demo: dense vs 1:8 N:M gradient flows' });
      console.log(`Plots and tables: ${comparison} (each run also has its own report.html)`);
      console.log(`Look inside one: sparsekit inspect ${join(out, variants[variants.length - 1]!.name, 'model.safetensors')}`);
    });
}

/** The comparison table: accuracy, training FLOPs (executed and sparse-aware) and time per run. */
export function formatDemoTable(rows: ReadonlyArray<{ label: string; summary: RunSummary }>): string {
  const cells = [
    ['run', 'test accuracy', 'top-5', 'training GFLOPs (executed)', 'GFLOPs on an N:M kernel', 'N:M exact', 'time'],
    ...rows.map(({ label, summary: s }) => [
      label,
      s.final === null ? '-' : `${(s.final.accuracy * 100).toFixed(2)}%`,
      s.final?.top5 === undefined ? '-' : `${(s.final.top5 * 100).toFixed(2)}%`,
      (s.trainingFlops.total / 1e9).toFixed(1),
      ((s.sparseTrainingFlops ?? s.trainingFlops).total / 1e9).toFixed(1),
      s.sparsity === undefined ? '-' : s.sparsity.verified && s.sparsity.table.every((r) => r.validNM) ? 'yes' : 'no',
      `${s.wallTimeSec.toFixed(0)} s`,
    ]),
  ];
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]): string => `| ${c.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(cells[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}
