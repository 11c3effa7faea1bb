/**
 * Seeded random numbers: xoshiro128** seeded through splitmix32, so the same
 * seed gives the same stream on every platform (and in C++, where kernels
 * draw numbers, by mirroring these few lines).
 *
 * @example
 * const rng = new Rng(42);
 * rng.uniform();        // in [0, 1)
 * rng.normal(0, 1);
 * rng.permutation(10);  // Int32Array of 0..9 shuffled
 */
export class Rng {
  private s = new Uint32Array(4);
  private spareNormal: number | null = null;

  constructor(seed = 0) {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      // splitmix32 step
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /** The next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** Uniform in [lo, hi), 24 bits of resolution (exact in float32). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * ((this.nextUint32() >>> 8) / 16777216);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Normal draw (Box–Muller; the second value of each pair is kept for the next call). */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** A random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }

  /** A new generator whose stream is independent of this one's future draws. */
  fork(): Rng {
    return new Rng(this.nextUint32());
  }

  /** Serializable state, for checkpoints that resume exactly. */
  getState(): number[] {
    return [...this.s, this.spareNormal === null ? NaN : this.spareNormal];
  }

  setState(state: readonly number[]): void {
    for (let i = 0; i < 4; i++) this.s[i] = state[i]! >>> 0;
    const spare = state[4];
    this.spareNormal = spare === undefined || Number.isNaN(spare) ? null : spare;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
