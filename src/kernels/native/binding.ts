/**
 * The only importer of the native addon (build/Release/sparsekit.node).
 * Its functions have exactly the signatures of the reference kernels in
 * src/kernels/ref/, looked up by kernel name.
 *
 * When the addon is missing, rebuild it with `npm run build:native`
 * (node-gyp rebuild; needs g++, make and python3).
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** What the addon exports: kernels by name, plus a few facts about the build. */
export interface NativeBinding {
  /** Instruction set the kernels use now: "avx512", "avx2" or "portable". */
  isa(): string;
  /** Best instruction set this CPU supports. */
  bestIsa(): string;
  /** Lowers (or restores) the instruction set, so tests reach every code path; false if unsupported. */
  setIsa(name: 'portable' | 'avx2' | 'avx512'): boolean;
  /** Number of threads in the pool. */
  getThreads(): number;
  /** Resizes the thread pool (1 or more). */
  setThreads(n: number): void;
  /** Where a typed array's first element falls in a 64-byte line (its address mod 64). */
  addressMod64(a: ArrayBufferView): number;
  readonly [kernel: string]: unknown;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const addonPath = join(root, 'build', 'Release', 'sparsekit.node');
export const rebuildHint = 'run `npm run build:native` in the sparsekit folder (needs g++, make and python3)';

let loaded: NativeBinding | null | undefined;
let loadError = '';

/** The addon, or null when it is not built or fails to load (see nativeLoadError). */
export function loadNative(): NativeBinding | null {
  if (loaded !== undefined) return loaded;
  if (!existsSync(addonPath)) {
    loadError = `native addon not built (${addonPath} is missing)`;
    loaded = null;
    return null;
  }
  try {
    const require = createRequire(import.meta.url);
    loaded = require(addonPath) as NativeBinding;
    const threads = process.env.SPARSEKIT_THREADS;
    if (threads !== undefined && threads !== '') {
      const n = Number(threads);
      if (!Number.isInteger(n) || n < 1) throw new Error(`SPARSEKIT_THREADS=${threads} must be a positive integer`);
      loaded.setThreads(n);
    }
  } catch (e) {
    loadError = `native addon failed to load: ${(e as Error).message}`;
    loaded = null;
  }
  return loaded;
}

/** Why the addon is unavailable ('' when it loaded). */
export function nativeLoadError(): string {
  loadNative();
  return loadError;
}
