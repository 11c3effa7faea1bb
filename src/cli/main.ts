/**
 * The sparsekit command line: a thin dispatcher. Each command lives in
 * src/cli/commands/<command>.ts and is added here; a SparsekitError ends the
 * program with its message and exit code 1, without a stack trace.
 *
 * @example
 * // npx sparsekit bench gemm --json --threads 1
 */
import { Command } from 'commander';
import { SparsekitError } from '../util/errors.js';
import { benchCommand } from './commands/bench.js';
import { demoCommand } from './commands/demo.js';
import { evalCommand } from './commands/eval.js';
import { exportCommand } from './commands/export.js';
import { inspectCommand } from './commands/inspect.js';
import { trainCommand } from './commands/train.js';
import { reportCommand } from './commands/report.js';

const program = new Command('sparsekit')
  .description('Train, prune and run sparse neural networks')
  .showHelpAfterError()
  .addCommand(trainCommand())
  .addCommand(evalCommand())
  .addCommand(exportCommand())
  .addCommand(inspectCommand())
  .addCommand(demoCommand())
  .addCommand(benchCommand())
  .addCommand(reportCommand());

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (!(e instanceof SparsekitError)) throw e;
  console.error(`sparsekit: ${e.message}`);
  process.exitCode = 1;
}
