/**
 * What the importers of other libraries' weights share: checking a
 * name -> Tensor dict against the names and shapes a model expects (with
 * errors that list the missing, mis-shaped and unexpected keys), and the
 * row/column moves that split or fuse q, k, v and transpose Conv1D layouts.
 * Shapes: a matrix [R, K] is R rows of K values, row-major.
 */
import type { StateDict } from '../nn/module.js';
import { Tensor } from '../tensor/tensor.js';
import { FormatError, ShapeError, fmtShape } from '../util/errors.js';

export interface ExternalLoadOptions {
  /** Where the tensors came from (a file path), for error messages. */
  readonly source?: string;
}

/** A StateDict (Map or record) as a Map. */
export function asMap(dict: StateDict): Map<string, Tensor> {
  return dict instanceof Map ? new Map(dict) : new Map(Object.entries(dict as Record<string, Tensor>));
}

export interface ExpectedKeysCheck {
  /** The format's name in messages ('timm ViT', 'Hugging Face GPT-2'). */
  readonly format: string;
  readonly source: string | undefined;
  /** The model's config in words, said when keys or shapes do not fit. */
  readonly config: string;
  /** Keys present in such files that carry no weights (causal-mask buffers); skipped. */
  readonly ignore?: (key: string) => boolean;
}

/**
 * Throws unless `given` holds exactly the keys of `expected` with the same
 * shapes (ignored keys aside): a ShapeError for shapes, a FormatError for
 * missing or unexpected keys, each listing every offending key.
 */
export function checkExpectedKeys(given: ReadonlyMap<string, Tensor>, expected: ReadonlyMap<string, readonly number[]>, check: ExpectedKeysCheck): void {
  const where = `${check.format} weights${check.source === undefined ? '' : ` in ${check.source}`}`;
  const misShaped: string[] = [];
  for (const [key, shape] of expected) {
    const t = given.get(key);
    if (t !== undefined && !sameDims(t.shape, shape)) misShaped.push(`${key} is ${fmtShape(t.shape)}, expected ${fmtShape(shape)}`);
  }
  if (misShaped.length > 0) {
    throw new ShapeError(`${where}: ${listed(misShaped)}; the file was made for another configuration than ${check.config}: change the model config to match it`);
  }
  const missing = [...expected.keys()].filter((k) => !given.has(k));
  const unexpected = [...given.keys()].filter((k) => !expected.has(k) && !(check.ignore?.(k) ?? false));
  if (missing.length > 0 || unexpected.length > 0) {
    const parts: string[] = [];
    if (missing.length > 0) parts.push(`missing keys ${listed(missing)}`);
    if (unexpected.length > 0) parts.push(`unexpected keys ${listed(unexpected)}`);
    throw new FormatError(`${where}: ${parts.join('; ')}; check that the file holds a ${check.format} with ${check.config}`);
  }
}

/** Rows [start, end) of a matrix [R, K] (or entries of a vector) as a new tensor. */
export function sliceRows(t: Tensor, start: number, end: number): Tensor {
  const k = t.size / t.shape[0]!;
  return new Tensor(t.data.slice(start * k, end * k), [end - start, ...t.shape.slice(1)]);
}

/** Matrices [R_i, K] (or vectors) stacked along the first axis. */
export function stackRows(parts: readonly Tensor[]): Tensor {
  const size = parts.reduce((acc, p) => acc + p.size, 0);
  const out = new Float32Array(size);
  let offset = 0;
  for (const p of parts) {
    out.set(p.data, offset);
    offset += p.size;
  }
  const rows = parts.reduce((acc, p) => acc + p.shape[0]!, 0);
  return new Tensor(out, [rows, ...parts[0]!.shape.slice(1)]);
}

/** The transpose of a matrix [R, K] -> [K, R], as a new tensor (Conv1D [in, out] <-> Linear [out, in]). */
export function transposed(t: Tensor): Tensor {
  const [r, k] = t.shape as [number, number];
  const out = new Float32Array(t.size);
  for (let i = 0; i < r; i++) for (let j = 0; j < k; j++) out[j * r + i] = t.data[i * k + j]!;
  return new Tensor(out, [k, r]);
}

/** A copy of t detached from any tape. */
export function copyOf(t: Tensor): Tensor {
  return new Tensor(new Float32Array(t.data), t.shape);
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function listed(items: readonly string[]): string {
  const head = items.slice(0, 8).join(', ');
  return items.length > 8 ? `${head} … and ${items.length - 8} more` : head;
}
