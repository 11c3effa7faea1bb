/**
 * Embedding table with its weight read through the effective-weight hook.
 * Shapes: weight [V, D]; ids [...idsShape] -> [...idsShape, D].
 */
import { embedding } from '../ops/embedding.js';
import { zeros } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { ArgumentError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { normal } from './init.js';
import { Module } from './module.js';
import type { Parameter, ParamRole } from './parameter.js';

export interface EmbeddingOptions {
  /** Draws the initial table. */
  readonly rng: Rng;
  /** Standard deviation of the initial N(0, std²) values (default 1, as PyTorch; GPT-2 uses 0.02). */
  readonly std?: number;
  /** Role of the table (default 'embed'). */
  readonly role?: ParamRole;
}

/**
 * `nn.Embedding`.
 *
 * @example
 * const wte = new Embedding(vocab, 64, { rng, std: 0.02 });
 * wte.forward(tokens, [B, T]); // tokens: Int32Array of B·T ids -> [B, T, 64]
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, opts: EmbeddingOptions) {
    super();
    for (const [what, v] of [['numEmbeddings', numEmbeddings], ['embeddingDim', embeddingDim]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`Embedding: ${what} ${v} must be a positive integer`);
    }
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.weight = this.registerParameter('weight', zeros([numEmbeddings, embeddingDim]), { role: opts.role ?? 'embed', transformable: true });
    normal(this.weight, opts.rng, 0, opts.std ?? 1);
  }

  forward(ids: Int32Array, idsShape: readonly number[]): Tensor {
    return embedding(this.effectiveParameter('weight'), ids, idsShape);
  }
}
