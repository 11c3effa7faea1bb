/**
 * A multi-layer perceptron classifier: images flattened, hidden Linear
 * layers each followed by an activation and dropout, then a Linear head.
 * Shapes: x [B, C, H, W] (or any [B, ...] of C·H·W values) -> [B, C·H·W] -> logits [B, K].
 */
import { z } from 'zod';
import { ACTIVATIONS, activation } from '../nn/activations.js';
import { Dropout } from '../nn/dropout.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import { ModuleList } from '../nn/module-list.js';
import type { UnaryModule } from '../nn/sequential.js';
import { reshape } from '../ops/reshape.js';
import type { Tensor } from '../tensor/tensor.js';
import { ShapeError, fmtShape } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import type { ImageClassifier } from './model.js';
import { parseConfig } from './parse-config.js';

const positive = z.number().int().min(1);

/**
 * The MLP's config with its defaults: 784-256-128-10 with ReLU, for
 * Fashion-MNIST.
 *
 * @example
 * MlpConfigSchema.parse({ type: 'mlp', hidden: [512], activation: 'gelu', dropout: 0.1 });
 */
export const MlpConfigSchema = z.strictObject({
  type: z.literal('mlp'),
  /** Shape of one input [C, H, W]; the first layer takes their product. */
  inputShape: z.array(positive).min(1).default([1, 28, 28]),
  classes: positive.default(10),
  /** Widths of the hidden layers, in order (empty: a linear classifier). */
  hidden: z.array(positive).default([256, 128]),
  activation: z.enum(ACTIVATIONS).default('relu'),
  /** Dropout after each hidden activation. */
  dropout: z.number().min(0).max(1).default(0),
});

export type MlpConfigInput = z.input<typeof MlpConfigSchema>;
export type MlpConfig = z.output<typeof MlpConfigSchema>;

/**
 * The MLP classifier. Parameter names: layers.I.{weight,bias} (role 'ff')
 * for the hidden layers, head.{weight,bias} (role 'head').
 *
 * @example
 * const mlp = new MlpClassifier({ hidden: [256] }, new Rng(0));
 * mlp.forward(images); // [B, 1, 28, 28] -> [B, 10]
 */
export class MlpClassifier extends Module implements ImageClassifier {
  readonly task = 'classify' as const;
  readonly config: MlpConfig;
  readonly classes: number;
  readonly inFeatures: number;
  readonly dropoutRng: Rng;
  readonly layers: ModuleList<Linear>;
  readonly head: Linear;
  readonly drop: Dropout;
  readonly #acts: UnaryModule[];

  constructor(config: Omit<MlpConfigInput, 'type'>, rng: Rng) {
    super();
    const cfg = parseConfig(MlpConfigSchema, { ...config, type: 'mlp' }, 'model');
    this.config = cfg;
    this.classes = cfg.classes;
    this.inFeatures = cfg.inputShape.reduce((a, b) => a * b, 1);
    this.dropoutRng = rng.fork();
    const widths = [this.inFeatures, ...cfg.hidden];
    this.layers = this.registerModule('layers', new ModuleList(cfg.hidden.map((w, i) => new Linear(widths[i]!, w, { rng, role: 'ff' }))));
    this.#acts = cfg.hidden.map(() => activation(cfg.activation));
    this.drop = this.registerModule('drop', new Dropout(cfg.dropout, this.dropoutRng));
    this.head = this.registerModule('head', new Linear(widths[widths.length - 1]!, cfg.classes, { rng, role: 'head' }));
  }

  forward(x: Tensor): Tensor {
    const b = x.shape[0] ?? 0;
    if (x.ndim < 2 || x.size !== b * this.inFeatures) {
      throw new ShapeError(`MlpClassifier.forward: expected [B, ${this.config.inputShape.join(', ')}] (B rows of ${this.inFeatures} values), got ${fmtShape(x.shape)}`);
    }
    let h = reshape(x, [b, this.inFeatures]);
    for (const [i, layer] of [...this.layers].entries()) h = this.drop.forward(this.#acts[i]!.forward(layer.forward(h)));
    return this.head.forward(h);
  }
}
