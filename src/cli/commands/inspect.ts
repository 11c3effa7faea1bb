/**
 * `sparsekit inspect <file.safetensors>`: every tensor's name, dtype, shape,
 * sparsity and the sparsest N:M pattern it satisfies; for a compressed file
 * (from `sparsekit export`), also each weight's stored format and its size
 * against dense float32.
 *
 * @example
 * // sparsekit inspect runs/vit-1x8/model.safetensors
 */
import { Command } from 'commander';
import { formatTensorTable, inspectSafetensors } from '../../train/inspect-tensors.js';
import { readSafetensorsHeader } from '../../io/safetensors-header.js';
import { storedSizes, type StoredSize } from '../../formats/index.js';
import { alignColumns } from '../../util/text-table.js';

/** The `inspect` command. */
export function inspectCommand(): Command {
  return new Command('inspect')
    .description('list the tensors of a safetensors file: names, shapes, dtypes, sparsity, N:M validity')
    .argument('<file>', 'a .safetensors file (model.safetensors or a checkpoint)')
    .option('--json', 'print one JSON line per tensor')
    .action((file: string, o: { json?: boolean }) => {
      const rows = inspectSafetensors(file);
      const header = readSafetensorsHeader(file);
      const stored = header.metadata.format === 'sparsekit-compressed' ? storedSizes(header.entries, header.metadata, file) : null;
      if (o.json === true) {
        for (const r of rows) console.log(JSON.stringify(r));
        for (const w of stored ?? []) console.log(JSON.stringify({ weight: w.name, format: w.format, shape: w.shape, bytes: w.bytes, denseBytes: w.denseBytes, ratio: w.ratio }));
        return;
      }
      console.log(`${file}: ${rows.length} tensors\n${formatTensorTable(rows)}`);
      if (stored !== null) console.log(`\nStored weights (compressed file):\n${formatStoredTable(stored)}`);
    });
}

/** Each weight's stored format and bytes against dense float32, with the file's total. */
function formatStoredTable(rows: readonly StoredSize[]): string {
  const cells = [['weight', 'format', 'shape', 'bytes', 'vs dense'], ...rows.map((r) => [r.name, r.format, `[${r.shape.join(', ')}]`, String(r.bytes), `${r.ratio.toFixed(3)}x`])];
  const bytes = rows.reduce((a, r) => a + r.bytes, 0);
  const dense = rows.reduce((a, r) => a + r.denseBytes, 0);
  cells.push(['total', '', '', String(bytes), `${(bytes / dense).toFixed(3)}x`]);
  return alignColumns(cells);
}
