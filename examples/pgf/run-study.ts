/**
 * Runs the gradient-flow study (sweep.ts) and writes examples/pgf/results.md,
 * results.json and one comparison report per model.
 *
 *   node --import tsx examples/pgf/run-study.ts [--quick] [--jobs 2] [--only vit|gpt] [--out runs/pgf] [--aggregate]
 *
 * Runs already completed in the output folder are skipped, so an interrupted
 * study resumes where it stopped. Each worker is a process with one kernel
 * thread (SPARSEKIT_THREADS=1): on 2 cores, two single-thread runs side by side
 * beat one two-thread run, since these models are too small to split a GEMM
 * well. The results cover every completed run in the output folder, whatever
 * --only selected this time; --aggregate only rewrites them from the runs
 * already there. --quick (one seed, shorter runs) writes its
 * results into its own output folder, never over the committed ones.
 *
 * @example
 * node --import tsx examples/pgf/run-study.ts --jobs 2
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../../src/io/atomic-write.js';
import { renderComparisonReport } from '../../src/report/index.js';
import { ArgumentError } from '../../src/util/errors.js';
import { aggregate, resultsTable, type ResultRow, type RunOutcome } from './aggregate.js';
import { decayCoefs, expandSweep, sparseSteps, studySweep, type RunSpec, type StudyModel, type StudySweep } from './sweep.js';
import type { WorkerReply, WorkerRequest } from './worker.js';

const here = dirname(fileURLToPath(import.meta.url));

interface Args {
  quick: boolean;
  aggregateOnly: boolean;
  jobs: number;
  only: StudyModel | null;
  out: string;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { quick: false, aggregateOnly: false, jobs: 2, only: null, out: '' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new ArgumentError(`run-study: ${a} needs a value`);
      return v;
    };
    if (a === '--quick') args.quick = true;
    else if (a === '--aggregate') args.aggregateOnly = true;
    else if (a === '--jobs') {
      args.jobs = Number(value());
      if (!Number.isInteger(args.jobs) || args.jobs < 1) throw new ArgumentError(`run-study: --jobs must be a whole number >= 1 (got ${argv[i]})`);
    } else if (a === '--only') {
      const v = value();
      if (v !== 'vit' && v !== 'gpt') throw new ArgumentError(`run-study: --only takes vit or gpt (got ${v})`);
      args.only = v;
    } else if (a === '--out') args.out = value();
    else throw new ArgumentError(`run-study: unknown argument ${a} (use --quick, --jobs N, --only vit|gpt, --out DIR, --aggregate)`);
  }
  if (args.out === '') args.out = args.quick ? 'runs/pgf-quick' : 'runs/pgf';
  return args;
}

function readOutcome(outRoot: string, spec: RunSpec): RunOutcome | null {
  const path = join(outRoot, spec.id, 'summary.json');
  if (!existsSync(path)) return null;
  const summary = JSON.parse(readFileSync(path, 'utf8')) as RunOutcome['summary'];
  return summary.status === 'completed' ? { spec, summary } : null;
}

function fmtTime(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** Trains the pending runs on `jobs` worker processes; resolves when all are done. */
async function runPending(pending: readonly RunSpec[], args: Args): Promise<void> {
  if (pending.length === 0) return;
  const outRoot = resolve(args.out);
  const queue = [...pending];
  const start = performance.now();
  let finished = 0;
  let failed = 0;
  const workers = Math.min(args.jobs, queue.length);
  await Promise.all(
    Array.from({ length: workers }, (_, w) =>
      new Promise<void>((done, fail) => {
        const child: ChildProcess = fork(join(here, 'worker.ts'), [outRoot], {
          execArgv: ['--import', 'tsx'],
          env: { ...process.env, SPARSEKIT_THREADS: '1' },
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        const next = (): void => {
          const spec = queue.shift();
          child.send((spec === undefined ? { kind: 'stop' } : { kind: 'run', spec }) satisfies WorkerRequest);
        };
        child.on('message', (msg: WorkerReply) => {
          if (msg.kind === 'ready') {
            if (msg.backend !== 'native') process.stderr.write(`worker ${w}: using the ${msg.backend} kernels (slow); the native addon is not built\n`);
            next();
            return;
          }
          finished++;
          if (!msg.ok) failed++;
          const elapsed = (performance.now() - start) / 1000;
          const eta = (elapsed / finished) * (pending.length - finished);
          const what = msg.ok ? 'done' : `FAILED: ${msg.error}`;
          process.stderr.write(`[${finished}/${pending.length}] ${msg.id} ${what} (${fmtTime(msg.wallSec)}; elapsed ${fmtTime(elapsed)}, ETA ${fmtTime(eta)})\n`);
          next();
        });
        child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`worker ${w} exited with code ${code}`))));
      }),
    ),
  );
  if (failed > 0) process.stderr.write(`${failed} run(s) failed; they are left out of the results (rerun to retry them)\n`);
}

