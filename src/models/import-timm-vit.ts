/**
 * timm VisionTransformer weights <-> our VisionTransformer. Every name is
 * the same except attention's input projection: timm fuses it as
 * `blocks.I.attn.qkv.weight` [3C, C] (rows: q, then k, then v; heads
 * contiguous inside each) and `qkv.bias` [3C]; we keep `attn.q`, `attn.k`,
 * `attn.v` apart so sparsity can treat each. Import splits, export fuses.
 * Shapes: C width; weights [out, in] as in nn.Linear on both sides.
 */
import type { StateDict } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import { asMap, checkExpectedKeys, copyOf, sliceRows, stackRows, type ExternalLoadOptions } from './external-weights.js';
import type { VisionTransformer } from './vit.js';

const QKV = /^(blocks\.\d+\.attn\.)(q|k|v)\.(weight|bias)$/;

/**
 * The model's weights under timm's names, qkv fused: what
 * `timm.create_model(...).state_dict()` holds for the same config.
 *
 * @example
 * saveSafetensors('vit-timm.safetensors', toTimmVit(vit));
 */
export function toTimmVit(model: VisionTransformer): Map<string, Tensor> {
  const ours = model.stateDict();
  const out = new Map<string, Tensor>();
  for (const [key, t] of ours) {
    const m = QKV.exec(key);
    if (m === null) {
      out.set(key, copyOf(t));
    } else if (m[2] === 'q') {
      const [, prefix, , kind] = m;
      const part = (which: string): Tensor => ours.get(`${prefix}${which}.${kind}`)!;
      out.set(`${prefix}qkv.${kind}`, stackRows([part('q'), part('k'), part('v')]));
    }
  }
  return out;
}

/**
 * timm-named weights converted to the model's own state dict (qkv split
 * into q, k, v), after checking that every key is there with the shape the
 * model's config implies. Throws a ShapeError or FormatError naming each
 * offending key otherwise.
 *
 * @example
 * const ours = fromTimmVit(loadSafetensors(path).tensors, vit, { source: path });
 */
export function fromTimmVit(tensors: StateDict, model: VisionTransformer, opts: ExternalLoadOptions = {}): Map<string, Tensor> {
  const given = asMap(tensors);
  const expected = new Map([...toTimmVit(model)].map(([k, t]) => [k, t.shape]));
  const c = model.config;
  checkExpectedKeys(given, expected, {
    format: 'timm ViT',
    source: opts.source,
    config: `imageSize ${c.imageSize}, patchSize ${c.patchSize}, inChannels ${c.inChannels}, dim ${c.dim}, depth ${c.depth}, mlpRatio ${c.mlpRatio}, qkvBias ${c.qkvBias}, classes ${c.classes}`,
  });
  const out = new Map<string, Tensor>();
  for (const key of model.stateDict().keys()) {
    const m = QKV.exec(key);
    if (m === null) {
      out.set(key, copyOf(given.get(key)!));
    } else {
      const [, prefix, which, kind] = m;
      const i = ['q', 'k', 'v'].indexOf(which!);
      out.set(key, sliceRows(given.get(`${prefix}qkv.${kind}`)!, i * c.dim, (i + 1) * c.dim));
    }
  }
  return out;
}

/**
 * Loads timm-named weights into the model in place.
 *
 * @example
 * const path = 'vit_tiny.safetensors';
 * loadTimmVit(vit, loadSafetensors(path).tensors, { source: path });
 */
export function loadTimmVit(model: VisionTransformer, tensors: StateDict, opts: ExternalLoadOptions = {}): void {
  model.loadStateDict(fromTimmVit(tensors, model, opts), opts.source === undefined ? {} : { source: opts.source });
}
