/**
 * Hugging Face GPT-2 weights <-> our Gpt. Hugging Face names and layouts:
 * `h.I.attn.c_attn` fuses q, k, v as a Conv1D whose weight is [C, 3C]
 * ([in, out]: columns q, then k, then v); `attn.c_proj`, `mlp.c_fc`,
 * `mlp.c_proj` are Conv1D too ([in, out]); wte, wpe, ln_* and lm_head are
 * as ours. Ours are attn.{q,k,v,proj} and mlp.{fc1,fc2}, Linear [out, in].
 * Import splits and transposes, export transposes and fuses. Files saved
 * from GPT2LMHeadModel prefix every name but lm_head with `transformer.`;
 * both layouts load, and the causal-mask buffers (`attn.bias`,
 * `attn.masked_bias`) some files carry are skipped.
 * Shapes: C width, F MLP width, V vocabulary, P positions.
 */
import type { StateDict } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import { FormatError } from '../util/errors.js';
import { asMap, checkExpectedKeys, copyOf, sliceRows, stackRows, transposed, type ExternalLoadOptions } from './external-weights.js';
import type { Gpt } from './gpt.js';

const PREFIX = 'transformer.';
const MASK_BUFFER = /^h\.\d+\.attn\.(bias|masked_bias)$/;

/** Our Linear layers that are a Conv1D on Hugging Face's side, by the names inside a block. */
const CONV1D: ReadonlyArray<readonly [ours: string, hf: string]> = [
  ['attn.proj', 'attn.c_proj'],
  ['mlp.fc1', 'mlp.c_fc'],
  ['mlp.fc2', 'mlp.c_proj'],
];

export interface HfGpt2ExportOptions {
  /** Put before every name but lm_head: '' (default) as GPT2Model saves, 'transformer.' as GPT2LMHeadModel. */
  readonly prefix?: '' | 'transformer.';
  /** With tied weights, also write lm_head.weight (a copy of wte), as GPT2LMHeadModel.state_dict() does (default false). */
  readonly tiedHead?: boolean;
}

/**
 * The model's weights under Hugging Face GPT-2 names and layouts. A tied
 * model has no lm_head.weight unless asked (the hub's files leave it out).
 *
 * @example
 * saveSafetensors('gpt2-hf.safetensors', toHfGpt2(gpt));
 */
export function toHfGpt2(model: Gpt, opts: HfGpt2ExportOptions = {}): Map<string, Tensor> {
  const prefix = opts.prefix ?? '';
  const ours = model.stateDict();
  const get = (key: string): Tensor => ours.get(key)!;
  const out = new Map<string, Tensor>();
  const put = (key: string, t: Tensor): void => void out.set(prefix + key, t);
  put('wte.weight', copyOf(get('wte.weight')));
  put('wpe.weight', copyOf(get('wpe.weight')));
  for (let i = 0; i < model.config.depth; i++) {
    const h = `h.${i}.`;
    for (const kind of ['weight', 'bias']) put(`${h}ln_1.${kind}`, copyOf(get(`${h}ln_1.${kind}`)));
    const qkv = (kind: string): Tensor => stackRows(['q', 'k', 'v'].map((w) => get(`${h}attn.${w}.${kind}`)));
    const conv1d = (mine: string, theirs: string): void => {
      put(`${h}${theirs}.weight`, transposed(get(`${h}${mine}.weight`)));
      put(`${h}${theirs}.bias`, copyOf(get(`${h}${mine}.bias`)));
    };
    put(`${h}attn.c_attn.weight`, transposed(qkv('weight')));
    put(`${h}attn.c_attn.bias`, qkv('bias'));
    conv1d('attn.proj', 'attn.c_proj');
    for (const kind of ['weight', 'bias']) put(`${h}ln_2.${kind}`, copyOf(get(`${h}ln_2.${kind}`)));
    conv1d('mlp.fc1', 'mlp.c_fc');
    conv1d('mlp.fc2', 'mlp.c_proj');
  }
  put('ln_f.weight', copyOf(get('ln_f.weight')));
  put('ln_f.bias', copyOf(get('ln_f.bias')));
  if (model.lm_head !== null) out.set('lm_head.weight', copyOf(get('lm_head.weight')));
  else if (opts.tiedHead === true) out.set('lm_head.weight', copyOf(get('wte.weight')));
  return out;
}

/**
 * Hugging Face GPT-2 weights converted to the model's own state dict, after
 * checking every key and shape against the model's config. With tied
 * weights a file's lm_head.weight must equal its wte.weight; an untied
 * model needs one.
 *
 * @example
 * const ours = fromHfGpt2(loadSafetensors(path).tensors, gpt, { source: path });
 */
export function fromHfGpt2(tensors: StateDict, model: Gpt, opts: ExternalLoadOptions = {}): Map<string, Tensor> {
  const c = model.config;
  const config = `vocabSize ${c.vocabSize}, contextLength ${c.contextLength}, dim ${c.dim}, depth ${c.depth}, mlpRatio ${c.mlpRatio}, tieWeights ${c.tieWeights}`;
  const where = `Hugging Face GPT-2 weights${opts.source === undefined ? '' : ` in ${opts.source}`}`;
  const given = new Map<string, Tensor>();
  for (const [key, t] of asMap(tensors)) given.set(key.startsWith(PREFIX) ? key.slice(PREFIX.length) : key, t);
  if (model.lm_head === null && given.has('lm_head.weight')) {
    const head = given.get('lm_head.weight')!;
    const wte = given.get('wte.weight');
    if (wte !== undefined && (head.size !== wte.size || head.data.some((x, i) => x !== wte.data[i]))) {
      throw new FormatError(`${where}: lm_head.weight differs from wte.weight but the model ties them; set tieWeights: false in the model config to load a separate head`);
    }
    given.delete('lm_head.weight');
  }
  const expected = new Map([...toHfGpt2(model)].map(([k, t]) => [k, t.shape]));
  checkExpectedKeys(given, expected, { format: 'Hugging Face GPT-2', source: opts.source, config, ignore: (k) => MASK_BUFFER.test(k) });

  const out = new Map<string, Tensor>();
  const take = (key: string): Tensor => given.get(key)!;
  for (const key of model.stateDict().keys()) {
    const m = /^(h\.\d+\.)(.+)\.(weight|bias)$/.exec(key);
    if (m === null) {
      out.set(key, copyOf(take(key)));
      continue;
    }
    const [, h, layer, kind] = m as unknown as [string, string, string, 'weight' | 'bias'];
    const which = ['attn.q', 'attn.k', 'attn.v'].indexOf(layer);
    const conv = CONV1D.find(([mine]) => mine === layer);
    if (which >= 0) {
      const fused = take(`${h}attn.c_attn.${kind}`);
      out.set(key, sliceRows(kind === 'weight' ? transposed(fused) : fused, which * c.dim, (which + 1) * c.dim));
    } else if (conv !== undefined) {
      const t = take(`${h}${conv[1]}.${kind}`);
      out.set(key, kind === 'weight' ? transposed(t) : copyOf(t));
    } else {
      out.set(key, copyOf(take(key)));
    }
  }
  return out;
}

/**
 * Loads Hugging Face GPT-2 weights into the model in place.
 *
 * @example
 * const path = 'gpt2/model.safetensors';
 * loadHfGpt2(gpt, loadSafetensors(path).tensors, { source: path });
 */
export function loadHfGpt2(model: Gpt, tensors: StateDict, opts: ExternalLoadOptions = {}): void {
  model.loadStateDict(fromHfGpt2(tensors, model, opts), opts.source === undefined ? {} : { source: opts.source });
}
