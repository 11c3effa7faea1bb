/**
 * A GPT decoder (Radford et al. 2019, "Language Models are Unsupervised
 * Multitask Learners") laid out as Hugging Face's GPT-2: token and position
 * tables, pre-norm causal blocks, a final norm and an LM head tied to the
 * token table or not. Top-level names are Hugging Face's (wte, wpe,
 * h.I.ln_1, h.I.ln_2, ln_f, lm_head); inside a block the shared layers keep
 * their own names: attn.{q,k,v,proj} for c_attn (split) and c_proj,
 * mlp.{fc1,fc2} for c_fc and c_proj (see import-hf-gpt2.ts).
 * Shapes: ids [B, T] -> tokens [B, T, C] -> logits [B, T, V]; H heads of D = C/H.
 */
import { z } from 'zod';
import { Dropout } from '../nn/dropout.js';
import { Embedding } from '../nn/embedding.js';
import { normal, zeros as zeroInit } from '../nn/init.js';
import { LayerNorm } from '../nn/layer-norm.js';
import { Linear } from '../nn/linear.js';
import { MLP } from '../nn/mlp.js';
import { Module } from '../nn/module.js';
import { ModuleList } from '../nn/module-list.js';
import { MultiHeadAttention } from '../nn/multi-head-attention.js';
import { add } from '../ops/add.js';
import { linear } from '../ops/linear.js';
import { slice } from '../ops/slice.js';
import type { Tensor } from '../tensor/tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import type { LanguageModel } from './model.js';
import { parseConfig } from './parse-config.js';

const positive = z.number().int().min(1);

/**
 * The GPT's config with its defaults: a byte-level vocabulary, context 128,
 * width 128, depth 4, 4 heads, lm_head tied to wte (about 0.8 M parameters).
 * A character-level run sets vocabSize to its dataset's vocabulary.
 *
 * @example
 * GptConfigSchema.parse({ type: 'gpt', vocabSize: 65, contextLength: 256, dim: 192, depth: 6, heads: 6 });
 */
export const GptConfigSchema = z
  .strictObject({
    type: z.literal('gpt'),
    vocabSize: positive.default(256),
    /** Longest sequence (GPT-2's n_positions): rows of wpe. */
    contextLength: positive.default(128),
    /** Token width C (n_embd). */
    dim: positive.default(128),
    /** Number of blocks (n_layer). */
    depth: positive.default(4),
    heads: positive.default(4),
    /** MLP hidden width = floor(dim · mlpRatio) (GPT-2: 4). */
    mlpRatio: z.number().positive().default(4),
    /** Dropout after the embeddings and on each residual branch. */
    dropout: z.number().min(0).max(1).default(0),
    /** lm_head shares wte's table (GPT-2's tie_word_embeddings). */
    tieWeights: z.boolean().default(true),
    layerNormEps: z.number().positive().default(1e-5),
  })
  .superRefine((c, ctx) => {
    if (c.dim % c.heads !== 0) ctx.addIssue({ code: 'custom', path: ['heads'], message: `heads ${c.heads} must divide dim ${c.dim}` });
    if (Math.floor(c.dim * c.mlpRatio) < 1) ctx.addIssue({ code: 'custom', path: ['mlpRatio'], message: `dim · mlpRatio must be at least 1` });
  });

export type GptConfigInput = z.input<typeof GptConfigSchema>;
export type GptConfig = z.output<typeof GptConfigSchema>;

/** GPT-2's block: x + attn(ln_1(x)) with causal attention, then x + mlp(ln_2(x)) with GELU tanh. */
export class GptBlock extends Module {
  readonly ln_1: LayerNorm;
  readonly attn: MultiHeadAttention;
  readonly ln_2: LayerNorm;
  readonly mlp: MLP;
  readonly #drop: Dropout;

  constructor(cfg: GptConfig, rng: Rng, drop: Dropout) {
    super();
    this.ln_1 = this.registerModule('ln_1', new LayerNorm(cfg.dim, { eps: cfg.layerNormEps }));
    this.attn = this.registerModule('attn', new MultiHeadAttention(cfg.dim, cfg.heads, { rng, causal: true }));
    this.ln_2 = this.registerModule('ln_2', new LayerNorm(cfg.dim, { eps: cfg.layerNormEps }));
    this.mlp = this.registerModule('mlp', new MLP(cfg.dim, Math.floor(cfg.dim * cfg.mlpRatio), { rng, activation: 'geluTanh' }));
    this.#drop = drop;
  }

