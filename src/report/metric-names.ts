/**
 * Recognising metric fields however a run spelled them: `val_loss`,
 * `valLoss`, `eval.loss` and `{ val: { loss } }` all mean the validation
 * loss; `bits_per_char`, `bitsPerChar` and `bpc` mean bits per character.
 * A key is split into words (camelCase, snake_case, dots, slashes); words
 * naming a split (val, eval, test, train) are taken off, and what is left is
 * looked up in the alias table.
 *
 * @example
 * readMetricKey('val_top5_accuracy'); // { metric: 'top5', split: 'eval' }
 * readMetricKey('samples/s');         // { metric: 'samplesPerSec', split: undefined }
 */

/** The metrics the report knows how to label and plot. */
export const METRIC_NAMES = ['loss', 'accuracy', 'top5', 'perplexity', 'bitsPerChar', 'lr', 'gradNorm', 'samplesPerSec', 'tokensPerSec', 'step', 'epoch'] as const;

export type MetricName = (typeof METRIC_NAMES)[number];

export type Split = 'train' | 'eval';

export interface MetricKey {
  readonly metric: MetricName;
  readonly split: Split | undefined;
}

/** What a reader sees on an axis or a table header. */
export const METRIC_LABELS: Record<MetricName, string> = {
  loss: 'loss',
  accuracy: 'accuracy',
  top5: 'top-5 accuracy',
  perplexity: 'perplexity',
  bitsPerChar: 'bits per character',
  lr: 'learning rate',
  gradNorm: 'gradient norm',
  samplesPerSec: 'samples/s',
  tokensPerSec: 'tokens/s',
  step: 'step',
  epoch: 'epoch',
};

/** Whether a larger value is better (for "best run" marks). */
export const HIGHER_IS_BETTER: Partial<Record<MetricName, boolean>> = { accuracy: true, top5: true, loss: false, perplexity: false, bitsPerChar: false };

const ALIASES: Record<string, MetricName> = {
  loss: 'loss',
  accuracy: 'accuracy',
  acc: 'accuracy',
  top1: 'accuracy',
  top1accuracy: 'accuracy',
  top1acc: 'accuracy',
  top5: 'top5',
  top5accuracy: 'top5',
  top5acc: 'top5',
  accuracytop5: 'top5',
  perplexity: 'perplexity',
  ppl: 'perplexity',
  bitsperchar: 'bitsPerChar',
  bitspercharacter: 'bitsPerChar',
  bpc: 'bitsPerChar',
  lr: 'lr',
  learningrate: 'lr',
  gradnorm: 'gradNorm',
  gradientnorm: 'gradNorm',
  sampless: 'samplesPerSec',
  samplespers: 'samplesPerSec',
  samplespersec: 'samplesPerSec',
  samplespersecond: 'samplesPerSec',
  throughput: 'samplesPerSec',
  tokenss: 'tokensPerSec',
  tokenspers: 'tokensPerSec',
  tokenspersec: 'tokensPerSec',
  tokenspersecond: 'tokensPerSec',
  step: 'step',
  steps: 'step',
  globalstep: 'step',
  iteration: 'step',
  iter: 'step',
  epoch: 'epoch',
  epochs: 'epoch',
};

const SPLIT_WORDS: Record<string, Split> = {
  val: 'eval',
  valid: 'eval',
  validation: 'eval',
  eval: 'eval',
  evaluation: 'eval',
  test: 'eval',
  dev: 'eval',
  train: 'train',
  training: 'train',
};

// words that qualify a value without changing what it measures
const FILLER = new Set(['final', 'last', 'metrics', 'summary', 'mean', 'avg', 'average']);

/** Splits a key into lower-case words: 'val_top5Accuracy' → ['val', 'top5', 'accuracy']. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/** The metric a (possibly dotted) key names, and its split when the key says; undefined for keys the report does not know. */
export function readMetricKey(key: string): MetricKey | undefined {
  let split: Split | undefined;
  const rest: string[] = [];
  for (const w of keyWords(key)) {
    const s = SPLIT_WORDS[w];
    if (s !== undefined) split = s;
    else if (!FILLER.has(w)) rest.push(w);
  }
  const metric = ALIASES[rest.join('')];
  return metric === undefined ? undefined : { metric, split };
}

/** The split a record's own label gives it (`kind: 'eval'`, `split: 'val'`, `phase: 'train'`), if any. */
export function recordSplit(record: Record<string, unknown>): Split | undefined {
  for (const field of ['kind', 'type', 'split', 'phase', 'mode']) {
    const v = record[field];
    if (typeof v === 'string') {
      const s = SPLIT_WORDS[v.toLowerCase()];
      if (s !== undefined) return s;
    }
  }
  return undefined;
}

/**
 * Flattens nested objects into dotted keys with numeric values
 * ({ val: { loss: 1 } } → 'val.loss' → 1); arrays and strings are skipped.
 * null becomes NaN: JSON.stringify writes a diverged NaN loss as null.
 */
export function flattenNumbers(obj: Record<string, unknown>, prefix = ''): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix === '' ? k : `${prefix}.${k}`;
    if (typeof v === 'number') out.set(key, v);
    else if (v === null) out.set(key, Number.NaN);
    else if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      for (const [kk, vv] of flattenNumbers(v as Record<string, unknown>, key)) out.set(kk, vv);
    }
  }
  return out;
}
