/**
 * What a safetensors file holds, tensor by tensor: name, dtype, shape,
 * sparsity (fraction of zeros) and the sparsest N:M pattern each weight
 * satisfies, along the input dimension (as sparse kernels group) or else
 * along the output dimension. Shapes: Linear [O, K], Conv2d [O, I, kh, kw].
 *
 * @example
 * for (const row of inspectSafetensors('runs/vit/model.safetensors')) console.log(row.name, row.nm);
 */
import { loadSafetensors } from '../io/safetensors.js';
import { readSafetensorsHeader } from '../io/safetensors-header.js';
import { isNM } from '../sparse/masks/nm-mask.js';
import type { NMAxis, NMPattern } from '../sparse/patterns/nm-pattern.js';
import type { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../util/errors.js';
import { alignColumns } from '../util/text-table.js';

export interface TensorInfo {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly size: number;
  /** Fraction of exact zeros (null for integer tensors). */
  readonly sparsity: number | null;
  /** The sparsest N:M pattern that holds ('1:8 input'), or null when none does or the tensor has under 2 dimensions. */
  readonly nm: string | null;
}

/** Candidate patterns, sparsest first: the first that holds is reported. */
const CANDIDATES: readonly NMPattern[] = [
  { n: 1, m: 32 }, { n: 1, m: 16 }, { n: 2, m: 32 }, { n: 1, m: 8 }, { n: 2, m: 16 }, { n: 4, m: 32 },
  { n: 1, m: 4 }, { n: 2, m: 8 }, { n: 4, m: 16 }, { n: 8, m: 32 }, { n: 1, m: 2 }, { n: 2, m: 4 }, { n: 4, m: 8 },
];

/** One row per tensor, in the file's order. */
export function inspectSafetensors(path: string): TensorInfo[] {
  const header = readSafetensorsHeader(path);
  const content = loadSafetensors(path);
  return header.entries.map((e) => {
    const t = content.tensors.get(e.name);
    const size = e.shape.reduce((a, b) => a * b, 1);
    return { name: e.name, dtype: e.dtype, shape: e.shape, size, sparsity: t === undefined ? null : zeroFraction(t), nm: t === undefined ? null : sparsestNM(t) };
  });
}

/** The rows as an aligned text table. */
export function formatTensorTable(rows: readonly TensorInfo[]): string {
  const cells = [
    ['name', 'dtype', 'shape', 'sparsity', 'N:M'],
    ...rows.map((r) => [r.name, r.dtype, fmtShape(r.shape), r.sparsity === null ? '-' : `${(r.sparsity * 100).toFixed(2)}%`, r.nm ?? '-']),
  ];
  return alignColumns(cells);
}

function zeroFraction(t: Tensor): number {
  let zeros = 0;
  for (const v of t.data) if (v === 0) zeros++;
  return t.size === 0 ? 0 : zeros / t.size;
}

function sparsestNM(t: Tensor): string | null {
  if (t.ndim < 2 || zeroFraction(t) === 0) return null;
  for (const axis of ['input', 'output'] as const satisfies readonly NMAxis[]) {
    for (const p of CANDIDATES) if (isNM(t, { ...p, axis })) return `${p.n}:${p.m} ${axis}`;
  }
  return null;
}
