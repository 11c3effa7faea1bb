/**
 * Compressed models: `compress(model)` swaps the sparse weights of its Linear
 * and Conv2d layers for compressed ones (N:M, CSR or BSR) that run on the
 * sparse kernels through the layer's forward override, keeping a layer sparse
 * only when it is faster on that layer's shape (unless forced), and reports
 * what it chose; `decompress(model)` goes back. With `train: true` the
 * compressed values are trainable parameters (`sparseParameters`): a
 * fixed-mask step then runs forward and both gradients on the sparse kernels.
 * compress-file.ts is the file side (sparsekit export).
 * Shapes: Linear weight [O, K], inputs [..., K]; Conv2d weight [O, C, kh, kw],
 * run as the matrix [O, kh·kw·C] (see sparse-conv2d.ts), inputs [B, C, H, W].
 */
import { packDense, describeFormat, dropPrepacked, prepackForInference } from '../formats/index.js';
import type { FormatName, FormatSpec, SparseMatrix } from '../formats/index.js';
import { Conv2d } from '../nn/conv2d.js';
import { Linear } from '../nn/linear.js';
import type { Module } from '../nn/module.js';
import type { WeightTransform } from '../nn/weight-transform.js';
import { conv2d } from '../ops/conv2d.js';
import { linear } from '../ops/linear.js';
import { noGrad } from '../tensor/grad-mode.js';
import { Tensor } from '../tensor/tensor.js';
import { Rng } from '../util/rng.js';
import { convFromMatrix, convToMatrix, sparseConv2d } from './sparse-conv2d.js';
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
  /**
   * Time dense and sparse on each layer's shape (default { batch: 256 }); false skips timing.
   * A Linear is timed on `batch` input rows. A convolution is timed on the
   * input `probe` (a forward on example data) gives it, or without a probe on
   * one image whose output has about `batch` pixels.
   */
  readonly measure?: false | { readonly batch: number; readonly minTimeMs?: number; readonly probe?: () => unknown };
  /** Keep every sparse layer sparse even when it measured slower (default false). */
  readonly force?: boolean;
  /** Make the compressed values trainable (see sparseParameters) (default false). */
  readonly train?: boolean;
  /**
   * Give weights that are not trained their prepacked layouts too (prepackNM,
   * prepackCSR): faster at batches up to 4 (N:M) or above 4 (CSR), for one
   * more copy of each such weight (default true; ignored with train).
   */
  readonly prepack?: boolean;
  /** Which Linear and Conv2d layers to consider, by qualified weight name (default all). */
  readonly select?: (name: string) => boolean;
}

