/**
 * Vision Transformer (Dosovitskiy et al. 2020, arXiv:2010.11929) as timm's
 * VisionTransformer: patch embedding by a Conv2d with kernel = stride =
 * patch, a class token, a learned position table, pre-norm blocks, a final
 * norm and a linear head on the class token. Parameter names are timm's,
 * except that its fused `attn.qkv` is three Linear layers `attn.q`, `attn.k`,
 * `attn.v` (see import-timm-vit.ts).
 * Shapes: x [B, Cin, H, W] -> patches [B, N, C] (N = (H/P)·(W/P)) -> tokens
 * [B, 1+N, C] -> logits [B, K]; H heads of D = C/H inside attention.
 */
import { z } from 'zod';
import { Conv2d } from '../nn/conv2d.js';
import { Dropout } from '../nn/dropout.js';
import { normal, truncNormal, zeros as zeroInit } from '../nn/init.js';
import { LayerNorm } from '../nn/layer-norm.js';
import { Linear } from '../nn/linear.js';
import { MLP } from '../nn/mlp.js';
import { Module } from '../nn/module.js';
import { ModuleList } from '../nn/module-list.js';
import { MultiHeadAttention } from '../nn/multi-head-attention.js';
import type { Parameter } from '../nn/parameter.js';
import { add } from '../ops/add.js';
import { concat } from '../ops/concat.js';
import { mean } from '../ops/mean.js';
import { reshape } from '../ops/reshape.js';
import { slice } from '../ops/slice.js';
import { transpose } from '../ops/transpose.js';
import { zeros } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { ShapeError, fmtShape } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import type { ImageClassifier } from './model.js';
import { parseConfig } from './parse-config.js';

const positive = z.number().int().min(1);

/**
 * The ViT's config with its defaults: patch 4, width 64, depth 4, 4 heads
 * on 28×28 one-channel images (Fashion-MNIST), about 0.2 M parameters.
 *
 * @example
 * VitConfigSchema.parse({ type: 'vit', dim: 128, depth: 6, heads: 8 });
 */
export const VitConfigSchema = z
  .strictObject({
    type: z.literal('vit'),
    imageSize: positive.default(28),
    patchSize: positive.default(4),
    inChannels: positive.default(1),
    classes: positive.default(10),
    /** Token width C. */
    dim: positive.default(64),
    /** Number of blocks. */
    depth: positive.default(4),
    heads: positive.default(4),
    /** MLP hidden width = floor(dim · mlpRatio). */
    mlpRatio: z.number().positive().default(4),
    /** Biases on q, k and v (timm's qkv_bias). */
    qkvBias: z.boolean().default(true),
    /** Dropout after the position embedding and on each residual branch. */
    dropout: z.number().min(0).max(1).default(0),
    /**
     * What the head sees: 'token', the class token (timm's default); 'mean',
     * the mean of the normalised patch tokens, which small ViTs trained from
     * scratch learn faster with (Beyer et al. 2022, arXiv:2205.01580).
     * Weights imported from timm are 'token' models.
     */
    pool: z.enum(['token', 'mean']).default('token'),
    /** timm builds its norms with eps 1e-6. */
    layerNormEps: z.number().positive().default(1e-6),
  })
  .superRefine((c, ctx) => {
    if (c.imageSize % c.patchSize !== 0) {
      ctx.addIssue({ code: 'custom', path: ['patchSize'], message: `patchSize ${c.patchSize} must divide imageSize ${c.imageSize}` });
    }
    if (c.dim % c.heads !== 0) ctx.addIssue({ code: 'custom', path: ['heads'], message: `heads ${c.heads} must divide dim ${c.dim}` });
    if (Math.floor(c.dim * c.mlpRatio) < 1) ctx.addIssue({ code: 'custom', path: ['mlpRatio'], message: `dim · mlpRatio must be at least 1` });
  });

export type VitConfigInput = z.input<typeof VitConfigSchema>;
export type VitConfig = z.output<typeof VitConfigSchema>;

/** timm's PatchEmbed: one Conv2d `proj` (role 'embed'), its output flattened to tokens. */
export class PatchEmbed extends Module {
  readonly proj: Conv2d;

  constructor(inChannels: number, dim: number, patch: number, rng: Rng) {
    super();
    this.proj = this.registerModule('proj', new Conv2d(inChannels, dim, patch, { rng, stride: patch, role: 'embed' }));
  }

  /** x [B, Cin, H, W] -> [B, N, C]. */
  forward(x: Tensor): Tensor {
    const y = this.proj.forward(x); // [B, C, H/P, W/P]
    const [b, c, gh, gw] = y.shape as [number, number, number, number];
    return transpose(reshape(y, [b, c, gh * gw]), 1, 2);
  }
}

/** Pre-norm transformer block: x + attn(norm1(x)), then x + mlp(norm2(x)). */
export class VitBlock extends Module {
  readonly norm1: LayerNorm;
  readonly attn: MultiHeadAttention;
  readonly norm2: LayerNorm;
  readonly mlp: MLP;
  readonly #drop: Dropout;

