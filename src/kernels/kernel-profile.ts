/**
 * Wall time per kernel, for finding where a training step goes
 * (SPARSEKIT_KERNEL_PROFILE=1). The table goes to stderr when the process exits:
 * kernel, calls, total ms, share of all kernel time.
 *
 * @example
 * SPARSEKIT_KERNEL_PROFILE=1 npx tsx bench/train-step.ts examples/fmnist-cnn.yaml
 */
import { alignColumns } from '../util/text-table.js';

const totals = new Map<string, { calls: number; ms: number }>();

/** Adds one call of `name` that took `ms`. */
export function recordKernelTime(name: string, ms: number): void {
  const entry = totals.get(name);
  if (entry === undefined) totals.set(name, { calls: 1, ms });
  else {
    entry.calls++;
    entry.ms += ms;
  }
}

/** The table of recorded kernel times, largest first. */
export function kernelProfileTable(): string {
  const rows = [...totals].sort((a, b) => b[1].ms - a[1].ms);
  const all = rows.reduce((s, [, e]) => s + e.ms, 0);
  return alignColumns(
    [['kernel', 'calls', 'ms', 'share'], ...rows.map(([name, e]) => [name, String(e.calls), e.ms.toFixed(1), `${((100 * e.ms) / all).toFixed(1)}%`])],
    'numbers',
  );
}

process.once('exit', () => {
  if (totals.size > 0) process.stderr.write(`kernel time (SPARSEKIT_KERNEL_PROFILE=1)\n${kernelProfileTable()}\n`);
});
