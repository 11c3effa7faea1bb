/**
 * Text datasets for language models: a vocabulary (characters seen in the
 * text, or the 256 byte values of its UTF-8), the text encoded as token ids,
 * and a split into a training part and the validation part that follows it.
 *
 * @example
 * const ds = textDataset('hello world', { level: 'char', valFraction: 0.2 });
 * ds.vocab.size;                       // 8: ' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w'
 * ds.vocab.decode(ds.vocab.encode('hello')); // 'hello'
 * const bytes = loadTextFile('notes.txt', { level: 'byte' });
 */
import { readFileSync } from 'node:fs';
import { ArgumentError, FormatError } from '../util/errors.js';

export type TextLevel = 'char' | 'byte';

/** Maps text to token ids and back. */
export interface TextVocab {
  readonly level: TextLevel;
  readonly size: number;
  encode(text: string): Int32Array;
  /** Byte-level decoding turns invalid UTF-8 (a model may sample it) into U+FFFD. */
  decode(ids: ArrayLike<number>): string;
}

/** A vocabulary as plain JSON, to save with a checkpoint. */
export type TextVocabJson = { level: 'char'; chars: string[] } | { level: 'byte' };

export interface TextDataset {
  readonly name: string;
  readonly vocab: TextVocab;
  readonly train: Int32Array;
  readonly val: Int32Array;
}

export interface TextDatasetOptions {
  level?: TextLevel;
  /** The share of the text, taken from its end, kept for validation (default 0.1). */
  valFraction?: number;
  name?: string;
}

/** One token per Unicode code point; ids follow code-point order. */
export class CharVocab implements TextVocab {
  readonly level = 'char' as const;
  readonly chars: readonly string[];
  private readonly ids: Map<string, number>;

  constructor(chars: readonly string[]) {
    this.chars = [...chars];
    this.ids = new Map(this.chars.map((c, i) => [c, i]));
    if (this.ids.size !== this.chars.length) throw new ArgumentError('CharVocab: the characters must be distinct');
  }

  /** The vocabulary of every character that occurs in `text`. */
  static fromText(text: string): CharVocab {
    return new CharVocab([...new Set(text)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!));
  }

  get size(): number {
    return this.chars.length;
  }

  encode(text: string): Int32Array {
    const out: number[] = [];
    for (const c of text) {
      const id = this.ids.get(c);
      if (id === undefined) {
        const code = `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
        throw new ArgumentError(
          `CharVocab.encode: character ${JSON.stringify(c)} (${code}) at character ${out.length} is not among the ${this.size} characters of the vocabulary; ` +
            'build the vocabulary from a text that contains it, or use level "byte"',
        );
      }
      out.push(id);
    }
    return Int32Array.from(out);
  }

  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) {
      const c = this.chars[ids[i]!];
      if (c === undefined) throw new ArgumentError(`CharVocab.decode: id ${ids[i]} at position ${i} is outside 0..${this.size - 1}`);
      s += c;
    }
    return s;
  }
}

/** One token per byte of the UTF-8 encoding: 256 ids, any text. */
export class ByteVocab implements TextVocab {
  readonly level = 'byte' as const;
  readonly size = 256;

  encode(text: string): Int32Array {
    return Int32Array.from(Buffer.from(text, 'utf8'));
  }

  decode(ids: ArrayLike<number>): string {
    const bytes = new Uint8Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const b = ids[i]!;
      if (!(b >= 0 && b < 256)) throw new ArgumentError(`ByteVocab.decode: id ${b} at position ${i} is not a byte (0..255)`);
      bytes[i] = b;
    }
    return new TextDecoder('utf-8').decode(bytes);
  }
}

export function vocabToJson(vocab: TextVocab): TextVocabJson {
  return vocab instanceof CharVocab ? { level: 'char', chars: [...vocab.chars] } : { level: 'byte' };
}

export function vocabFromJson(json: TextVocabJson): TextVocab {
  if (json.level === 'byte') return new ByteVocab();
  if (json.level === 'char' && Array.isArray(json.chars)) return new CharVocab(json.chars);
  throw new FormatError(`vocabFromJson: ${JSON.stringify(json).slice(0, 80)} is not a saved vocabulary ({level: 'char', chars} or {level: 'byte'})`);
}

/** Encodes `text` and splits it into training and validation ids. */
export function textDataset(text: string, opts: TextDatasetOptions = {}): TextDataset {
  const level = opts.level ?? 'char';
  const vocab: TextVocab = level === 'char' ? CharVocab.fromText(text) : new ByteVocab();
  return split(opts.name ?? 'text', vocab, vocab.encode(text), opts);
}

/**
 * A text dataset from a file. Byte level reads any file; character level
 * needs valid UTF-8.
 */
export function loadTextFile(path: string, opts: TextDatasetOptions = {}): TextDataset {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ArgumentError(`loadTextFile: cannot read ${path} (${reason}); check the path, or leave it out to use the built-in generated corpus`);
  }
  const level = opts.level ?? 'char';
  const name = opts.name ?? path;
  if (level === 'byte') return split(name, new ByteVocab(), Int32Array.from(bytes), opts);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FormatError(`loadTextFile: ${path} is not valid UTF-8 text; convert it (iconv -t UTF-8) or use level "byte"`);
  }
  return textDataset(text, { ...opts, name });
}

function split(name: string, vocab: TextVocab, ids: Int32Array, opts: TextDatasetOptions): TextDataset {
  const valFraction = opts.valFraction ?? 0.1;
  if (!(valFraction >= 0 && valFraction < 1)) throw new ArgumentError(`textDataset ${name}: valFraction ${valFraction} must be in [0, 1)`);
  if (ids.length === 0) throw new ArgumentError(`textDataset ${name}: the text is empty; give a file with some text in it`);
  const cut = Math.floor(ids.length * (1 - valFraction));
  return { name, vocab, train: ids.subarray(0, cut), val: ids.subarray(cut) };
}
