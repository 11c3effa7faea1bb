/**
 * Each weight of a file with its stored layout and its size against dense:
 * what `sparsekit inspect` shows for a compressed file. Works on the file's
 * header alone (entry names, shapes and byte ranges, and the metadata), so
 * large files need not be decoded.
 */
import { storedLayouts, type StoredLayout } from './serialize.js';

/** One header entry: its name, shape and byte range in the data section (structurally io's SafetensorsEntry). */
export interface HeaderEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

/** One weight of the file. */
export interface StoredSize {
  readonly name: string;
  /** 'dense', or the layout such as 'nm 1:8', 'csr', 'bsr 16x16'. */
  readonly format: string;
  /** The weight's logical shape ([O, C, kh, kw] for a convolution). */
  readonly shape: readonly number[];
  /** Bytes stored (all entries of a compressed weight). */
  readonly bytes: number;
  /** Bytes the weight takes as dense float32. */
  readonly denseBytes: number;
  /** bytes / denseBytes. */
  readonly ratio: number;
}

const SUFFIXES = ['.values', '.positions', '.row_ptr', '.col_idx'];

function layoutName(l: StoredLayout): string {
  switch (l.format) {
    case 'nm':
      return `nm ${l.n}:${l.m}`;
    case 'bsr':
      return `bsr ${l.blockRows}x${l.blockCols}`;
    default:
      return 'csr';
  }
}

/**
 * One row per weight: compressed weights (declared in the metadata) with the
 * bytes of all their entries, every other entry as it is.
 *
 * @example
 * const h = readSafetensorsHeader('model-1x8.safetensors');
 * for (const r of storedSizes(h.entries, h.metadata)) console.log(r.name, r.format, r.ratio.toFixed(3));
 */
export function storedSizes(entries: readonly HeaderEntry[], metadata: Readonly<Record<string, string>>, source = 'file'): StoredSize[] {
  const layouts = storedLayouts(metadata, source);
  const partOf = new Map<string, string>();
  for (const name of layouts.keys()) for (const s of SUFFIXES) partOf.set(name + s, name);
  const bytes = new Map<string, number>();
  const out: StoredSize[] = [];
  for (const e of entries) {
    const owner = partOf.get(e.name);
    if (owner !== undefined) {
      bytes.set(owner, (bytes.get(owner) ?? 0) + (e.end - e.begin));
      continue;
    }
    const size = e.end - e.begin;
    const dense = e.shape.reduce((a, b) => a * b, 1) * 4;
    out.push({ name: e.name, format: 'dense', shape: e.shape, bytes: size, denseBytes: dense, ratio: dense === 0 ? 1 : size / dense });
  }
  for (const [name, l] of layouts) {
    const b = bytes.get(name) ?? 0;
    const dense = l.shape[0] * l.shape[1] * 4;
    out.push({ name, format: layoutName(l), shape: l.convShape ?? l.shape, bytes: b, denseBytes: dense, ratio: b / dense });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
