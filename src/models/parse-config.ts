/**
 * Validates a model config against its zod schema, turning every issue
 * into one ConfigError line that names the key path.
 */
import type { z } from 'zod';
import { ConfigError } from '../util/errors.js';

/**
 * The parsed config, or a ConfigError listing each bad key as
 * `where.key.path: message` (unknown keys are named with what is allowed).
 *
 * @example
 * parseConfig(VitConfigSchema, { type: 'vit', dim: 60, heads: 7 }, 'model');
 * // ConfigError: invalid model config:
 * //   model.heads: heads 7 must divide dim 60
 */
export function parseConfig<S extends z.ZodType>(schema: S, raw: unknown, where: string): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const lines = r.error.issues.map((issue) => {
    const key = [where, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      const allowed = issue.path.length === 0 && 'shape' in schema ? ` (allowed: ${Object.keys((schema as unknown as z.ZodObject).shape).join(', ')})` : '';
      return `${key}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}${allowed}`;
    }
    return `${key}: ${issue.message}`;
  });
  throw new ConfigError(`invalid ${where} config:\n  ${lines.join('\n  ')}`);
}
