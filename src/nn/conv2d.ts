/**
 * 2-D convolution layer with its kernel read through the effective-weight hook.
 * Shapes: x: [B, C, H, W] -> [B, O, OH, OW]; weight [O, C/groups, kh, kw], bias [O].
 */
import { conv2d } from '../ops/conv2d.js';
import { pair, type Size2 } from '../ops/window.js';
import { zeros } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { ArgumentError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { kaimingUniform, uniform } from './init.js';
import { Module } from './module.js';
import type { Parameter, ParamRole } from './parameter.js';

export interface Conv2dLayerOptions {
  /** Draws the initial weights. */
  readonly rng: Rng;
  /** Default 1. */
  readonly stride?: Size2;
  /** Zeros added on each side (default 0). */
  readonly padding?: Size2;
  /** Channel groups (default 1; groups = channels is a depthwise convolution). */
  readonly groups?: number;
  /** Add a learned bias (default true). */
  readonly bias?: boolean;
  /** Role of the kernel (default 'conv'). */
  readonly role?: ParamRole;
}

/** Replaces the convolution when a weight transform is not enough; it receives the effective weight. */
export type Conv2dForward = (x: Tensor, weight: Tensor, bias: Tensor | null) => Tensor;

/**
 * `nn.Conv2d`, initialised as PyTorch does: Kaiming-uniform with a = √5
 * (bound 1/√fanIn, fanIn = C/groups·kh·kw), bias uniform in ±1/√fanIn.
 *
 * @example
 * const conv = new Conv2d(3, 16, 3, { rng, padding: 1 });
 * conv.forward(x); // [8, 3, 32, 32] -> [8, 16, 32, 32]
 */
export class Conv2d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly groups: number;
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  #override: Conv2dForward | null = null;

  constructor(inChannels: number, outChannels: number, kernelSize: Size2, opts: Conv2dLayerOptions) {
    super();
    const groups = opts.groups ?? 1;
    for (const [what, v] of [['inChannels', inChannels], ['outChannels', outChannels], ['groups', groups]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`Conv2d: ${what} ${v} must be a positive integer`);
    }
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new ArgumentError(`Conv2d: groups ${groups} must divide both inChannels ${inChannels} and outChannels ${outChannels}`);
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = pair(kernelSize, 'kernelSize', 'Conv2d', 1);
    this.stride = pair(opts.stride ?? 1, 'stride', 'Conv2d', 1);
    this.padding = pair(opts.padding ?? 0, 'padding', 'Conv2d', 0);
    this.groups = groups;
    const [kh, kw] = this.kernelSize;
    const w = zeros([outChannels, inChannels / groups, kh, kw]);
    this.weight = this.registerParameter('weight', w, { role: opts.role ?? 'conv', transformable: true });
    kaimingUniform(this.weight, opts.rng, { a: Math.sqrt(5) });
    if (opts.bias ?? true) {
      const bound = 1 / Math.sqrt((inChannels / groups) * kh * kw);
      this.bias = this.registerParameter('bias', uniform(zeros([outChannels]), opts.rng, -bound, bound), { role: 'bias' });
    } else {
      this.bias = null;
    }
  }

  forward(x: Tensor): Tensor {
    const w = this.effectiveParameter('weight');
    if (this.#override !== null) return this.#override(x, w, this.bias);
    return conv2d(x, w, this.bias, { stride: this.stride, padding: this.padding, groups: this.groups });
  }

  /** Installs (or with null removes) a replacement for the convolution, as Linear's (compressed weights use it). */
  setForwardOverride(fn: Conv2dForward | null): void {
    this.#override = fn;
  }
}
