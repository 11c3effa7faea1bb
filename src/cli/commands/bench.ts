/**
 * `sparsekit bench <kernel>`: benchmarks that print a table, or JSON lines
 * with --json. Each kernel's benchmark is a subcommand in its own file.
 *
 * @example
 * program.addCommand(benchCommand()); // sparsekit bench gemm --json
 */
import { Command } from 'commander';
import { benchGemmCommand } from './bench-gemm.js';
import { benchModelCommand } from './bench-model.js';
import { benchSpmmCommand } from './bench-spmm.js';

/** The `bench` command with its subcommands. */
export function benchCommand(): Command {
  return new Command('bench').description('benchmark native kernels (JSON lines with --json)').addCommand(benchGemmCommand())
    .addCommand(benchSpmmCommand())
    .addCommand(benchModelCommand());
}
