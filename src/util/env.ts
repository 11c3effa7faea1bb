import { ArgumentError } from './errors.js';

/** Backend forced by SPARSEKIT_BACKEND, or null to choose automatically. */
export function envBackend(): 'reference' | 'native' | null {
  const v = process.env.SPARSEKIT_BACKEND;
  if (v === undefined || v === '') return null;
  if (v === 'reference' || v === 'native') return v;
  throw new ArgumentError(`SPARSEKIT_BACKEND=${v} is not a backend: use "reference" or "native", or unset it`);
}

/** True when SPARSEKIT_REQUIRE_NATIVE=1: a missing addon is an error, not a warning. */
export function envRequireNative(): boolean {
  return process.env.SPARSEKIT_REQUIRE_NATIVE === '1';
}

/** True when SPARSEKIT_KERNEL_PROFILE=1: time every kernel call and print a table at exit. */
export function envKernelProfile(): boolean {
  return process.env.SPARSEKIT_KERNEL_PROFILE === '1';
}
