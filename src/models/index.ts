/**
 * The four models, their configs, and the one entry point a recipe uses:
 * `buildModel({ type: 'mlp' | 'cnn' | 'vit' | 'gpt', ...config }, rng)`.
 * Image models (task 'classify') map [B, C, H, W] to logits [B, K]; the GPT
 * (task 'lm') maps ids with idsShape [B, T] to logits [B, T, V].
 */
import { z } from 'zod';
import type { Rng } from '../util/rng.js';
import { SmallResNet, CnnConfigSchema } from './cnn.js';
import { Gpt, GptConfigSchema } from './gpt.js';
import { MlpClassifier, MlpConfigSchema } from './mlp.js';
import type { Model } from './model.js';
import { parseConfig } from './parse-config.js';
import { VisionTransformer, VitConfigSchema } from './vit.js';

export type { ImageClassifier, LanguageModel, Model, ModelTask } from './model.js';
export { MlpClassifier, MlpConfigSchema } from './mlp.js';
export type { MlpConfig, MlpConfigInput } from './mlp.js';
export { BasicBlock, SmallResNet, CnnConfigSchema } from './cnn.js';
export type { CnnConfig, CnnConfigInput } from './cnn.js';
export { PatchEmbed, VitBlock, VisionTransformer, VitConfigSchema } from './vit.js';
export type { VitConfig, VitConfigInput } from './vit.js';
export { Gpt, GptBlock, GptConfigSchema } from './gpt.js';
export type { GptConfig, GptConfigInput } from './gpt.js';
export { fromTimmVit, loadTimmVit, toTimmVit } from './import-timm-vit.js';
export { fromHfGpt2, loadHfGpt2, toHfGpt2 } from './import-hf-gpt2.js';
export type { HfGpt2ExportOptions } from './import-hf-gpt2.js';
export type { ExternalLoadOptions } from './external-weights.js';

/**
 * The `model:` section of a recipe: one of the four configs, chosen by
 * `type`; every other key defaults as in that model's schema, and an
 * unknown key is rejected.
 *
 * @example
 * ModelConfigSchema.parse({ type: 'vit', depth: 6 }); // the ViT defaults with depth 6
 */
export const ModelConfigSchema = z.discriminatedUnion('type', [MlpConfigSchema, CnnConfigSchema, VitConfigSchema, GptConfigSchema]);

export type ModelConfigInput = z.input<typeof ModelConfigSchema>;
export type ModelConfig = z.output<typeof ModelConfigSchema>;

/** The model types a recipe may name. */
export const MODEL_TYPES = ['mlp', 'cnn', 'vit', 'gpt'] as const;

/**
 * Validates a `model:` section; throws a ConfigError naming each bad key
 * as `where.key` (where defaults to 'model').
 *
 * @example
 * parseModelConfig({ type: 'gpt', heads: 3 }); // ConfigError: model.heads: heads 3 must divide dim 128
 */
export function parseModelConfig(raw: unknown, where = 'model'): ModelConfig {
  // With a known type, that model's own schema names the allowed keys when one is unknown.
  const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
  const own = new Map<unknown, z.ZodType>([['mlp', MlpConfigSchema], ['cnn', CnnConfigSchema], ['vit', VitConfigSchema], ['gpt', GptConfigSchema]]).get(type);
  return own === undefined ? parseConfig(ModelConfigSchema, raw, where) : (parseConfig(own, raw, where) as ModelConfig);
}

/**
 * Builds a model from its config, drawing every initial weight from rng
 * (the same config and seed give the same weights).
 *
 * @example
 * const model = buildModel({ type: 'cnn' }, new Rng(0));
 * if (model.task === 'classify') model.forward(images); // [B, 1, 28, 28] -> [B, 10]
 */
export function buildModel(config: ModelConfigInput, rng: Rng): Model {
  const cfg = parseModelConfig(config);
  switch (cfg.type) {
    case 'mlp':
      return new MlpClassifier(cfg, rng);
    case 'cnn':
      return new SmallResNet(cfg, rng);
    case 'vit':
      return new VisionTransformer(cfg, rng);
    case 'gpt':
      return new Gpt(cfg, rng);
  }
}
