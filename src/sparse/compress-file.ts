/**
 * Compressed files, the file side of compress.ts (sparsekit export / eval):
 * a state dict's sparse weights packed into file entries, and a file's
 * content loaded into a model whose compressed Linear and Conv2d layers then
 * run on the sparse kernels. A convolution weight [O, C, kh, kw] is stored as
 * the matrix [O, kh·kw·C] (sparse-conv2d.ts), its 4-D shape in the layout's
 * `convShape`.
 */
import { packDense, encodeMatrix, decodeMatrix, describeFormat, storedLayouts, FORMATS_METADATA_KEY } from '../formats/index.js';
import type { IndexEntry, SparseMatrix, StoredContent, StoredLayout } from '../formats/index.js';
import { Conv2d } from '../nn/conv2d.js';
import type { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import { FormatError } from '../util/errors.js';
import { chooseSpec, compressibleLayers, install, zeroFraction, type CompressOptions, type CompressedLayerReport } from './compress.js';
import { convFromMatrix, convToMatrix } from './sparse-conv2d.js';

/** A state dict's entries for a compressed file, with the report of what was packed. */
export interface CompressedEntries {
  /** Everything to write: dense tensors, compressed values and their index entries. */
  readonly entries: Map<string, Tensor | IndexEntry>;
  readonly metadata: Record<string, string>;
  readonly report: CompressedLayerReport[];
}

/**
 * Packs the 2-D and 4-D (convolution) `*.weight` tensors of a state dict that
 * are sparse enough (the rest stay dense F32) into the entries of a
 * compressed file. A convolution's N:M groups run along its input channels.
 *
 * @example
 * const e = compressStateDict(model.stateDict(), { format: 'nm' });
 * saveSafetensors('model-1x8.safetensors', e.entries, { metadata: e.metadata });
 */
export function compressStateDict(dict: ReadonlyMap<string, Tensor>, opts: CompressOptions = {}): CompressedEntries {
  const entries = new Map<string, Tensor | IndexEntry>();
  const layouts: Record<string, StoredLayout> = {};
  const report: CompressedLayerReport[] = [];
  for (const [name, w] of dict) {
    if ((w.ndim !== 2 && w.ndim !== 4) || !name.endsWith('.weight') || (opts.select !== undefined && !opts.select(name))) {
      entries.set(name, w);
      continue;
    }
    const sparsity = zeroFraction(w);
    const matrix = w.ndim === 4 ? convToMatrix(w) : w;
    const spec = chooseSpec(matrix, w.shape[1]!, sparsity, opts);
    const base = { name, shape: w.shape, sparsity, denseBytes: w.size * 4, denseMs: null, sparseMs: null };
    if (typeof spec === 'string') {
      entries.set(name, w);
      report.push({ ...base, format: 'dense', chosen: 'dense', reason: spec, bytes: w.size * 4 });
      continue;
    }
    const packed = packDense(matrix, spec, name);
    const e = encodeMatrix(name, packed, w.ndim === 4 ? (w.shape as [number, number, number, number]) : undefined);
    let bytes = 0;
    for (const t of e.tensors.values()) bytes += t.data.byteLength;
    for (const t of e.indices.values()) bytes += t.data.byteLength;
    if (bytes >= w.size * 4) {
      entries.set(name, w);
      report.push({ ...base, format: describeFormat(packed), chosen: 'dense', reason: `${describeFormat(packed)} takes ${bytes} bytes, no fewer than dense`, bytes: w.size * 4 });
      continue;
    }
    for (const [k, t] of e.tensors) entries.set(k, t);
    for (const [k, t] of e.indices) entries.set(k, t);
    layouts[name] = e.layout;
    report.push({ ...base, format: describeFormat(packed), chosen: 'sparse', reason: 'packed', bytes });
  }
  return { entries, metadata: { [FORMATS_METADATA_KEY]: JSON.stringify(layouts) }, report };
}

/**
 * Loads a compressed file's content into `model`: dense tensors as they are,
 * compressed Linear and (ungrouped) Conv2d weights as sparse layers (their
 * dense parameter is filled too, so stateDict and decompress work), other
 * compressed tensors unpacked. Throws a FormatError naming any weight the
 * model lacks or the file lacks. As compress, weights not trained are
 * prepacked unless `prepack` is false.
 *
 * @example
 * loadCompressed(model, loadSafetensors('model-1x8.safetensors'), { source: 'model-1x8.safetensors' });
 * model.eval(); model.forward(x); // runs on the sparse kernels
 */
export function loadCompressed(model: Module, content: StoredContent, opts: { source?: string; train?: boolean; prepack?: boolean } = {}): void {
  const source = opts.source ?? 'compressed file';
  const layouts = storedLayouts(content.metadata, source);
  const byName = new Map(compressibleLayers(model));
  const dense = new Map<string, Tensor>();
  const own = new Set<string>();
  for (const name of layouts.keys()) for (const s of ['.values', '.positions', '.row_ptr', '.col_idx']) own.add(name + s);
  for (const [k, t] of content.tensors) if (!own.has(k)) dense.set(k, t);
  const decoded = new Map<string, SparseMatrix>();
  for (const [name, layout] of layouts) {
    const m = decodeMatrix(content, name, layout, source);
    decoded.set(name, m);
    dense.set(name, layout.convShape === undefined ? m.toDense() : convFromMatrix(m.toDense(), layout.convShape));
  }
  try {
    model.loadStateDict(dense, { source });
  } catch (e) {
    throw new FormatError(`${source}: ${(e as Error).message}`);
  }
  for (const [name, m] of decoded) {
    const layer = byName.get(name);
    // A grouped convolution's weight is not the matrix its kernels run: it stays dense.
    if (layer !== undefined && !(layer instanceof Conv2d && layer.groups !== 1)) install(layer, name, m, { train: opts.train === true, prepack: opts.prepack !== false });
  }
}
