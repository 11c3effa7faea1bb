/**
 * Reading a recipe file (YAML or JSON), applying `--set key=value` overrides
 * and validating the result against a schema. Every error names the file and
 * the key path, and says how to fix it.
 *
 * @example
 * const recipe = loadRecipeFile('examples/mlp.yaml', ['train.epochs=2', 'optim.lr=3e-4'], RecipeSchema);
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../util/errors.js';
import { ioErrorFrom } from './io-error.js';

/** Parses a recipe file's text: JSON when it ends in .json, YAML otherwise (YAML is a superset of JSON). */
export function readRecipeText(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw ioErrorFrom(err, 'cannot read recipe', path);
  }
  try {
    return path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(`${path}: not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
}

/**
 * Applies `key.path=value` overrides in place. Values are read as YAML
 * scalars (3e-4, true, [1, 2], "text"); missing intermediate objects are made.
 */
export function applyOverrides(doc: Record<string, unknown>, overrides: readonly string[], source: string): void {
  for (const item of overrides) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new ConfigError(`--set ${item}: expected key.path=value (for example --set train.epochs=3)`);
    const path = item.slice(0, eq).split('.');
    if (path.some((p) => p === '')) throw new ConfigError(`--set ${item}: empty segment in key path "${item.slice(0, eq)}"`);
    let value: unknown;
    try {
      value = parseYaml(item.slice(eq + 1));
    } catch (err) {
      throw new ConfigError(`--set ${item}: cannot read the value: ${(err as Error).message}`);
    }
    let node: Record<string, unknown> = doc;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      if (next === undefined || next === null) node[key] = {};
      else if (typeof next !== 'object' || Array.isArray(next)) {
        throw new ConfigError(`--set ${item}: ${key} in ${source} is not a section (it holds ${JSON.stringify(next)})`);
      }
      node = node[key] as Record<string, unknown>;
    }
    node[path[path.length - 1]!] = value;
  }
}

/** Validates a document, turning schema issues into one ConfigError that lists each key path. */
export function validateRecipe<S extends z.ZodType>(doc: unknown, schema: S, source: string): z.output<S> {
  const result = schema.safeParse(doc);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const key = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    return `  ${key}: ${issue.message}`;
  });
  throw new ConfigError(`${source}: the recipe is not valid:\n${lines.join('\n')}\nFix these keys in the file or with --set key=value.`);
}

/** Reads, overrides and validates a recipe file. */
export function loadRecipeFile<S extends z.ZodType>(path: string, overrides: readonly string[], schema: S): z.output<S> {
  const doc = readRecipeText(path);
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError(`${path}: a recipe must be a mapping of keys (model:, data:, train:, ...), not ${JSON.stringify(doc)?.slice(0, 40)}`);
  }
  applyOverrides(doc as Record<string, unknown>, overrides, path);
  return validateRecipe(doc, schema, overrides.length > 0 ? `${path} (with --set ${overrides.join(' ')})` : path);
}