  forward(x: Tensor): Tensor {
    const h = add(x, this.#drop.forward(this.attn.forward(this.ln_1.forward(x))));
    return add(h, this.#drop.forward(this.mlp.forward(this.ln_2.forward(h))));
  }
}

/**
 * The GPT language model. Parameter names (roles): wte.weight (embed),
 * wpe.weight (embed), h.I.ln_1.*, h.I.attn.{q,k,v,proj}.* (q, k, v, proj),
 * h.I.ln_2.*, h.I.mlp.{fc1,fc2}.* (ff), ln_f.*, and lm_head.weight (head,
 * no bias) only when tieWeights is false. Initialised as GPT-2: weights
 * normal std 0.02, the residual projections (attn.proj, mlp.fc2) std
 * 0.02/√(2·depth), biases zero.
 *
 * @example
 * const gpt = new Gpt({ vocabSize: 65, contextLength: 64 }, new Rng(0));
 * gpt.forward(ids, [8, 64]); // -> [8, 64, 65]
 */
export class Gpt extends Module implements LanguageModel {
  readonly task = 'lm' as const;
  readonly config: GptConfig;
  readonly vocabSize: number;
  readonly contextLength: number;
  readonly dropoutRng: Rng;
  readonly wte: Embedding;
  readonly wpe: Embedding;
  readonly drop: Dropout;
  readonly h: ModuleList<GptBlock>;
  readonly ln_f: LayerNorm;
  /** The untied head; null when lm_head is wte. */
  readonly lm_head: Linear | null;

  constructor(config: Omit<GptConfigInput, 'type'>, rng: Rng) {
    super();
    const cfg = parseConfig(GptConfigSchema, { ...config, type: 'gpt' }, 'model');
    this.config = cfg;
    this.vocabSize = cfg.vocabSize;
    this.contextLength = cfg.contextLength;
    this.dropoutRng = rng.fork();
    this.wte = this.registerModule('wte', new Embedding(cfg.vocabSize, cfg.dim, { rng, std: 0.02 }));
    this.wpe = this.registerModule('wpe', new Embedding(cfg.contextLength, cfg.dim, { rng, std: 0.02 }));
    this.drop = this.registerModule('drop', new Dropout(cfg.dropout, this.dropoutRng));
    const blocks: GptBlock[] = [];
    for (let i = 0; i < cfg.depth; i++) blocks.push(new GptBlock(cfg, rng, this.drop));
    this.h = this.registerModule('h', new ModuleList(blocks));
    this.ln_f = this.registerModule('ln_f', new LayerNorm(cfg.dim, { eps: cfg.layerNormEps }));
    this.lm_head = cfg.tieWeights ? null : this.registerModule('lm_head', new Linear(cfg.dim, cfg.vocabSize, { rng, bias: false, role: 'head' }));
    const residualStd = 0.02 / Math.sqrt(2 * cfg.depth);
    for (const block of this.h) {
      for (const layer of [block.attn.q, block.attn.k, block.attn.v, block.attn.proj, block.mlp.fc1, block.mlp.fc2]) {
        normal(layer.weight, rng, 0, layer === block.attn.proj || layer === block.mlp.fc2 ? residualStd : 0.02);
        if (layer.bias !== null) zeroInit(layer.bias);
      }
    }
    if (this.lm_head !== null) normal(this.lm_head.weight, rng, 0, 0.02);
  }

  /** ids: B·T token ids, row-major, with idsShape [B, T] (T ≤ contextLength) -> logits [B, T, V]. */
  forward(ids: Int32Array, idsShape: readonly number[]): Tensor {
    if (idsShape.length !== 2 || ids.length !== idsShape[0]! * idsShape[1]!) {
      throw new ShapeError(`Gpt.forward: idsShape must be [B, T] holding ids.length = ${ids.length} ids, got ${fmtShape(idsShape)}`);
    }
    const t = idsShape[1]!;
    if (t > this.contextLength || t < 1) {
      throw new ArgumentError(`Gpt.forward: sequence length ${t} must be between 1 and contextLength ${this.contextLength}; crop the input or raise model.contextLength`);
    }
    const pos = slice(this.wpe.effectiveParameter('weight'), 0, 0, t); // [T, C], broadcast over B
    let x = this.drop.forward(add(this.wte.forward(ids, idsShape), pos));
    for (const block of this.h) x = block.forward(x);
    x = this.ln_f.forward(x);
    return this.lm_head === null ? linear(x, this.wte.effectiveParameter('weight')) : this.lm_head.forward(x);
  }
}
