/**
 * IoError: a file or folder that cannot be opened, read or written (missing,
 * not permitted, disk full). A file that opens but holds the wrong bytes is a
 * FormatError instead.
 *
 * @example
 * try { writeFileAtomic('/no/such/dir/x.json', '{}'); } catch (e) { if (e instanceof IoError) console.error(e.message); }
 */
import { SparsekitError } from '../util/errors.js';

export class IoError extends SparsekitError {
  /** The operating system's code (ENOENT, EACCES, ENOSPC, ...) when there is one. */
  readonly code: string | undefined;

  constructor(message: string, code?: string) {
    super(message);
    this.code = code;
  }
}

/** Wraps a Node.js file-system error as an IoError that says what was being done, to which path, and a likely fix. */
export function ioErrorFrom(err: unknown, action: string, path: string): IoError {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
  const reason = err instanceof Error ? err.message : String(err);
  return new IoError(`${action} ${path}: ${reason}${hintFor(code)}`, code);
}

function hintFor(code: string | undefined): string {
  switch (code) {
    case 'ENOENT':
      return ' (check the path; the folder must exist)';
    case 'EACCES':
    case 'EPERM':
      return ' (check the permissions of the file and its folder)';
    case 'ENOSPC':
      return ' (the disk is full; free some space)';
    case 'EISDIR':
      return ' (the path is a folder; give a file name)';
    default:
      return '';
  }
}
