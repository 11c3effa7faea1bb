/**
 * Reads a run folder (runs/<name>/) as the trainer left it: metrics.jsonl,
 * summary.json and recipe.yaml. Read-only. A run still going (no summary
 * yet) or cut off mid-line by a crash still reads, with a note for the page;
 * a folder with neither metrics nor summary is not a run and is refused.
 *
 * @example
 * const run = readRunFolder('runs/vit-1of8-srste');
 * run.records.length; run.summary?.wallSeconds; run.notes;
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ioErrorFrom } from '../io/io-error.js';
import { readRecipeText } from '../io/recipe-file.js';
import { ArgumentError, FormatError } from '../util/errors.js';

export type JsonObject = Record<string, unknown>;

export interface RunFolder {
  /** The folder as given. */
  readonly path: string;
  /** The folder's name: what tables and legends call the run. */
  readonly name: string;
  /** recipe.yaml parsed, and its text as written (undefined when absent). */
  readonly recipe: JsonObject | undefined;
  readonly recipeText: string | undefined;
  /** metrics.jsonl, one object per line, in file order. */
  readonly records: readonly JsonObject[];
  readonly summary: JsonObject | undefined;
  /** What the reader should know about the files (missing summary, a cut-off last line). */
  readonly notes: readonly string[];
}

/** Reads the run at `path`; throws when it is not a run folder or a file in it is malformed. */
export function readRunFolder(path: string): RunFolder {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (err) {
    throw ioErrorFrom(err, 'cannot open the run folder', path);
  }
  if (!isDir) throw new ArgumentError(`${path} is a file, not a run folder: give the folder a run wrote (runs/<name>/, holding metrics.jsonl and summary.json)`);
  const metricsPath = join(path, 'metrics.jsonl');
  const summaryPath = join(path, 'summary.json');
  const recipePath = join(path, 'recipe.yaml');
  const hasMetrics = existsSync(metricsPath);
  const hasSummary = existsSync(summaryPath);
  if (!hasMetrics && !hasSummary) {
    throw new ArgumentError(
      `${path} is not a run folder: it has neither metrics.jsonl nor summary.json. Give the folder of a run (runs/<name>/ written by \`sparsekit train\`), not its parent or a checkpoint folder.`,
    );
  }
  const notes: string[] = [];
  const records = hasMetrics ? readMetricLines(metricsPath, notes) : [];
  if (!hasMetrics) notes.push('no metrics.jsonl: only the summary is shown');
  const summary = hasSummary ? readSummary(summaryPath) : undefined;
  if (!hasSummary) notes.push('no summary.json yet: the run may still be going, or it stopped early; figures come from the last logged metrics');
  let recipe: JsonObject | undefined;
  let recipeText: string | undefined;
  if (existsSync(recipePath)) {
    recipeText = readText(recipePath);
    const doc = readRecipeText(recipePath);
    recipe = isObject(doc) ? doc : undefined;
  }
  return { path, name: basename(resolve(path)), recipe, recipeText, records, summary, notes };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw ioErrorFrom(err, 'cannot read', path);
  }
}

function readMetricLines(path: string, notes: string[]): JsonObject[] {
  const lines = readText(path).split('\n');
  const records: JsonObject[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      // a crash can cut the line being appended; everything before it is whole
      if (lines.slice(i + 1).every((l) => l.trim() === '')) {
        notes.push(`metrics.jsonl line ${i + 1} is cut off (the run was interrupted while writing it) and is left out`);
        return;
      }
      throw new FormatError(`${path}:${i + 1}: not valid JSON (${(err as Error).message}); each line of metrics.jsonl must be one JSON object — fix or delete that line`);
    }
    if (!isObject(value)) throw new FormatError(`${path}:${i + 1}: expected a JSON object per line, found ${JSON.stringify(value)?.slice(0, 40)}`);
    records.push(value);
  });
  return records;
}

function readSummary(path: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(readText(path));
  } catch (err) {
    if (err instanceof SyntaxError) throw new FormatError(`${path}: not valid JSON (${err.message}); rerun the evaluation or delete summary.json to report from the metrics alone`);
    throw err;
  }
  if (!isObject(value)) throw new FormatError(`${path}: expected a JSON object, found ${JSON.stringify(value)?.slice(0, 40)}`);
  return value;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
