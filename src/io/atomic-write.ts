/**
 * Atomic file writes: the bytes go to a temporary file in the same folder,
 * which is flushed to disk and then renamed over the target, so a reader (or
 * a crash) sees either the old file or the complete new one, never a part.
 * Every file sparsekit saves goes through here.
 *
 * @example
 * writeFileAtomic('runs/a/summary.json', JSON.stringify(summary));
 * writeFileAtomic('runs/a/ckpt.safetensors', [headerBytes, tensorBytes]);
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ioErrorFrom } from './io-error.js';

export interface AtomicWriteOptions {
  /** Create missing parent folders first (default false). */
  mkdir?: boolean;
  /** File mode of the new file (default 0o644, before the umask). */
  mode?: number;
}

/** Writes `data` (a string as UTF-8, bytes, or chunks written in order) to `path` atomically. */
export function writeFileAtomic(path: string, data: string | Uint8Array | readonly Uint8Array[], opts: AtomicWriteOptions = {}): void {
  const dir = dirname(path);
  if (opts.mkdir === true) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw ioErrorFrom(err, 'cannot create the folder for', path);
    }
  }
  const chunks = typeof data === 'string' ? [Buffer.from(data, 'utf8')] : data instanceof Uint8Array ? [data] : data;
  // Same folder as the target: rename is only atomic within one file system.
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', opts.mode ?? 0o644);
  } catch (err) {
    throw ioErrorFrom(err, 'cannot create a temporary file to write', path);
  }
  try {
    try {
      for (const chunk of chunks) writeAll(fd, chunk);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // the temporary file may already be gone; the original error is what matters
    }
    throw ioErrorFrom(err, 'cannot write', path);
  }
  syncFolder(dir);
}

function writeAll(fd: number, chunk: Uint8Array): void {
  let done = 0;
  while (done < chunk.byteLength) done += writeSync(fd, chunk, done, chunk.byteLength - done);
}

/** Flushes the folder entry so the rename itself survives a power cut; not every platform allows it. */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows and some file systems refuse to open or fsync a folder; the file itself is already flushed.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
