/**
 * N:M magnitude masks and the N:M validity check.
 * Shapes: Linear weight [O, K]; Conv2d weight [O, I, kh, kw] (groups over I at
 * each kernel position, or over O with axis 'output').
 *
 * @example
 * const mask = nmMask(weight, { n: 2, m: 4 });            // 0/1, weight's shape
 * isNM(mul(weight, mask), { n: 2, m: 4 });                 // true
 * nmMask(convWeight, { n: 1, m: 8, name: 'conv2.weight' }); // errors name the layer
 */
import { nmMask as nmMaskKernel } from '../../kernels/index.js';
import { Tensor } from '../../tensor/tensor.js';
import { nmLayout, type NMPattern } from '../patterns/nm-pattern.js';

export interface NMMaskOptions extends NMPattern {
  /** The parameter's qualified name, for error messages. */
  readonly name?: string;
}

/**
 * The 0/1 mask keeping the n largest |w| of every group of m (ties to the
 * lower index). Throws an ArgumentError for N > M, N or M < 1, or an M that
 * does not divide the grouped dimension.
 *
 * @example
 * nmMask(tensor([[3, -1, 2, 0.5]]), { n: 2, m: 4 }).toArray(); // [1, 0, 1, 0]
 */
export function nmMask(weight: Tensor, opts: NMMaskOptions): Tensor {
  const layout = nmLayout(weight.shape, opts, opts.name === undefined ? 'nmMask' : `nmMask (${opts.name})`);
  const out = new Float32Array(weight.size);
  nmMaskKernel(weight.data, layout.outer, layout.dim, layout.inner, opts.n, opts.m, out);
  return new Tensor(out, weight.shape);
}

/**
 * True when every group of m along the pattern's axis holds at most n
 * non-zeros — what a sparse N:M kernel can run. False (not an error) when M
 * does not divide the grouped dimension or the tensor has fewer than 2 dims.
 *
 * @example
 * isNM(tensor([[1, 0, 0, 2], [0, 0, 5, 0]]), { n: 2, m: 4 }); // true
 */
export function isNM(t: Tensor, pattern: NMPattern): boolean {
  return nmViolations(t, pattern) === 0;
}

/**
 * How many groups hold more than n non-zeros (0 means valid N:M); Infinity
 * when the tensor cannot be grouped by m at all.
 */
export function nmViolations(t: Tensor, pattern: NMPattern): number {
  let layout;
  try {
    layout = nmLayout(t.shape, pattern, 'isNM');
  } catch {
    return Infinity;
  }
  const { outer, dim, inner } = layout;
  const { n, m } = pattern;
  const d = t.data;
  let bad = 0;
  for (let o = 0; o < outer; o++) {
    for (let g = 0; g < dim; g += m) {
      for (let i = 0; i < inner; i++) {
        const start = (o * dim + g) * inner + i;
        let nz = 0;
        for (let j = 0; j < m; j++) if (d[start + j * inner] !== 0) nz++;
        if (nz > n) bad++;
      }
    }
  }
  return bad;
}
