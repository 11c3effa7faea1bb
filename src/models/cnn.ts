/**
 * A small ResNet (He et al. 2015, arXiv:1512.03385) for small images:
 * a 3×3 stem, stages of basic residual blocks (conv-BN-ReLU-conv-BN plus a
 * shortcut, 1×1 conv-BN when the shape changes), global average pooling and
 * a linear head. Names follow torchvision's ResNet (conv1, bn1, downsample.0).
 * Shapes: x [B, C, H, W] -> [B, C_last, H/S, W/S] (S the product of strides, rounded up) -> logits [B, K].
 */
import { z } from 'zod';
import { BatchNorm2d } from '../nn/batch-norm2d.js';
import { Conv2d } from '../nn/conv2d.js';
import { Dropout } from '../nn/dropout.js';
import { kaimingNormal } from '../nn/init.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import { ModuleList } from '../nn/module-list.js';
import { Sequential } from '../nn/sequential.js';
import { add } from '../ops/add.js';
import { mean } from '../ops/mean.js';
import { relu } from '../ops/relu.js';
import type { Tensor } from '../tensor/tensor.js';
import { ShapeError, fmtShape } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import type { ImageClassifier } from './model.js';
import { parseConfig } from './parse-config.js';

const positive = z.number().int().min(1);

const StageSchema = z.strictObject({
  /** Output channels of every conv in the stage. */
  channels: positive,
  /** Residual blocks in the stage. */
  blocks: positive,
  /** Stride of the stage's first block (2 halves H and W). */
  stride: positive.default(1),
});

/**
 * The CNN's config with its defaults: a 16-32-64 ResNet for 28×28
 * Fashion-MNIST (about 0.08 M parameters).
 *
 * @example
 * CnnConfigSchema.parse({ type: 'cnn', stages: [{ channels: 32, blocks: 2 }, { channels: 64, blocks: 2, stride: 2 }] });
 */
export const CnnConfigSchema = z.strictObject({
  type: z.literal('cnn'),
  inChannels: positive.default(1),
  classes: positive.default(10),
  /** Channels of the 3×3 stem convolution. */
  stemChannels: positive.default(16),
  stages: z.array(StageSchema).min(1).default([
    { channels: 16, blocks: 1, stride: 1 },
    { channels: 32, blocks: 1, stride: 2 },
    { channels: 64, blocks: 1, stride: 2 },
  ]),
  /** Dropout before the head. */
  dropout: z.number().min(0).max(1).default(0),
});

export type CnnConfigInput = z.input<typeof CnnConfigSchema>;
export type CnnConfig = z.output<typeof CnnConfigSchema>;

/** One residual block: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)). */
export class BasicBlock extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly downsample: Sequential | null;

  constructor(inChannels: number, channels: number, stride: number, rng: Rng) {
    super();
    this.conv1 = this.registerModule('conv1', convBn(inChannels, channels, 3, stride, rng));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(channels));
    this.conv2 = this.registerModule('conv2', convBn(channels, channels, 3, 1, rng));
    this.bn2 = this.registerModule('bn2', new BatchNorm2d(channels));
    this.downsample =
      stride !== 1 || inChannels !== channels
        ? this.registerModule('downsample', new Sequential(convBn(inChannels, channels, 1, stride, rng), new BatchNorm2d(channels)))
        : null;
  }

  forward(x: Tensor): Tensor {
    const h = relu(this.bn1.forward(this.conv1.forward(x)));
    const y = this.bn2.forward(this.conv2.forward(h));
    return relu(add(y, this.downsample === null ? x : this.downsample.forward(x)));
  }
}

/**
 * The ResNet-style image classifier. Parameter names: conv1.weight,
 * bn1.{weight,bias,running_mean,running_var}, stages.S.B.conv1.weight, …,
 * stages.S.B.downsample.{0,1}.*, head.{weight,bias}. Convolutions carry
 * role 'conv', the head 'head', BN scales 'norm'.
 *
 * @example
 * const cnn = new SmallResNet({ stages: [{ channels: 32, blocks: 2 }] }, new Rng(0));
 * cnn.forward(images); // [B, 1, 28, 28] -> [B, 10]
 */
export class SmallResNet extends Module implements ImageClassifier {
  readonly task = 'classify' as const;
  readonly config: CnnConfig;
  readonly classes: number;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly stages: ModuleList<ModuleList<BasicBlock>>;
  readonly drop: Dropout;
  readonly head: Linear;
  readonly dropoutRng: Rng;

  constructor(config: Omit<CnnConfigInput, 'type'>, rng: Rng) {
    super();
    const cfg = parseConfig(CnnConfigSchema, { ...config, type: 'cnn' }, 'model');
    this.config = cfg;
    this.classes = cfg.classes;
    this.dropoutRng = rng.fork();
    this.conv1 = this.registerModule('conv1', convBn(cfg.inChannels, cfg.stemChannels, 3, 1, rng));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(cfg.stemChannels));
    let channels = cfg.stemChannels;
    const stages: Array<ModuleList<BasicBlock>> = [];
    for (const s of cfg.stages) {
      const blocks: BasicBlock[] = [];
      for (let b = 0; b < s.blocks; b++) {
        blocks.push(new BasicBlock(channels, s.channels, b === 0 ? s.stride : 1, rng));
        channels = s.channels;
      }
      stages.push(new ModuleList(blocks));
    }
    this.stages = this.registerModule('stages', new ModuleList(stages));
    this.drop = this.registerModule('drop', new Dropout(cfg.dropout, this.dropoutRng));
    this.head = this.registerModule('head', new Linear(channels, cfg.classes, { rng, role: 'head' }));
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 4 || x.shape[1] !== this.config.inChannels) {
      throw new ShapeError(`SmallResNet.forward: expected images [B, ${this.config.inChannels}, H, W], got ${fmtShape(x.shape)}`);
    }
    let h = relu(this.bn1.forward(this.conv1.forward(x)));
    for (const stage of this.stages) for (const block of stage) h = block.forward(h);
    const pooled = mean(h, { axis: [2, 3] }); // [B, C]
    return this.head.forward(this.drop.forward(pooled));
  }
}

// Bias-free convolutions (BN follows each), Kaiming-normal fan-out as torchvision's ResNet.
function convBn(inChannels: number, outChannels: number, kernel: number, stride: number, rng: Rng): Conv2d {
  const conv = new Conv2d(inChannels, outChannels, kernel, { rng, stride, padding: (kernel - 1) / 2, bias: false });
  kaimingNormal(conv.weight, rng, { mode: 'fanOut', nonlinearity: 'relu' });
  return conv;
}
