/**
 * The one error family of sparsekit. Every message says what went wrong,
 * where (op, layer, file, key) and how to fix it.
 *
 * @example
 * try { matmul(a, b); } catch (e) { if (e instanceof ShapeError) console.error(e.message); }
 */
export class SparsekitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit together, named with the op and the shapes. */
export class ShapeError extends SparsekitError {}

/** An argument outside what the function accepts (a bad axis, a negative size, N > M). */
export class ArgumentError extends SparsekitError {}

/** A file that cannot be read: truncated, malformed, or of the wrong kind. */
export class FormatError extends SparsekitError {}

/** A recipe or configuration that does not validate. */
export class ConfigError extends SparsekitError {}

/** The native addon is required but not available. */
export class BackendError extends SparsekitError {}

/** Formats a shape as `[2, 3]` for messages. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