  constructor(cfg: VitConfig, rng: Rng, drop: Dropout) {
    super();
    this.norm1 = this.registerModule('norm1', new LayerNorm(cfg.dim, { eps: cfg.layerNormEps }));
    this.attn = this.registerModule('attn', new MultiHeadAttention(cfg.dim, cfg.heads, { rng, bias: cfg.qkvBias }));
    this.norm2 = this.registerModule('norm2', new LayerNorm(cfg.dim, { eps: cfg.layerNormEps }));
    this.mlp = this.registerModule('mlp', new MLP(cfg.dim, Math.floor(cfg.dim * cfg.mlpRatio), { rng, activation: 'gelu' }));
    this.#drop = drop;
  }

  forward(x: Tensor): Tensor {
    const h = add(x, this.#drop.forward(this.attn.forward(this.norm1.forward(x))));
    return add(h, this.#drop.forward(this.mlp.forward(this.norm2.forward(h))));
  }
}

/**
 * The ViT classifier. Parameter names (roles): patch_embed.proj.weight
 * (embed), cls_token (other), pos_embed (embed), blocks.I.norm1.*,
 * blocks.I.attn.{q,k,v,proj}.* (q, k, v, proj), blocks.I.norm2.*,
 * blocks.I.mlp.{fc1,fc2}.* (ff), norm.*, head.* (head).
 * Initialised as timm: Linear weights truncated normal std 0.02 with zero
 * biases, pos_embed truncated normal std 0.02, cls_token normal std 1e-6.
 *
 * @example
 * const vit = new VisionTransformer({ dim: 64, depth: 4, heads: 4 }, new Rng(0));
 * vit.forward(images); // [B, 1, 28, 28] -> [B, 10]
 */
export class VisionTransformer extends Module implements ImageClassifier {
  readonly task = 'classify' as const;
  readonly config: VitConfig;
  readonly classes: number;
  /** Patches per image N. */
  readonly numPatches: number;
  readonly dropoutRng: Rng;
  readonly patch_embed: PatchEmbed;
  readonly cls_token: Parameter;
  readonly pos_embed: Parameter;
  readonly drop: Dropout;
  readonly blocks: ModuleList<VitBlock>;
  readonly norm: LayerNorm;
  readonly head: Linear;

  constructor(config: Omit<VitConfigInput, 'type'>, rng: Rng) {
    super();
    const cfg = parseConfig(VitConfigSchema, { ...config, type: 'vit' }, 'model');
    this.config = cfg;
    this.classes = cfg.classes;
    this.numPatches = (cfg.imageSize / cfg.patchSize) ** 2;
    this.dropoutRng = rng.fork();
    this.patch_embed = this.registerModule('patch_embed', new PatchEmbed(cfg.inChannels, cfg.dim, cfg.patchSize, rng));
    this.cls_token = this.registerParameter('cls_token', normal(zeros([1, 1, cfg.dim]), rng, 0, 1e-6), { role: 'other' });
    this.pos_embed = this.registerParameter('pos_embed', truncNormal(zeros([1, 1 + this.numPatches, cfg.dim]), rng, { std: 0.02 }), { role: 'embed' });
    this.drop = this.registerModule('drop', new Dropout(cfg.dropout, this.dropoutRng));
    const blocks: VitBlock[] = [];
    for (let i = 0; i < cfg.depth; i++) blocks.push(new VitBlock(cfg, rng, this.drop));
    this.blocks = this.registerModule('blocks', new ModuleList(blocks));
    this.norm = this.registerModule('norm', new LayerNorm(cfg.dim, { eps: cfg.layerNormEps }));
    this.head = this.registerModule('head', new Linear(cfg.dim, cfg.classes, { rng, role: 'head' }));
    for (const [, m] of this.namedModules()) {
      if (m instanceof Linear) {
        truncNormal(m.weight, rng, { std: 0.02 });
        if (m.bias !== null) zeroInit(m.bias);
      }
    }
  }

  forward(x: Tensor): Tensor {
    const { inChannels: c, imageSize: s, dim } = this.config;
    if (x.ndim !== 4 || x.shape[1] !== c || x.shape[2] !== s || x.shape[3] !== s) {
      throw new ShapeError(`VisionTransformer.forward: expected images [B, ${c}, ${s}, ${s}], got ${fmtShape(x.shape)}`);
    }
    const b = x.shape[0]!;
    const patches = this.patch_embed.forward(x);
    const cls = add(zeros([b, 1, dim]), this.cls_token);
    let h = this.drop.forward(add(concat([cls, patches], 1), this.pos_embed));
    for (const block of this.blocks) h = block.forward(h);
    if (this.config.pool === 'mean') return this.head.forward(mean(this.norm.forward(slice(h, 1, 1, 1 + this.numPatches)), { axis: 1 }));
    // The norm acts per token, so normalising the class token alone is timm's norm-then-select.
    return this.head.forward(this.norm.forward(reshape(slice(h, 1, 0, 1), [b, dim])));
  }
}
