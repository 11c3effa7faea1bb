/**
 * The contract of a prepacked layout (prepackNM, prepackCSR): spmm runs on
 * it where it applies, and it is a copy, so values changed in place reach
 * spmm only through the weight's own arrays (where the layout does not
 * apply) or once the layout is dropped; compress gives it to the weights it
 * does not train, and sparseParameters takes it away.
 */
import assert from 'node:assert/strict';
import { compress, compressedWeight, noGrad, prepackedLayout, sparseParameters, type MLP, type Tensor } from '../../src/index.js';
import { forEachBackend } from './backends.js';
import { relErr } from './rel-err.js';

export interface PrepackedCase {
  /** The weight's values, changed in place by the check and restored after. */
  readonly values: Float32Array;
  /** The product before any change. */
  readonly want: Float32Array;
  /** spmm at a batch the layout serves, and at one it does not (its output). */
  readonly onLayout: () => Float32Array;
  readonly offLayout: () => Float32Array;
  readonly drop: () => void;
  readonly prepack: () => void;
}

export function assertPrepackedCopy(c: PrepackedCase, label: string): void {
  assert.ok(relErr(c.onLayout(), c.want) < 1e-6, `${label}: ${relErr(c.onLayout(), c.want)}`);
  const saved = new Float32Array(c.values);
  c.values.fill(0);
  try {
    assert.ok(relErr(c.onLayout(), c.want) < 1e-6, `${label}: the prepacked copy serves its batches`);
    assert.ok(c.offLayout().every((v) => v === 0), `${label}: other batches read the weight's own arrays`);
    c.drop();
    assert.ok(c.onLayout().every((v) => v === 0), `${label}: once dropped, the weight's own arrays`);
  } finally {
    c.values.set(saved);
    c.prepack();
  }
}

/**
 * For `train` false then true, on a fresh model each time: compress in
 * `format` keeps the model's outputs on `inputs` within 1e-5 on every backend,
 * prepacks fc1's weight exactly when not training, and sparseParameters
 * drops that layout.
 */
export function assertCompressPrepacks(makeModel: () => MLP, format: 'nm' | 'csr', inputs: readonly Tensor[]): void {
  for (const train of [false, true]) {
    const model = makeModel();
    const expected = inputs.map((x) => noGrad(() => model.forward(x)).data);
    compress(model, { format, measure: false, train });
    forEachBackend((backend) => {
      inputs.forEach((x, i) => {
        const got = noGrad(() => model.forward(x)).data;
        assert.ok(relErr(got, expected[i]!) <= 1e-5, `${backend} batch ${x.shape[0]} train ${train}: ${relErr(got, expected[i]!)}`);
      });
    });
    const w = compressedWeight(model.fc1);
    assert.ok(w !== null && w.format === format);
    assert.equal(prepackedLayout(w) !== undefined, !train, `train ${train}`);
    if (!train) {
      sparseParameters(model);
      assert.equal(prepackedLayout(w), undefined);
    }
  }
}
