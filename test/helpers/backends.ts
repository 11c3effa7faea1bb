/**
 * Runs a test body once per available backend, so every op is checked on the
 * reference kernels and, when the addon is built, on the native ones.
 */
import { nativeAvailable, withBackend, type BackendName } from '../../src/index.js';

export function availableBackends(): BackendName[] {
  return nativeAvailable() ? ['reference', 'native'] : ['reference'];
}

export function forEachBackend(body: (backend: BackendName) => void): void {
  for (const b of availableBackends()) withBackend(b, () => body(b));
}