/** What compress decided for one Linear or Conv2d layer. */
export interface CompressedLayerReport {
  readonly name: string;
  /** The weight's shape: [O, K], or [O, C, kh, kw] for a convolution. */
  readonly shape: readonly number[];
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

/** The layers compress can run sparse. */
export type CompressibleLayer = Linear | Conv2d;

interface CompressedLayer {
  readonly name: string;
  readonly matrix: SparseMatrix;
  readonly values: Tensor;
  readonly transform: WeightTransform | undefined;
}

const layers = new WeakMap<CompressibleLayer, CompressedLayer>();

/**
 * The sparsest N:M pattern (n < m, m in 2..32) a weight satisfies at half
 * density or less, or null. Groups run along the input dimension: K of a
 * [O, K] weight, C at each kernel position of a [O, C, kh, kw] one (m must
 * divide it).
 *
 * @example
 * detectNM(fc.weight);   // { n: 1, m: 8 } after an nmMask({ n: 1, m: 8 })
 */
export function detectNM(w: Tensor): { n: number; m: number } | null {
  return w.ndim === 4 ? detectMatrixNM(convToMatrix(w), w.shape[1]!) : detectMatrixNM(w, w.shape[1]!);
}

/** detectNM on the [O, K] matrix the kernels run, with groups that must divide `groupDim`. */
function detectMatrixNM(w: Tensor, groupDim: number): { n: number; m: number } | null {
  const [rows, cols] = w.shape as [number, number];
  let best: { n: number; m: number } | null = null;
  for (const m of [2, 4, 8, 16, 32]) {
    if (groupDim % m !== 0) continue;
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

/** Fraction of exact zeros. */
export function zeroFraction(w: Tensor): number {
  let z = 0;
  for (const v of w.data) if (v === 0) z++;
  return z / w.size;
}

function defaultBlock(rows: number, cols: number): { blockRows: number; blockCols: number } | null {
  for (const b of [16, 8, 4]) if (rows % b === 0 && cols % b === 0) return { blockRows: b, blockCols: b };
  return null;
}

/**
 * The layout for one weight under the options, or a reason it stays dense.
 * `matrix` is the [O, K] matrix the kernels run; N:M groups must divide `groupDim`.
 */
export function chooseSpec(matrix: Tensor, groupDim: number, sparsity: number, opts: CompressOptions): FormatSpec | string {
  const minSparsity = opts.minSparsity ?? 0.5;
  if (sparsity < minSparsity) return `${(sparsity * 100).toFixed(1)}% zeros is below minSparsity ${minSparsity}`;
  const format = opts.format ?? 'auto';
  const [rows, cols] = matrix.shape as [number, number];
  if (format === 'nm' || format === 'auto') {
    const nm = opts.nm ?? detectMatrixNM(matrix, groupDim);
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

/**
 * Runs `layer` on the compressed `matrix` (its weight read as convToMatrix
 * lays it out, for a convolution): trainable values with `train`, else a
 * fixed weight, prepacked unless `prepack` is false.
 */
export function install(layer: CompressibleLayer, name: string, matrix: SparseMatrix, opts: { readonly train: boolean; readonly prepack?: boolean }): void {
  // A trained weight must not be prepacked: the layouts copy the values.
  if (!opts.train && opts.prepack !== false) prepackForInference(matrix);
  const values = new Tensor(matrix.values, [matrix.values.length]).requireGrad(opts.train);
  const transform = layer.weightTransform('weight');
  layer.clearWeightTransform('weight');
  layers.set(layer, { name, matrix, values, transform });
  const forward = sparseForward(layer, matrix, values);
  layer.setForwardOverride((x, _w, bias) => forward(x, bias));
}

// The layer's product on a compressed weight; `values` is the trained tensor, or null when the weight is fixed.
function sparseForward(layer: CompressibleLayer, matrix: SparseMatrix, values: Tensor | null): (x: Tensor, bias: Tensor | null) => Tensor {
  if (layer instanceof Linear) return (x, bias) => sparseLinear(x, matrix, values, bias);
  const geom = { kernelSize: layer.kernelSize, stride: layer.stride, padding: layer.padding };
  return (x, bias) => sparseConv2d(x, matrix, values, bias, geom);
}

/** Every Linear and Conv2d layer under `root` with its weight's qualified name. */
export function compressibleLayers(root: Module): Array<[string, CompressibleLayer]> {
  const out: Array<[string, CompressibleLayer]> = [];
  for (const [prefix, m] of root.namedModules()) {
    if (m instanceof Linear || m instanceof Conv2d) out.push([prefix === '' ? 'weight' : `${prefix}.weight`, m]);
  }
  return out;
}

/** The input shape each convolution under `root` sees when `probe` runs (a dense forward, no tape). */
function probeConvInputs(root: Module, probe: () => unknown): Map<Conv2d, readonly number[]> {
  const shapes = new Map<Conv2d, readonly number[]>();
  const convs = compressibleLayers(root).flatMap(([, l]) => (l instanceof Conv2d && !layers.has(l) ? [l] : []));
  for (const c of convs) {
    c.setForwardOverride((x, w, bias) => {
      shapes.set(c, x.shape);
      return conv2d(x, w, bias, { stride: c.stride, padding: c.padding, groups: c.groups });
    });
  }
  try {
    noGrad(probe);
  } finally {
    for (const c of convs) c.setForwardOverride(null);
  }
  return shapes;
}

/** The timing input of a layer: `batch` rows for a Linear; for a convolution, its probed shape or one image with about `batch` output pixels. */
function timingInput(layer: CompressibleLayer, batch: number, probed: ReadonlyMap<Conv2d, readonly number[]>, rng: Rng): Tensor {
  let shape: readonly number[];
  if (layer instanceof Linear) {
    shape = [batch, layer.inFeatures];
  } else {
    const side = Math.ceil(Math.sqrt(batch));
    const [kh, kw] = layer.kernelSize;
    const [sh, sw] = layer.stride;
    const [ph, pw] = layer.padding;
    shape = probed.get(layer) ?? [1, layer.inChannels, Math.max(kh, (side - 1) * sh + kh - 2 * ph), Math.max(kw, (side - 1) * sw + kw - 2 * pw)];
  }
  const size = shape.reduce((a, d) => a * d, 1);
  return new Tensor(Float32Array.from({ length: size }, () => rng.uniform(-1, 1)), shape);
}

/** The dense and the sparse forward of one layer, for timing. */
function forwards(layer: CompressibleLayer, w: Tensor, matrix: SparseMatrix): [(x: Tensor) => Tensor, (x: Tensor) => Tensor] {
  const sparse = sparseForward(layer, matrix, null);
  const dense = layer instanceof Linear ? (x: Tensor) => linear(x, w, layer.bias) : (x: Tensor) => conv2d(x, w, layer.bias, { stride: layer.stride, padding: layer.padding });
  return [dense, (x) => sparse(x, layer.bias)];
}

/**
 * Compresses every sparse Linear and Conv2d weight of `model` and reports each
 * layer's choice. The weights are read through their transforms, so masks
 * applied by a sparsity plan are honoured. Grouped convolutions stay dense.
 *
 * @example
 * const report = compress(model, { format: 'nm', measure: { batch: 197 } });
 * compress(cnn, { measure: { batch: 256, probe: () => cnn.forward(images) } }); // convs timed on their real inputs
 * console.table(report.map((r) => [r.name, r.format, r.chosen, r.denseMs, r.sparseMs]));
 */
export function compress(model: Module, opts: CompressOptions = {}): CompressedLayerReport[] {
  const report: CompressedLayerReport[] = [];
  const rng = new Rng(0);
  const measure = opts.measure ?? { batch: 256 };
  const probed = measure !== false && measure.probe !== undefined ? probeConvInputs(model, measure.probe) : new Map<Conv2d, readonly number[]>();
  for (const [name, layer] of compressibleLayers(model)) {
    if (layers.has(layer) || (opts.select !== undefined && !opts.select(name))) continue;
    const w = noGrad(() => layer.effectiveParameter('weight'));
    const sparsity = zeroFraction(w);
    const base = { name, shape: w.shape, sparsity, denseBytes: w.size * 4 };
    const dense = (reason: string): void => void report.push({ ...base, format: 'dense', chosen: 'dense', reason, bytes: w.size * 4, denseMs: null, sparseMs: null });
    if (layer instanceof Conv2d && layer.groups !== 1) {
      dense(`grouped convolution (groups ${layer.groups}) has no sparse kernel`);
      continue;
    }
    const matrix = layer instanceof Conv2d ? convToMatrix(w) : w;
    const spec = chooseSpec(matrix, w.shape[1]!, sparsity, opts);
    if (typeof spec === 'string') {
      dense(spec);
      continue;
    }
    const packed = packDense(matrix, spec, name);
    // Before timing, so that a small measuring batch runs the layout inference will use.
    if (opts.train !== true && opts.prepack !== false) prepackForInference(packed);
    let denseMs: number | null = null;
    let sparseMs: number | null = null;
    if (measure !== false) {
      const x = timingInput(layer, measure.batch, probed, rng);
      const [df, sf] = forwards(layer, w, packed);
      [denseMs, sparseMs] = noGrad(() => timeLayer(() => df(x), () => sf(x), measure.minTimeMs ?? 20));
    }
    const faster = denseMs === null || sparseMs === null || sparseMs < denseMs;
    const keep = faster || opts.force === true;
    const reason = !faster ? (keep ? 'slower, kept sparse (force)' : 'slower than dense on this shape') : denseMs === null ? 'not timed' : 'faster';
    report.push({ ...base, format: describeFormat(packed), chosen: keep ? 'sparse' : 'dense', reason, bytes: packed.byteSize(), denseMs, sparseMs });
    if (keep) install(layer, name, packed, { train: opts.train === true, prepack: opts.prepack !== false });
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
  for (const [, layer] of compressibleLayers(model)) {
    const c = layers.get(layer);
    if (c === undefined) continue;
    const dense = c.matrix.toDense();
    layer.weight.data.set((layer instanceof Conv2d ? convFromMatrix(dense, layer.weight.shape) : dense).data);
    layer.setForwardOverride(null);
    if (c.transform !== undefined) layer.setWeightTransform('weight', c.transform);
    layers.delete(layer);
  }
}

/**
 * The trainable compressed values, named `<weight>.values`, for an optimizer
 * (with the model's other parameters, less the dense weights they replace).
 * Their weights lose any prepacked layout (compressed for inference, then
 * handed to an optimizer), which would go stale as the values change.
 *
 * @example
 * compress(model, { format: 'csr', train: true, force: true });
 * const opt = new SGD([...denseParametersOf(model), ...sparseParameters(model)], { lr: 0.1 });
 */
export function sparseParameters(model: Module): Array<[string, Tensor]> {
  const out: Array<[string, Tensor]> = [];
  for (const [, layer] of compressibleLayers(model)) {
    const c = layers.get(layer);
    if (c === undefined) continue;
    dropPrepacked(c.matrix);
    out.push([`${c.name}.values`, c.values]);
  }
  return out;
}

/** The model's parameters except the dense weights that compressed layers replace. */
export function denseParametersOf(model: Module): Array<[string, Tensor]> {
  const replaced = new Set<Tensor>();
  for (const [, layer] of compressibleLayers(model)) if (layers.has(layer)) replaced.add(layer.weight);
  return model.namedParameters().filter(([, p]) => !replaced.has(p));
}

/** The compressed matrix a Linear or Conv2d runs on (a convolution's laid out as convToMatrix does), or null. */
export function compressedWeight(layer: CompressibleLayer): SparseMatrix | null {
  return layers.get(layer)?.matrix ?? null;
}
