/**
 * `sparsekit export <run-or-checkpoint> --format nm|csr|bsr --out <file>`:
 * writes a compressed safetensors file: each sparse weight as its values and
 * positions (or indices) with its layout in the header metadata, every other
 * tensor dense. `loadCompressed` (library) reads it back into a model, which
 * then runs on the sparse kernels.
 * Input: a run folder (its model.safetensors, else its latest checkpoint with
 * the masks applied), a checkpoint.json or checkpoint safetensors, or any
 * model safetensors file.
 *
 * @example
 * // sparsekit export runs/vit-1x8 --format nm --out runs/vit-1x8/model-nm.safetensors
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { loadSafetensors, saveSafetensors } from '../../io/safetensors.js';
import type { CompressedLayerReport, CompressOptions } from '../../sparse/compress.js';
import { compressStateDict } from '../../sparse/compress-file.js';
import type { Tensor } from '../../tensor/tensor.js';
import { CHECKPOINT_JSON, MODEL_FILE, loadCheckpoint } from '../../train/checkpoint.js';
import { ConfigError } from '../../util/errors.js';

/** The model tensors of a run, checkpoint or model file, masks applied, with the file's metadata. */
export function readModelTensors(path: string): { tensors: Map<string, Tensor>; metadata: Record<string, string>; source: string } {
  if (!existsSync(path)) throw new ConfigError(`export: ${path} does not exist; give a run folder, a checkpoint.json or a .safetensors file`);
  let file = path;
  if (statSync(path).isDirectory()) {
    if (existsSync(join(path, MODEL_FILE))) file = join(path, MODEL_FILE);
    else if (existsSync(join(path, CHECKPOINT_JSON))) file = join(path, CHECKPOINT_JSON);
    else throw new ConfigError(`export: ${path} holds neither ${MODEL_FILE} nor ${CHECKPOINT_JSON}; point to a run folder written by sparsekit train`);
  }
  if (file.endsWith('.safetensors')) {
    const content = loadSafetensors(file);
    if (content.metadata.format !== 'sparsekit-checkpoint') return { tensors: content.tensors, metadata: content.metadata, source: file };
  }
  const ckpt = loadCheckpoint(file);
  const tensors = new Map(ckpt.model);
  // A checkpoint taken before the masks were baked in: apply them, as the forward does.
  for (const [key, mask] of ckpt.sparsity) {
    if (!key.endsWith('.mask')) continue;
    const w = tensors.get(key.slice(0, -'.mask'.length));
    if (w === undefined || w.size !== mask.size) continue;
    for (let i = 0; i < w.size; i++) w.data[i]! *= mask.data[i]!;
  }
  return { tensors, metadata: { step: String(ckpt.state.step) }, source: ckpt.tensorsPath };
}

function nmPattern(value: string): { n: number; m: number } {
  const match = /^(\d+):(\d+)$/.exec(value.trim());
  if (match === null) throw new InvalidArgumentError('expected N:M, for example 1:8 (N kept in every group of M).');
  return { n: Number(match[1]), m: Number(match[2]) };
}

function blockSize(value: string): { blockRows: number; blockCols: number } {
  const match = /^(\d+)x(\d+)$/i.exec(value.trim());
  if (match === null) throw new InvalidArgumentError('expected HxW, for example 16x16.');
  return { blockRows: Number(match[1]), blockCols: Number(match[2]) };
}

function fraction(value: string): number {
  const v = Number(value);
  if (!(v >= 0 && v <= 1)) throw new InvalidArgumentError('expected a number from 0 to 1.');
  return v;
}

function formatName(value: string): 'nm' | 'csr' | 'bsr' {
  if (value !== 'nm' && value !== 'csr' && value !== 'bsr') throw new InvalidArgumentError('expected nm, csr or bsr.');
  return value;
}

function row(r: CompressedLayerReport): string {
  return [r.name.padEnd(32), r.format.padEnd(10), `${(r.sparsity * 100).toFixed(1)}%`.padStart(7), `${(r.bytes / r.denseBytes).toFixed(3)}x`.padStart(8), r.chosen === 'sparse' ? '' : r.reason].join('  ');
}

/** The `export` command. */
export function exportCommand(): Command {
  return new Command('export')
    .description('write a compressed safetensors file (N:M, CSR or BSR weights) from a run, checkpoint or model file')
    .argument('<run-or-checkpoint>', 'run folder, checkpoint.json, checkpoint safetensors or model safetensors')
    .requiredOption('--format <format>', 'layout of the sparse weights: nm, csr or bsr', formatName)
    .requiredOption('--out <file>', 'the compressed .safetensors file to write')
    .option('--nm <n:m>', 'N:M pattern (default: the sparsest each weight satisfies)', nmPattern)
    .option('--block <HxW>', 'BSR block (default 16x16, or the largest of 8x8 and 4x4 that tiles)', blockSize)
    .option('--min-sparsity <f>', 'weights with fewer zeros stay dense', fraction, 0.5)
    .option('--json', 'print one JSON line per weight, then the file sizes')
    .action((input: string, o: { format: 'nm' | 'csr' | 'bsr'; out: string; nm?: { n: number; m: number }; block?: { blockRows: number; blockCols: number }; minSparsity: number; json?: boolean }) => {
      const { tensors, metadata, source } = readModelTensors(input);
      const opts: CompressOptions = {
        format: o.format,
        minSparsity: o.minSparsity,
        ...(o.nm === undefined ? {} : { nm: o.nm }),
        ...(o.block === undefined ? {} : { block: o.block }),
      };
      const packed = compressStateDict(tensors, opts);
      saveSafetensors(o.out, packed.entries, { metadata: { ...metadata, ...packed.metadata, format: 'sparsekit-compressed' } });
      let denseBytes = 0;
      for (const t of tensors.values()) denseBytes += t.size * 4;
      const fileBytes = statSync(o.out).size;
      if (o.json === true) {
        for (const r of packed.report) console.log(JSON.stringify(r));
        console.log(JSON.stringify({ source, out: o.out, file_bytes: fileBytes, dense_bytes: denseBytes, ratio: fileBytes / denseBytes }));
        return;
      }
      for (const r of packed.report) console.log(row(r));
      console.log(`${o.out}: ${fileBytes} bytes, ${(fileBytes / denseBytes).toFixed(3)}x the ${denseBytes} bytes of dense float32 (from ${source})`);
    });
}
