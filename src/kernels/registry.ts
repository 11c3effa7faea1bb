/**
 * The kernel registry. Each kernel is defined once by its TypeScript
 * reference (the specification); when the native addon is built and exports
 * a function of the same name, calls go there instead.
 *
 * Backend choice: SPARSEKIT_BACKEND=reference|native, or setBackend() in code.
 * With no addon, the reference kernels run and one warning says how to rebuild.
 *
 * @example
 * export const gemm = defineKernel('gemm', gemmRef);
 * gemm(false, true, m, n, k, 1, a, lda, b, ldb, 0, c, ldc); // native when built
 */
import { BackendError } from '../util/errors.js';
import { envBackend, envKernelProfile, envRequireNative } from '../util/env.js';
import { addFlops } from '../util/flop-counter.js';
import { recordKernelTime } from './kernel-profile.js';
import { loadNative, nativeLoadError, rebuildHint } from './native/binding.js';

export type BackendName = 'reference' | 'native';

// eslint-style note: kernels take only typed arrays, numbers and booleans.
type KernelFn = (...args: never[]) => unknown;

/** A kernel: callable, plus its two implementations for parity tests. */
export type Kernel<F extends KernelFn> = F & {
  readonly kernelName: string;
  readonly reference: F;
  /** The native twin, or null when the addon is missing or lacks this kernel. */
  readonly native: F | null;
};

let backend: BackendName | null = null;
let warned = false;

function resolveBackend(): BackendName {
  if (backend !== null) return backend;
  const forced = envBackend();
  const available = loadNative() !== null;
  if (forced === 'native' && !available) {
    throw new BackendError(`SPARSEKIT_BACKEND=native but the ${nativeLoadError()}; ${rebuildHint}`);
  }
  if (forced === null && !available) {
    if (envRequireNative()) throw new BackendError(`SPARSEKIT_REQUIRE_NATIVE=1 but the ${nativeLoadError()}; ${rebuildHint}`);
    if (!warned) {
      warned = true;
      process.emitWarning(`sparsekit: ${nativeLoadError()}; using the slow reference kernels. To fix: ${rebuildHint}.`);
    }
  }
  backend = forced ?? (available ? 'native' : 'reference');
  return backend;
}

/** The backend in use now. */
export function getBackend(): BackendName {
  return resolveBackend();
}

/** Forces a backend for this process (tests run every op on both). */
export function setBackend(name: BackendName): void {
  if (name === 'native' && loadNative() === null) {
    throw new BackendError(`cannot use the native backend: ${nativeLoadError()}; ${rebuildHint}`);
  }
  backend = name;
}

/** True when the addon is built and loads. */
export function nativeAvailable(): boolean {
  return loadNative() !== null;
}

/** Runs fn with a backend, then restores the previous one. */
export function withBackend<T>(name: BackendName, fn: () => T): T {
  const prev = resolveBackend();
  setBackend(name);
  try {
    return fn();
  } finally {
    backend = prev;
  }
}

/** Defines a kernel by its reference; the native twin is found by name. `flops` gives a call's cost for the FLOP counter. */
export function defineKernel<F extends KernelFn>(name: string, reference: F, flops?: (...args: Parameters<F>) => number): Kernel<F> {
  let nativeFn: F | null | undefined;
  const getNative = (): F | null => {
    if (nativeFn === undefined) {
      const binding = loadNative();
      const fn = binding?.[name];
      nativeFn = typeof fn === 'function' ? (fn as F) : null;
    }
    return nativeFn;
  };
  const dispatch = ((...args: never[]) => {
    const impl = resolveBackend() === 'native' ? (getNative() ?? reference) : reference;
    if (flops !== undefined) addFlops(flops(...(args as Parameters<F>)));
    return impl(...args);
  }) as F;
  const timed = ((...args: never[]) => {
    const start = performance.now();
    const out = dispatch(...args);
    recordKernelTime(name, performance.now() - start);
    return out;
  }) as F;
  return Object.defineProperties(envKernelProfile() ? timed : dispatch, {
    kernelName: { value: name },
    reference: { value: reference },
    native: { get: getNative },
  }) as Kernel<F>;
}