function describeScale(sweep: StudySweep, outcomes: readonly RunOutcome[]): string {
  const lines: string[] = [];
  for (const ms of sweep.models) {
    const sparse = sparseSteps(ms.totalSteps, sweep.denseFraction, sweep.fineTuneFraction);
    const c = decayCoefs(sparse);
    const mc = ms.base.model;
    const t = ms.base.train!;
    if (mc.type !== 'vit' && mc.type !== 'gpt') continue;
    const size = `width ${mc.dim}, depth ${mc.depth}, ${mc.heads} heads, MLP ratio ${mc.mlpRatio}`;
    const one = outcomes.find((o) => o.spec.model === ms.model);
    const wall = outcomes.filter((o) => o.spec.model === ms.model).map((o) => o.summary.wallTimeSec);
    const perRun = wall.length > 0 ? `; a run took ${fmtTime(Math.min(...wall))}–${fmtTime(Math.max(...wall))} of wall time (${one?.summary.backend} kernels, 1 thread, two runs side by side)` : '';
    const data = ms.model === 'vit' ? 'the embedded Fashion-MNIST subset (6,000 training, 1,000 test images)' : 'the built-in generated character corpus (300,000 characters, last 10% for validation)';
    const len = mc.type === 'vit' ? `${t.epochs} epochs (${ms.totalSteps} steps of batch ${t.batchSize})` : `${ms.totalSteps} steps of batch ${t.batchSize} × ${mc.contextLength} characters`;
    lines.push(
      `- **${ms.model.toUpperCase()}** (${size}${mc.type === 'vit' ? `, patch ${mc.patchSize}` : ''}) on ${data}; ${len}; sparse at ${ms.locations.join(', ')}` +
        `; ${sparse} sparse steps, mask-decay coefficients ${c.linear.toExponential(2)} (linear) and ${c.exp.toExponential(2)} (exp)${perRun}.`,
    );
  }
  return lines.join('\n');
}

function resultsMarkdown(sweep: StudySweep, rows: readonly ResultRow[], outcomes: readonly RunOutcome[], total: number, command: string): string {
  const part = (m: StudyModel): string => resultsTable(rows.filter((r) => r.model === m));
  const backends = [...new Set(rows.flatMap((r) => r.backends))].join(', ');
  return `# Progressive gradient flow study: results

Reproduce with \`${command}\` (about 45 minutes on 2 cores shared with other work; completed runs are skipped, so it resumes).
Mean ± sample standard deviation over seeds ${sweep.seeds.join(', ')} (the seeds column counts the
completed runs of each row); ${outcomes.length} of ${total} runs complete; kernels: ${backends}.

**Scale.** This is a small-scale replication, not the paper's setting (ViT-Base on
ImageNet, GPT-style models on large corpora for many epochs): tiny models,
short runs, a small data set.

${describeScale(sweep, outcomes)}

Every sparse run: ${sweep.denseFraction * 100}% dense, then sparse, then ${sweep.fineTuneFraction * 100}% fine-tune with hard masks fixed;
masks recomputed every step; the patterns hold along the input dimension. sdgf-* runs are
structure decay with the ste flow. Geometric structure decay needs groups of 8M: where
that does not divide a layer's input width (1:16 and 1:32 at width 64) the early stages
use the largest group that does (1:16: 4:64 → 2:32 → 1:16; 1:32: 2:64 → 1:32).
Decay coefficients are rescaled to the run (the reference code's 2e-4 per step would
leave β ≈ 0.97 after our ~150–180 sparse steps): linear β reaches 0, exponential β
reaches e⁻⁵, three quarters of the way through the sparse phase.
"training GFLOPs (sparse-aware)" counts a forward product as sparse only when its
weight is exactly N:M and the backward as the flow computes it; "executed" is the dense
arithmetic our kernels ran.

## ViT on Fashion-MNIST (test accuracy, higher is better)

${part('vit')}
## Character-level GPT (validation bits per character, lower is better)

${part('gpt')}`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const sweep = studySweep({ quick: args.quick });
  const all = expandSweep(sweep);
  const selected = all.filter((s) => args.only === null || s.model === args.only);
  const pending = selected.filter((s) => readOutcome(args.out, s) === null);
  process.stderr.write(`pgf study: ${selected.length} runs selected, ${selected.length - pending.length} already complete in ${args.out}, ${pending.length} to run on ${args.jobs} worker(s)\n`);
  if (!args.aggregateOnly) await runPending(pending, args);

  const outcomes = all.map((s) => readOutcome(args.out, s)).filter((o): o is RunOutcome => o !== null);
  const rows = aggregate(outcomes);
  const resultsDir = args.quick ? args.out : here;
  const command = `node --import tsx examples/pgf/run-study.ts${args.quick ? ' --quick' : ''} --jobs ${args.jobs}`;
  writeFileAtomic(join(resultsDir, 'results.md'), resultsMarkdown(sweep, rows, outcomes, all.length, command));
  writeFileAtomic(join(resultsDir, 'results.json'), `${JSON.stringify({ command, sweep, runs: outcomes.length, of: all.length, rows }, null, 2)}\n`);
  for (const model of ['vit', 'gpt'] as const) {
    const dirs = outcomes.filter((o) => o.spec.model === model && o.spec.seed === sweep.seeds[0]).map((o) => join(args.out, o.spec.id));
    if (dirs.length === 0) continue;
    const path = renderComparisonReport(dirs, { title: `Gradient flows: ${model === 'vit' ? 'ViT on Fashion-MNIST' : 'character GPT'} (seed ${sweep.seeds[0]})`, out: join(resultsDir, `comparison-${model}.html`) });
    process.stderr.write(`comparison report: ${path}\n`);
  }
  process.stderr.write(`results: ${join(resultsDir, 'results.md')} (${outcomes.length} of ${all.length} runs complete)\n`);
}

await main();
