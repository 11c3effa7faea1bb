/**
 * Shared plumbing of the native parity tests (test/native/*.test.ts).
 *
 * When the addon is not built, each native test is skipped with the reason
 * (the one skip the project allows); with SPARSEKIT_REQUIRE_NATIVE=1 the tests
 * run instead and fail on the missing addon.
 *
 * @example
 * nativeParity({
 *   'binary: native matches reference': (cfg) => {
 *     const native = requireNative(binary);
 *     // ... compare native(...) with binary.reference(...), naming configLabel(cfg) on failure
 *   },
 * });
 * test('binary: bad arguments', nativeTest(), () => { ... requireNative(binary) ... });
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Kernel } from '../../src/kernels/index.js';
import { loadNative, nativeLoadError, rebuildHint, type NativeBinding } from '../../src/kernels/native/binding.js';

export type IsaName = 'portable' | 'avx2' | 'avx512';

/** One setting of the addon a parity check runs under. */
export interface NativeConfig {
  readonly isa: IsaName;
  readonly threads: number;
}

const ISAS: readonly IsaName[] = ['portable', 'avx2', 'avx512'];

/** node:test options: `{ skip: 'native addon not built: …' }` when it is missing, else `{}`. */
export function nativeTest(): { skip?: string } {
  if (loadNative() !== null || process.env.SPARSEKIT_REQUIRE_NATIVE === '1') return {};
  const reason = nativeLoadError().replace(/^native addon not built \((.*)\)$/, '$1');
  return { skip: `native addon not built: ${reason}; ${rebuildHint}` };
}

/** The loaded addon; fails the test (naming the fix) when it is missing. */
export function requireBinding(): NativeBinding {
  const binding = loadNative();
  assert.ok(binding !== null, `the native addon is required (SPARSEKIT_REQUIRE_NATIVE=1) but ${nativeLoadError()}; ${rebuildHint}`);
  return binding;
}

/** The native twin of a kernel; fails when the addon is missing or was built without it. */
export function requireNative<F extends (...args: never[]) => unknown>(kernel: Kernel<F>): F {
  requireBinding();
  const fn = kernel.native;
  assert.ok(fn !== null, `the native addon has no "${kernel.kernelName}" kernel: it is out of date; ${rebuildHint}`);
  return fn;
}

/** Instruction sets this CPU supports, portable first. */
export function supportedIsas(): IsaName[] {
  const best = requireBinding().bestIsa() as IsaName;
  return ISAS.slice(0, ISAS.indexOf(best) + 1);
}

/** Runs body under every supported ISA, restoring the addon's ISA afterwards, even on failure. */
export function forEachIsa(body: (isa: IsaName) => void): void {
  const binding = requireBinding();
  const isa0 = binding.isa() as IsaName;
  try {
    for (const isa of supportedIsas()) {
      assert.ok(binding.setIsa(isa), `setIsa(${isa}) refused although bestIsa() is ${binding.bestIsa()}`);
      body(isa);
    }
  } finally {
    binding.setIsa(isa0);
  }
}

let fewestThreads = Infinity;

/**
 * Sets the pool size for a test. Thread counts only ever go down within one
 * test process: growing the pool after it has run parallel work starts
 * workers that replay the previous job (native/kernels/thread-pool.cc), so
 * going back up is refused here rather than crashing the process.
 */
export function setNativeThreads(threads: number): void {
  assert.ok(threads <= fewestThreads, `setNativeThreads(${threads}) after ${fewestThreads}: thread counts must go down within a test file`);
  fewestThreads = threads;
  requireBinding().setThreads(threads);
}

/**
 * Registers one node:test test per check and thread count (2 first, then 1),
 * each running its check on every supported ISA. Skipped with the reason when
 * the addon is missing (failing instead under SPARSEKIT_REQUIRE_NATIVE=1).
 *
 * @example
 * nativeParity({ 'binary: native matches reference': (cfg) => { ... } });
 */
export function nativeParity(checks: Record<string, (cfg: NativeConfig) => void>, threadCounts: readonly number[] = [2, 1]): void {
  for (const threads of threadCounts) {
    for (const [name, check] of Object.entries(checks)) {
      test(`${name} (threads ${threads})`, nativeTest(), () => {
        setNativeThreads(threads);
        forEachIsa((isa) => check({ isa, threads }));
      });
    }
  }
}

/** A short label for assertion messages. */
export function configLabel(cfg: NativeConfig): string {
  return `isa=${cfg.isa} threads=${cfg.threads}`;
}

/** Asserts two float arrays are identical element by element (any NaN matches any NaN). */
export function assertSameFloats(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!Object.is(a, e) && !(Number.isNaN(a) && Number.isNaN(e))) assert.fail(`${what}[${i}]: ${a} vs expected ${e}`);
  }
}

/**
 * Asserts |actual − expected| <= atol + rtol·|expected| element by element;
 * equal infinities and any two NaNs match.
 */
export function assertNear(actual: Float32Array, expected: Float32Array, rtol: number, atol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (a === e || (Number.isNaN(a) && Number.isNaN(e))) continue;
    const tol = atol + rtol * Math.abs(e);
    if (!(Math.abs(a - e) <= tol)) assert.fail(`${what}[${i}]: ${a} vs expected ${e} (tolerance ${tol.toExponential(2)})`);
  }
}

/** Random floats in [lo, hi) from a seeded generator. */
export function randomFloats(n: number, rng: { uniform(lo: number, hi: number): number }, lo = -1, hi = 1): Float32Array {
  return Float32Array.from({ length: n }, () => rng.uniform(lo, hi));
}
