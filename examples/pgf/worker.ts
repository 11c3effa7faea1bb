/**
 * A study worker: a child process of run-study.ts that trains the runs it is
 * sent, one at a time, and answers with each summary. It waits for the
 * native addon before loading the library (a teammate's rebuild may have
 * removed it for a moment); once loaded, the addon stays mapped for the
 * worker's life.
 *
 * @example
 * fork('examples/pgf/worker.ts', [outRoot], { execArgv: ['--import', 'tsx'] });
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSpec } from './sweep.js';

/** A message to a worker: train this run, or stop. */
export type WorkerRequest = { readonly kind: 'run'; readonly spec: RunSpec } | { readonly kind: 'stop' };

/** A worker's answer. */
export type WorkerReply =
  | { readonly kind: 'ready'; readonly backend: string }
  | { readonly kind: 'done'; readonly id: string; readonly ok: true; readonly wallSec: number }
  | { readonly kind: 'done'; readonly id: string; readonly ok: false; readonly error: string; readonly wallSec: number };

const ADDON_WAIT_SEC = 180;

async function main(): Promise<void> {
  const outRoot = process.argv[2];
  if (outRoot === undefined || process.send === undefined) throw new Error('worker.ts is started by run-study.ts (fork with an IPC channel and the output folder)');
  const send = (r: WorkerReply): void => void process.send!(r);
  const { addonPath } = await import('../../src/kernels/native/binding.js');
  for (let i = 0; i < ADDON_WAIT_SEC && process.env.SPARSEKIT_BACKEND !== 'reference' && !existsSync(addonPath); i++) {
    await new Promise((r) => setTimeout(r, 1000));
  }
  const { getBackend } = await import('../../src/kernels/index.js');
  const { parseRecipe } = await import('../../src/train/recipe-schema.js');
  const { train } = await import('../../src/train/trainer.js');
  send({ kind: 'ready', backend: getBackend() });
  process.on('message', (msg: WorkerRequest) => {
    if (msg.kind === 'stop') process.exit(0);
    const t0 = performance.now();
    const { spec } = msg;
    try {
      // A folder left by an interrupted run is started again from scratch (runs are short).
      rmSync(join(outRoot, spec.id), { recursive: true, force: true });
      train(parseRecipe(spec.recipe, `pgf sweep run ${spec.id}`), { name: spec.id, outRoot, quiet: true });
      send({ kind: 'done', id: spec.id, ok: true, wallSec: (performance.now() - t0) / 1000 });
    } catch (err) {
      send({ kind: 'done', id: spec.id, ok: false, error: (err as Error).message, wallSec: (performance.now() - t0) / 1000 });
    }
  });
}

await main();
