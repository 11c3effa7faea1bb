/**
 * Sparse-aware training FLOPs. The kernel counter (util/flop-counter.ts)
 * counts the GEMMs as they ran: dense, since the masked weights are dense
 * arrays. For every weight a sparsity plan selects, this tracker watches the
 * layer's forward calls during training steps, and takes off the work the
 * flow would save on an N:M kernel, as sparse-core's accounting counts it
 * (sparse/flops/flow-flops.ts: forward sparse only while the effective weight
 * is exactly N:M; input gradient sparse for bdwp only; weight gradient dense).
 * So: sparse-aware = kernel-counted − Σ (dense cost − flow cost) per call.
 * Shapes: Linear x [..., K] -> [..., O] (R = rows of x); Conv2d x [B, C, H, W]
 * -> [B, O, Ho, Wo].
 *
 * @example
 * const tracker = new SparseFlopTracker(model, controller);
 * tracker.counting = true;   // only during training steps
 * ... forward, backward ...
 * tracker.savings;           // { forward, backward } FLOPs an N:M kernel would skip so far
 * tracker.dispose();
 */
import { Conv2d } from '../nn/conv2d.js';
import { Linear } from '../nn/linear.js';
import type { Module } from '../nn/module.js';
import { DENSE_DENSITIES, conv2dFlops, linearFlops, type LayerFlops } from '../sparse/flops/flow-flops.js';
import type { SparsityController } from '../sparse/plan/sparsity-controller.js';
import type { Tensor } from '../tensor/tensor.js';
import type { FlopCount } from '../util/flop-counter.js';

export class SparseFlopTracker {
  /** Calls are counted only while this is true (training steps, not evaluation). */
  counting = false;
  #savings: FlopCount = { forward: 0, backward: 0 };
  readonly #wrapped: Module[] = [];

  constructor(model: Module, controller: SparsityController) {
    const modules = new Map(model.namedModules());
    for (const name of controller.names) {
      const cut = name.lastIndexOf('.');
      const owner = modules.get(cut < 0 ? '' : name.slice(0, cut));
      if (owner instanceof Linear) this.#wrapLinear(owner, name, controller);
      else if (owner instanceof Conv2d) this.#wrapConv(owner, name, controller);
      // Other owners (Embedding) run no matrix product, so N:M saves nothing there.
    }
  }

  /** FLOPs counted dense by the kernels that an N:M kernel would not execute, since construction. */
  get savings(): FlopCount {
    return { ...this.#savings };
  }

  /** Restores the savings of a resumed run. */
  set savings(value: FlopCount) {
    this.#savings = { ...value };
  }

  /** Unwraps every layer (the layers' own forward methods apply again). */
  dispose(): void {
    for (const m of this.#wrapped) delete (m as { forward?: unknown }).forward;
    this.#wrapped.length = 0;
  }

  #wrapLinear(layer: Linear, name: string, controller: SparsityController): void {
    const forward = layer.forward.bind(layer);
    layer.forward = (x: Tensor): Tensor => {
      if (this.counting) {
        const shape = { rows: x.size / layer.inFeatures, inFeatures: layer.inFeatures, outFeatures: layer.outFeatures, bias: layer.bias !== null, inputGrad: x.requiresGrad };
        this.#add(linearFlops(shape, DENSE_DENSITIES), linearFlops(shape, controller.densities(name)));
      }
      return forward(x);
    };
    this.#wrapped.push(layer);
  }

  #wrapConv(layer: Conv2d, name: string, controller: SparsityController): void {
    const forward = layer.forward.bind(layer);
    layer.forward = (x: Tensor): Tensor => {
      const y = forward(x);
      if (this.counting) {
        const shape = {
          batch: x.shape[0]!, inChannels: layer.inChannels, outChannels: layer.outChannels, kernel: layer.kernelSize,
          outHeight: y.shape[2]!, outWidth: y.shape[3]!, groups: layer.groups, bias: layer.bias !== null, inputGrad: x.requiresGrad,
        };
        this.#add(conv2dFlops(shape, DENSE_DENSITIES), conv2dFlops(shape, controller.densities(name)));
      }
      return y;
    };
    this.#wrapped.push(layer);
  }

  #add(dense: LayerFlops, flow: LayerFlops): void {
    this.#savings.forward += dense.forward - flow.forward;
    this.#savings.backward += dense.backward - flow.backward;
  }
}
