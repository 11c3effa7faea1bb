/**
 * Compressed models: `compress(model)` swaps the sparse weights of its
 * Linear layers for compressed ones (N:M, CSR or BSR) that run on the sparse
 * kernels through the layer's forward override, keeping a layer sparse only
 * when it is faster on that layer's shape (unless forced), and reports what it
 * chose; `decompress(model)` goes back. With `train: true` the compressed
 * values are trainable parameters (`sparseParameters`): a fixed-mask step then
 * runs forward and both gradients on the sparse kernels.
 * `compressStateDict` / `loadCompressed` are the file side (sparsekit export).
 * Shapes: Linear weight [O, K]; inputs [..., K].
 */
import { packDense, encodeMatrix, decodeMatrix, describeFormat, storedLayouts, FORMATS_METADATA_KEY } from '../formats/index.js';
import type { FormatName, FormatSpec, IndexEntry, SparseMatrix, StoredContent, StoredLayout } from '../formats/index.js';
import { Linear } from '../nn/linear.js';
import type { Module } from '../nn/module.js';
import type { WeightTransform } from '../nn/weight-transform.js';
import { linear } from '../ops/linear.js';
import { noGrad } from '../tensor/grad-mode.js';
import { Tensor } from '../tensor/tensor.js';
import { FormatError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { sparseLinear } from './sparse-linear.js';

export interface CompressOptions {
  /** Layout, or 'auto': N:M when the weight is N:M at half density or less, else CSR (default 'auto'). */
  readonly format?: 'auto' | FormatName;
  /** N:M pattern for format 'nm' (default: the sparsest one each weight satisfies). */
  readonly nm?: { readonly n: number; readonly m: number };
  /** BSR block (default 16×16, or the largest power of two from 16 down to 4 that tiles the weight). */
  readonly block?: { readonly blockRows: number; readonly blockCols: number };
  /** Layers with fewer zeros than this stay dense (default 0.5). */
  readonly minSparsity?: number;
  /** Time dense and sparse on each layer's shape with this many input rows (default 256); false skips timing. */
  readonly measure?: false | { readonly batch: number; readonly minTimeMs?: number };
  /** Keep every sparse layer sparse even when it measured slower (default false). */
  readonly force?: boolean;
  /** Make the compressed values trainable (see sparseParameters) (default false). */
  readonly train?: boolean;
  /** Which Linear layers to consider, by qualified weight name (default all). */
  readonly select?: (name: string) => boolean;
}

/** What compress decided for one Linear layer. */
export interface CompressedLayerReport {
  readonly name: string;
  readonly shape: readonly [number, number];
  readonly sparsity: number;
  /** 'dense' or the layout tried, such as 'nm 1:8'. */
  readonly format: string;
  readonly chosen: 'sparse' | 'dense';
  readonly reason: string;
  readonly bytes: number;
  readonly denseBytes: number;
  readonly denseMs: number | null;
  readonly sparseMs: number | null;
}

interface CompressedLayer {
  readonly name: string;
  readonly matrix: SparseMatrix;
  readonly values: Tensor;
  readonly transform: WeightTransform | undefined;
}

const layers = new WeakMap<Linear, CompressedLayer>();

/** The sparsest N:M pattern (n < m, m in 2..32 dividing K) a [O, K] weight satisfies at half density or less, or null. */
export function detectNM(w: Tensor): { n: number; m: number } | null {
  const [rows, cols] = w.shape as [number, number];
  let best: { n: number; m: number } | null = null;
  for (const m of [2, 4, 8, 16, 32]) {
    if (cols % m !== 0) continue;
    let n = 0;
    for (let g = 0; g < rows * cols; g += m) {
      let nz = 0;
      for (let j = 0; j < m; j++) if (w.data[g + j] !== 0) nz++;
      if (nz > n) n = nz;
    }
    n = Math.max(n, 1);
    if (n >= m || n / m > 0.5) continue;
    if (best === null || n / m < best.n / best.m) best = { n, m };
  }
  return best;
}

function zeroFraction(w: Tensor): number {
  let z = 0;
  for (const v of w.data) if (v === 0) z++;
  return z / w.size;
}

function defaultBlock(rows: number, cols: number): { blockRows: number; blockCols: number } | null {
  for (const b of [16, 8, 4]) if (rows % b === 0 && cols % b === 0) return { blockRows: b, blockCols: b };
  return null;
}

/** The layout for one weight under the options, or a reason it stays dense. */
function chooseSpec(w: Tensor, sparsity: number, opts: CompressOptions): FormatSpec | string {
  const minSparsity = opts.minSparsity ?? 0.5;
  if (sparsity < minSparsity) return `${(sparsity * 100).toFixed(1)}% zeros is below minSparsity ${minSparsity}`;
  const format = opts.format ?? 'auto';
  const [rows, cols] = w.shape as [number, number];
  if (format === 'nm' || format === 'auto') {
    const nm = opts.nm ?? detectNM(w);
    if (nm !== null) return { format: 'nm', ...nm };
    if (format === 'nm') return 'not N:M at half density or less';
    return { format: 'csr' };
  }
  if (format === 'bsr') {
    const block = opts.block ?? defaultBlock(rows, cols);
    return block === null ? `no block from 16 down to 4 tiles ${rows}×${cols}` : { format: 'bsr', ...block };
  }
  return { format: 'csr' };
}

/** Best times of a dense and a sparse forward, alternated (milliseconds). */
function timeLayer(dense: () => unknown, sparse: () => unknown, minTimeMs: number): [number, number] {
  dense();
  sparse();
  let bd = Infinity;
  let bs = Infinity;
  let spent = 0;
  for (let round = 0; round < 3 || spent < minTimeMs; round++) {
    const t0 = performance.now();
    dense();
    const t1 = performance.now();
    sparse();
    const t2 = performance.now();
    bd = Math.min(bd, t1 - t0);
    bs = Math.min(bs, t2 - t1);
    spent += t2 - t0;
  }
  return [bd, bs];
}

function install(layer: Linear, name: string, matrix: SparseMatrix, train: boolean): void {
  const values = new Tensor(matrix.values, [matrix.values.length]).requireGrad(train);
  const transform = layer.weightTransform('weight');
  layer.clearWeightTransform('weight');
  layers.set(layer, { name, matrix, values, transform });
  layer.setForwardOverride((x, _w, bias) => sparseLinear(x, matrix, values, bias));
}

/** Every Linear layer under `root` with its weight's qualified name. */
function linearLayers(root: Module): Array<[string, Linear]> {
  const out: Array<[string, Linear]> = [];
  for (const [prefix, m] of root.namedModules()) if (m instanceof Linear) out.push([prefix === '' ? 'weight' : `${prefix}.weight`, m]);
  return out;
}

/**
 * Compresses every sparse Linear weight of `model` and reports each layer's
 * choice. The weights are read through their transforms, so masks applied by
 * a sparsity plan are honoured.
 *
 * @example
 * const report = compress(model, { format: 'nm', measure: { batch: 197 } });
 * console.table(report.map((r) => [r.name, r.format, r.chosen, r.denseMs, r.sparseMs]));
 */
export function compress(model: Module, opts: CompressOptions = {}): CompressedLayerReport[] {
  const report: CompressedLayerReport[] = [];
  const rng = new Rng(0);
  for (const [name, layer] of linearLayers(model)) {
    if (layers.has(layer) || (opts.select !== undefined && !opts.select(name))) continue;
    const w = noGrad(() => layer.effectiveParameter('weight'));
    const [rows, cols] = w.shape as [number, number];
    const sparsity = zeroFraction(w);
    const base = { name, shape: [rows, cols] as const, sparsity, denseBytes: w.size * 4 };
    const spec = chooseSpec(w, sparsity, opts);
    if (typeof spec === 'string') {
      report.push({ ...base, format: 'dense', chosen: 'dense', reason: spec, bytes: w.size * 4, denseMs: null, sparseMs: null });
      continue;
    }
    const matrix = packDense(w, spec, name);
    const measure = opts.measure ?? { batch: 256 };
    let denseMs: number | null = null;
    let sparseMs: number | null = null;
    if (measure !== false) {
      const x = new Tensor(Float32Array.from({ length: measure.batch * cols }, () => rng.uniform(-1, 1)), [measure.batch, cols]);
      [denseMs, sparseMs] = noGrad(() =>
        timeLayer(() => linear(x, w, layer.bias), () => sparseLinear(x, matrix, null, layer.bias), measure.minTimeMs ?? 20),
      );
    }
    const faster = denseMs === null || sparseMs === null || sparseMs < denseMs;
    const keep = faster || opts.force === true;
    const reason = !faster ? (keep ? 'slower, kept sparse (force)' : 'slower than dense on this shape') : denseMs === null ? 'not timed' : 'faster';
    report.push({ ...base, format: describeFormat(matrix), chosen: keep ? 'sparse' : 'dense', reason, bytes: matrix.byteSize(), denseMs, sparseMs });
    if (keep) install(layer, name, matrix, opts.train === true);
  }
  return report;
}

/**
 * Restores dense weights (with the compressed values, trained or not), the
 * layers' weight transforms and their plain forward.
 *
 * @example
 * decompress(model); model.stateDict(); // dense weights again
 */
export function decompress(model: Module): void {
  for (const [, layer] of linearLayers(model)) {
    const c = layers.get(layer);
    if (c === undefined) continue;
    layer.weight.data.set(c.matrix.toDense().data);
    layer.setForwardOverride(null);
    if (c.transform !== undefined) layer.setWeightTransform('weight', c.transform);
    layers.delete(layer);
  }
}

/**
 * The trainable compressed values, named `<weight>.values`, for an optimizer
 * (with the model's other parameters, less the dense weights they replace).
 *
 * @example
 * compress(model, { format: 'csr', train: true, force: true });
 * const opt = new SGD([...denseParametersOf(model), ...sparseParameters(model)], { lr: 0.1 });
 */
export function sparseParameters(model: Module): Array<[string, Tensor]> {
  const out: Array<[string, Tensor]> = [];
  for (const [, layer] of linearLayers(model)) {
    const c = layers.get(layer);
    if (c !== undefined) out.push([`${c.name}.values`, c.values]);
  }
  return out;
}

/** The model's parameters except the dense weights that compressed layers replace. */
export function denseParametersOf(model: Module): Array<[string, Tensor]> {
  const replaced = new Set<Tensor>();
  for (const [, layer] of linearLayers(model)) if (layers.has(layer)) replaced.add(layer.weight);
  return model.namedParameters().filter(([, p]) => !replaced.has(p));
}

/** The compressed matrix a Linear runs on, or null. */
export function compressedWeight(layer: Linear): SparseMatrix | null {
  return layers.get(layer)?.matrix ?? null;
}

/** A state dict's entries for a compressed file, with the report of what was packed. */
export interface CompressedEntries {
  /** Everything to write: dense tensors, compressed values and their index entries. */
  readonly entries: Map<string, Tensor | IndexEntry>;
  readonly metadata: Record<string, string>;
  readonly report: CompressedLayerReport[];
}

/**
 * Packs the 2-D `*.weight` tensors of a state dict that are sparse enough
 * (the rest stay dense F32) into the entries of a compressed file.
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
    if (w.ndim !== 2 || !name.endsWith('.weight') || (opts.select !== undefined && !opts.select(name))) {
      entries.set(name, w);
      continue;
    }
    const sparsity = zeroFraction(w);
    const spec = chooseSpec(w, sparsity, opts);
    const base = { name, shape: [w.shape[0]!, w.shape[1]!] as const, sparsity, denseBytes: w.size * 4, denseMs: null, sparseMs: null };
    if (typeof spec === 'string') {
      entries.set(name, w);
      report.push({ ...base, format: 'dense', chosen: 'dense', reason: spec, bytes: w.size * 4 });
      continue;
    }
    const matrix = packDense(w, spec, name);
    const e = encodeMatrix(name, matrix);
    let bytes = 0;
    for (const t of e.tensors.values()) bytes += t.data.byteLength;
    for (const t of e.indices.values()) bytes += t.data.byteLength;
    if (bytes >= w.size * 4) {
      entries.set(name, w);
      report.push({ ...base, format: describeFormat(matrix), chosen: 'dense', reason: `${describeFormat(matrix)} takes ${bytes} bytes, no fewer than dense`, bytes: w.size * 4 });
      continue;
    }
    for (const [k, t] of e.tensors) entries.set(k, t);
    for (const [k, t] of e.indices) entries.set(k, t);
    layouts[name] = e.layout;
    report.push({ ...base, format: describeFormat(matrix), chosen: 'sparse', reason: 'packed', bytes });
  }
  return { entries, metadata: { [FORMATS_METADATA_KEY]: JSON.stringify(layouts) }, report };
}

/**
 * Loads a compressed file's content into `model`: dense tensors as they are,
 * compressed Linear weights as sparse layers (their dense parameter is filled
 * too, so stateDict and decompress work), other compressed tensors unpacked.
 * Throws a FormatError naming any weight the model lacks or the file lacks.
 *
 * @example
 * loadCompressed(model, loadSafetensors('model-1x8.safetensors'), { source: 'model-1x8.safetensors' });
 * model.eval(); model.forward(x); // runs on the sparse kernels
 */
export function loadCompressed(model: Module, content: StoredContent, opts: { source?: string; train?: boolean } = {}): void {
  const source = opts.source ?? 'compressed file';
  const layouts = storedLayouts(content.metadata, source);
  const byName = new Map(linearLayers(model));
  const dense = new Map<string, Tensor>();
  const own = new Set<string>();
  for (const name of layouts.keys()) for (const s of ['.values', '.positions', '.row_ptr', '.col_idx']) own.add(name + s);
  for (const [k, t] of content.tensors) if (!own.has(k)) dense.set(k, t);
  const decoded = new Map<string, SparseMatrix>();
  for (const [name, layout] of layouts) {
    const m = decodeMatrix(content, name, layout, source);
    decoded.set(name, m);
    dense.set(name, m.toDense());
  }
  try {
    model.loadStateDict(dense, { source });
  } catch (e) {
    throw new FormatError(`${source}: ${(e as Error).message}`);
  }
  for (const [name, m] of decoded) {
    const layer = byName.get(name);
    if (layer !== undefined) install(layer, name, m, opts.train === true);
  }
}
