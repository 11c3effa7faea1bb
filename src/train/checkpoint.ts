/**
 * Training checkpoints: one safetensors file with every tensor (model
 * weights and buffers under `model.`, optimizer moments under `optim.`,
 * sparsity masks under `sparsity.`) and `checkpoint.json` with the rest
 * (step, epoch, every random generator, the loader's position, the trainer's
 * counters). Both are written atomically, tensors first, and the JSON names
 * its tensor file, so a crash at any moment leaves the previous complete
 * checkpoint in place.
 *
 * @example
 * saveCheckpoint(run.path, { model: model.stateDict(), optim: opt.stateDict(), masks }, state);
 * const ckpt = loadCheckpoint(run.path);   // a run folder or a checkpoint.json path
 * model.loadStateDict(ckpt.model);
 */
import { existsSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import { ioErrorFrom } from '../io/io-error.js';
import { loadSafetensors, saveSafetensors } from '../io/safetensors.js';
import type { Tensor } from '../tensor/tensor.js';
import { FormatError } from '../util/errors.js';

export const CHECKPOINT_JSON = 'checkpoint.json';
/** The final weights a completed run writes (exactly N:M where the plan says so), for eval, inspect and deployment. */
export const MODEL_FILE = 'model.safetensors';
const FORMAT = 'sparsekit-checkpoint';
const VERSION = 1;
const GROUPS = ['model', 'optim', 'sparsity'] as const;

/** The tensors of a checkpoint, by group. */
export interface CheckpointTensors {
  readonly model: ReadonlyMap<string, Tensor>;
  readonly optim: ReadonlyMap<string, Tensor>;
  /** Sparsity masks (`<weight>.mask`), empty for a dense run. */
  readonly sparsity: ReadonlyMap<string, Tensor>;
}

/** Everything else a resumed run needs; plain JSON (non-finite numbers survive the round trip). */
export interface CheckpointState {
  /** Optimizer steps done. */
  readonly step: number;
  /** Epochs done, fractional. */
  readonly epoch: number;
  /** The trainer's own state: generators, loader position, counters. */
  readonly trainer: Readonly<Record<string, unknown>>;
}

export interface LoadedCheckpoint extends CheckpointTensors {
  readonly state: CheckpointState;
  /** The checkpoint.json read. */
  readonly path: string;
  /** The safetensors file it names. */
  readonly tensorsPath: string;
}

/** Writes a checkpoint into `dir`, then removes the tensor files of older ones. */
export function saveCheckpoint(dir: string, tensors: CheckpointTensors, state: CheckpointState): string {
  const file = `checkpoint-${String(state.step).padStart(8, '0')}.safetensors`;
  const all = new Map<string, Tensor>();
  for (const group of GROUPS) for (const [key, t] of tensors[group]) all.set(`${group}.${key}`, t);
  saveSafetensors(join(dir, file), all, { metadata: { format: FORMAT, step: String(state.step) } });
  const doc = { format: FORMAT, version: VERSION, tensors: file, ...state };
  const path = join(dir, CHECKPOINT_JSON);
  writeFileAtomic(path, JSON.stringify(doc, encodeNonFinite, 1) + '\n');
  for (const name of readdirSync(dir)) {
    if (name !== file && /^checkpoint-\d+\.safetensors$/.test(name)) {
      try {
        unlinkSync(join(dir, name));
      } catch (err) {
        throw ioErrorFrom(err, 'cannot remove the older checkpoint', join(dir, name));
      }
    }
  }
  return path;
}

/** True when `dir` holds a checkpoint. */
export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, CHECKPOINT_JSON));
}

/**
 * Reads a checkpoint from a run folder, a checkpoint.json, or the
 * safetensors file of one (its checkpoint.json is read beside it).
 */
export function loadCheckpoint(where: string): LoadedCheckpoint {
  const path = existsSync(where) && statSync(where).isDirectory() ? join(where, CHECKPOINT_JSON) : where.endsWith('.safetensors') ? join(dirname(where), CHECKPOINT_JSON) : where;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw ioErrorFrom(err, 'cannot read the checkpoint', path);
  }
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text, decodeNonFinite) as Record<string, unknown>;
  } catch (err) {
    throw new FormatError(`checkpoint ${path}: not valid JSON (${(err as Error).message}); the file is damaged, start the run again`);
  }
  if (doc.format !== FORMAT || doc.version !== VERSION || typeof doc.tensors !== 'string' || typeof doc.step !== 'number' || typeof doc.trainer !== 'object') {
    throw new FormatError(`checkpoint ${path}: not a ${FORMAT} version ${VERSION} file (it needs format, version, tensors, step and trainer); point to a checkpoint.json written by sparsekit train`);
  }
  const tensorsPath = join(dirname(path), basename(doc.tensors));
  const content = loadSafetensors(tensorsPath);
  if (content.metadata.step !== String(doc.step)) {
    throw new FormatError(`checkpoint ${path}: ${tensorsPath} holds step ${content.metadata.step ?? '?'} but the JSON says step ${doc.step}; the checkpoint is inconsistent, start the run again`);
  }
  const groups = { model: new Map<string, Tensor>(), optim: new Map<string, Tensor>(), sparsity: new Map<string, Tensor>() };
  for (const [key, t] of content.tensors) {
    const dot = key.indexOf('.');
    const group = key.slice(0, dot) as (typeof GROUPS)[number];
    if (dot < 0 || !GROUPS.includes(group)) throw new FormatError(`checkpoint ${tensorsPath}: tensor '${key}' is in no group (model., optim., sparsity.); was it written by sparsekit train?`);
    groups[group].set(key.slice(dot + 1), t);
  }
  const state: CheckpointState = { step: doc.step, epoch: Number(doc.epoch), trainer: doc.trainer as Record<string, unknown> };
  return { ...groups, state, path, tensorsPath };
}

// JSON has no NaN or Infinity; a random generator's state may hold NaN (no spare normal draw).
function encodeNonFinite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? { nonFinite: String(value) } : value;
}

function decodeNonFinite(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === 'nonFinite') return Number((value as { nonFinite: string }).nonFinite);
  }
  return value;
}
