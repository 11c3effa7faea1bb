/**
 * Optimizer base: parameters by qualified name, per-parameter state slots
 * (moments, step counts) created on first use, updates under noGrad written
 * into the parameters' data in place, and a state dict keyed
 * `<parameter name>.<slot>` that round-trips exactly through a checkpoint.
 */
import { zeros } from '../tensor/create.js';
import { noGrad } from '../tensor/grad-mode.js';
import type { Tensor } from '../tensor/tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../util/errors.js';
import { sameShape } from '../util/shape.js';

/** Anything with qualified parameter names, such as a Module (optim does not import nn). */
export interface NamedParameters {
  namedParameters(): ReadonlyArray<readonly [string, Tensor]>;
}

/** Where an optimizer gets its parameters: a module (its namedParameters) or [name, tensor] pairs. */
export type ParamSource = NamedParameters | Iterable<readonly [string, Tensor]>;

/** Which parameters weight decay applies to; the others are left undecayed. */
export type DecayFilter = (name: string, param: Tensor) => boolean;

/**
 * Decay weight matrices and kernels only, not biases, norm scales or other vectors (as nanoGPT).
 *
 * @example
 * new AdamW(model, { weightDecay: 0.1, decayFilter: decayMatricesOnly });
 */
export const decayMatricesOnly: DecayFilter = (_name, p) => p.ndim >= 2;

/** An optimizer's saved state: `<parameter name>.<slot>` to tensor, ready for safetensors. */
export type OptimizerStateDict = ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>;

/** A parameter's state slots by name; `step` (shape []) counts its updates. */
export type ParamState = Map<string, Tensor>;

export interface OptimizerLoadOptions {
  /** Where the values came from (a file path), for error messages. */
  readonly source?: string;
}

/**
 * Shared machinery of SGD, AdamW and Adafactor. A subclass names the state
 * slots a parameter needs and updates one parameter from its gradient.
 *
 * @example
 * const opt = new AdamW(model, { lr: 1e-3 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 * saveSafetensors('optim.safetensors', opt.stateDict());     // checkpoint
 * opt.loadStateDict(loadSafetensors('optim.safetensors').tensors); // resume
 */
export abstract class Optimizer {
  /** Learning rate used by the next step(); a schedule sets it before each step. */
  lr: number;
  /** The parameters, by qualified name, in update order. */
  readonly params: ReadonlyArray<readonly [string, Tensor]>;
  readonly #decays: ReadonlySet<string>;
  readonly #state = new Map<string, ParamState>();

  protected constructor(source: ParamSource, lr: number, decayFilter: DecayFilter | undefined) {
    checkNonNegative(lr, 'lr', this.constructor.name);
    this.lr = lr;
    const params = 'namedParameters' in source ? [...source.namedParameters()] : [...source];
    const names = new Set<string>();
    const tensors = new Set<Tensor>();
    for (const [name, p] of params) {
      if (names.has(name)) throw new ArgumentError(`${this.constructor.name}: parameter name '${name}' appears twice; names key the optimizer state`);
      if (tensors.has(p)) throw new ArgumentError(`${this.constructor.name}: parameter '${name}' is a tensor already listed under another name; list each tensor once`);
      names.add(name);
      tensors.add(p);
    }
    this.params = params;
    this.#decays = new Set(params.filter(([n, p]) => decayFilter?.(n, p) ?? true).map(([n]) => n));
  }

  /** Slot names and shapes for one parameter, besides `step`. */
  protected abstract slots(param: Tensor): ReadonlyArray<readonly [string, readonly number[]]>;

  /** Updates one parameter in place; `state.get('step')` already counts this update. */
  protected abstract update(param: Tensor, grad: Float32Array, state: ParamState, decays: boolean): void;

  /** One update of every parameter that has a gradient (the others keep their values and state). */
  step(): void {
    noGrad(() => {
      for (const [name, p] of this.params) {
        if (p.grad === null) continue;
        const state = this.#stateFor(name, p);
        state.get('step')!.data[0]! += 1;
        this.update(p, p.grad.data, state, this.#decays.has(name));
      }
    });
  }

  /** Drops every parameter's gradient. */
  zeroGrad(): void {
    for (const [, p] of this.params) p.grad = null;
  }

  /** Copies of the state, keyed `<parameter name>.<slot>` (parameters not yet updated have none). */
  stateDict(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const [name, slots] of this.#state) for (const [slot, t] of slots) out.set(`${name}.${slot}`, t.clone());
    return out;
  }

  /**
   * Restores a state saved by stateDict(); the next step() continues exactly
   * as the saved optimizer would have. Checks everything before changing anything.
   */
  loadStateDict(dict: OptimizerStateDict, opts: OptimizerLoadOptions = {}): void {
    const where = `${this.constructor.name}.loadStateDict${opts.source === undefined ? '' : ` (from ${opts.source})`}`;
    const given = dict instanceof Map ? dict : new Map(Object.entries(dict as Record<string, Tensor>));
    const next = new Map<string, ParamState>();
    const used = new Set<string>();
    for (const [name, p] of this.params) {
      const expected = [['step', [] as readonly number[]] as const, ...this.slots(p)];
      const present = expected.filter(([slot]) => given.has(`${name}.${slot}`));
      if (present.length === 0) continue;
      if (present.length < expected.length) {
        const lacking = expected.filter(([slot]) => !given.has(`${name}.${slot}`)).map(([slot]) => `${name}.${slot}`);
        throw new ArgumentError(`${where}: the state of '${name}' is incomplete, missing ${lacking.join(', ')}; was it saved by the same optimizer with the same settings?`);
      }
      const slots: ParamState = new Map();
      for (const [slot, shape] of expected) {
        const key = `${name}.${slot}`;
        const t = given.get(key)!;
        if (!sameShape(t.shape, shape)) {
          throw new ShapeError(`${where}: '${key}' has shape ${fmtShape(t.shape)}, expected ${fmtShape(shape)} for parameter ${fmtShape(p.shape)}`);
        }
        slots.set(slot, t.clone());
        used.add(key);
      }
      next.set(name, slots);
    }
    const unknown = [...given.keys()].filter((k) => !used.has(k));
    if (unknown.length > 0) {
      const shown = unknown.slice(0, 8).join(', ') + (unknown.length > 8 ? ` … and ${unknown.length - 8} more` : '');
      throw new ArgumentError(`${where}: keys that match no parameter slot of this optimizer: ${shown}; check that the model and the optimizer kind match the checkpoint`);
    }
    this.#state.clear();
    for (const [name, slots] of next) this.#state.set(name, slots);
  }

  #stateFor(name: string, p: Tensor): ParamState {
    let s = this.#state.get(name);
    if (s === undefined) {
      s = new Map([['step', zeros([])]]);
      for (const [slot, shape] of this.slots(p)) s.set(slot, zeros(shape));
      this.#state.set(name, s);
    }
    return s;
  }
}

/** Throws unless v is a finite number ≥ 0. */
export function checkNonNegative(v: number, what: string, where: string): void {
  if (!(v >= 0) || !Number.isFinite(v)) throw new ArgumentError(`${where}: ${what} ${v} must be a finite number ≥ 0`);
}

/** Throws unless v is in [0, 1). */
export function checkUnitInterval(v: number, what: string, where: string): void {
  if (!(v >= 0 && v < 1)) throw new ArgumentError(`${where}: ${what} ${v} must be in [0, 1)`);
}
