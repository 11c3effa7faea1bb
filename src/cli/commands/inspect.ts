/**
 * `sparsekit inspect <file.safetensors>`: every tensor's name, dtype, shape,
 * sparsity and the sparsest N:M pattern it satisfies.
 *
 * @example
 * // sparsekit inspect runs/vit-1x8/model.safetensors
 */
import { Command } from 'commander';
import { formatTensorTable, inspectSafetensors } from '../../train/inspect-tensors.js';

/** The `inspect` command. */
export function inspectCommand(): Command {
  return new Command('inspect')
    .description('list the tensors of a safetensors file: names, shapes, dtypes, sparsity, N:M validity')
    .argument('<file>', 'a .safetensors file (model.safetensors or a checkpoint)')
    .option('--json', 'print one JSON line per tensor')
    .action((file: string, o: { json?: boolean }) => {
      const rows = inspectSafetensors(file);
      if (o.json === true) for (const r of rows) console.log(JSON.stringify(r));
      else console.log(`${file}: ${rows.length} tensors\n${formatTensorTable(rows)}`);
    });
}
