/**
 * Module: the base of every layer and model. It owns named parameters,
 * buffers and child modules, and addresses them by qualified names
 * (`blocks.0.mlp.fc1.weight`) for optimizers, checkpoints and sparsity plans.
 * Subclasses add their own `forward`; its signature is theirs to choose.
 */
import { Tensor } from '../tensor/tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../util/errors.js';
import { sameShape } from '../util/shape.js';
import { Parameter, type ParamRole } from './parameter.js';
import type { WeightTransform } from './weight-transform.js';

export interface RegisterParameterOptions {
  /** Overrides the role of a Parameter, or tags a plain Tensor (default: the Parameter's own role, else 'other'). */
  readonly role?: ParamRole;
  /** The layer computes its forward weight through `effectiveParameter(name)`, so a weight transform may be set on it. */
  readonly transformable?: boolean;
}

export interface RegisterBufferOptions {
  /** Saved in stateDict (default true). */
  readonly persistent?: boolean;
}

/** Tensors by qualified name: what stateDict returns and loadStateDict takes (safetensors' reader gives a Map). */
export type StateDict = ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>;

export interface LoadStateDictOptions {
  /** Missing or unexpected keys are an error (default true). Shape mismatches always are. */
  readonly strict?: boolean;
  /** Where the values came from (a file path), for error messages. */
  readonly source?: string;
}

export interface LoadStateDictResult {
  /** The module's keys the dict did not hold (left unchanged). */
  readonly missing: string[];
  /** The dict's keys the module does not have (ignored). */
  readonly unexpected: string[];
}

/**
 * Base class of layers and models.
 *
 * @example
 * class Affine extends Module {
 *   readonly scale = this.registerParameter('scale', ones([4]), { role: 'norm' });
 *   forward(x: Tensor): Tensor { return mul(x, this.scale); }
 * }
 * const m = new Affine();
 * m.namedParameters(); // [['scale', Parameter[4]]]
 */
export class Module {
  /** Training mode (dropout active, batch statistics); set recursively by train() and eval(). */
  training = true;
  readonly #params = new Map<string, Parameter>();
  readonly #buffers = new Map<string, { tensor: Tensor; persistent: boolean }>();
  readonly #children = new Map<string, Module>();
  readonly #transformable = new Set<string>();
  readonly #transforms = new Map<string, WeightTransform>();

  /** Adds a parameter under `name`; a plain Tensor becomes a Parameter sharing its memory. */
  registerParameter(name: string, value: Tensor, opts: RegisterParameterOptions = {}): Parameter {
    this.#checkNewName(name, 'registerParameter');
    const p = value instanceof Parameter ? value : new Parameter(value.data, value.shape);
    if (opts.role !== undefined) p.role = opts.role;
    p.requiresGrad = true;
    this.#params.set(name, p);
    if (opts.transformable === true) this.#transformable.add(name);
    return p;
  }

  /** Adds a buffer: state that is not trained (running statistics, masks). */
  registerBuffer<T extends Tensor>(name: string, value: T, opts: RegisterBufferOptions = {}): T {
    this.#checkNewName(name, 'registerBuffer');
    this.#buffers.set(name, { tensor: value, persistent: opts.persistent ?? true });
    return value;
  }

  /** Adds a child module; its parameters appear under `name.`. */
  registerModule<M extends Module>(name: string, child: M): M {
    this.#checkNewName(name, 'registerModule');
    if (child.namedModules().some(([, m]) => m === this)) {
      throw new ArgumentError(`${this.#cls()}.registerModule('${name}'): the child contains this module; module trees cannot have cycles`);
    }
    this.#children.set(name, child);
    return child;
  }

  /** This module's own parameter `name` (not a child's). */
  parameter(name: string): Parameter {
    const p = this.#params.get(name);
    if (p === undefined) {
      throw new ArgumentError(`${this.#cls()}: no parameter '${name}' (it has: ${[...this.#params.keys()].join(', ') || 'none'})`);
    }
    return p;
  }

  /** This module and its descendants, pre-order, each once; the root is named ''. */
  namedModules(): Array<[string, Module]> {
    const out: Array<[string, Module]> = [];
    const seen = new Set<Module>();
    const walk = (m: Module, name: string): void => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([name, m]);
      for (const [n, c] of m.#children) walk(c, join(name, n));
    };
    walk(this, '');
    return out;
  }

  /** Direct children with their names. */
  namedChildren(): Array<[string, Module]> {
    return [...this.#children];
  }

  /** Every parameter by qualified name, each tensor once (a shared one under its first name). */
  namedParameters(): Array<[string, Parameter]> {
    const out: Array<[string, Parameter]> = [];
    const seen = new Set<Parameter>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [n, p] of m.#params) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([join(prefix, n), p]);
      }
    }
    return out;
  }

  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Every buffer by qualified name, persistent or not. */
  namedBuffers(): Array<[string, Tensor]> {
    const out: Array<[string, Tensor]> = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [n, b] of m.#buffers) out.push([join(prefix, n), b.tensor]);
    }
    return out;
  }

  /** Number of trainable values. */
  numParameters(): number {
    return this.parameters().reduce((acc, p) => acc + p.size, 0);
  }

  /** Sets training mode on this module and all descendants; returns this. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /** Evaluation mode (train(false)); returns this. */
  eval(): this {
    return this.train(false);
  }

  /** Drops every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /**
   * Copies of all parameters and persistent buffers by qualified name:
   * per module its parameters, its buffers, then its children. A tensor
   * shared by two modules appears under both names.
   */
  stateDict(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const [key, t] of this.#stateEntries()) out.set(key, t.clone());
    return out;
  }

  /**
   * Copies values into this module's parameters and buffers in place
   * (they keep their identity). Checks everything before writing anything.
   *
   * @example
   * model.loadStateDict(loadSafetensors('model.safetensors').tensors, { source: 'model.safetensors' });
   */
  loadStateDict(dict: StateDict, opts: LoadStateDictOptions = {}): LoadStateDictResult {
    const strict = opts.strict ?? true;
    const where = `${this.#cls()}.loadStateDict${opts.source === undefined ? '' : ` (from ${opts.source})`}`;
    const given = dict instanceof Map ? dict : new Map(Object.entries(dict as Record<string, Tensor>));
    const targets = this.#stateEntries();
    const missing = [...targets.keys()].filter((k) => !given.has(k));
    const unexpected = [...given.keys()].filter((k) => !targets.has(k));
    const mismatched: string[] = [];
    for (const [key, src] of given) {
      const dst = targets.get(key);
      if (dst !== undefined && !sameShape(dst.shape, src.shape)) {
        mismatched.push(`${key}: given ${fmtShape(src.shape)}, the module has ${fmtShape(dst.shape)}`);
      }
    }
    if (mismatched.length > 0) {
      throw new ShapeError(`${where}: shape mismatch for ${listed(mismatched)}; check that the model configuration matches the one that saved these values`);
    }
    if (strict && (missing.length > 0 || unexpected.length > 0)) {
      const parts = [];
      if (missing.length > 0) parts.push(`missing keys ${listed(missing)}`);
      if (unexpected.length > 0) parts.push(`unexpected keys ${listed(unexpected)}`);
      throw new ArgumentError(`${where}: ${parts.join('; ')}; check the model configuration, or pass { strict: false } to load a partial state`);
    }
    for (const [key, src] of given) targets.get(key)?.data.set(src.data);
    return { missing, unexpected };
  }

  /** Names of this module's own parameters that accept a weight transform. */
  transformableParameterNames(): string[] {
    return [...this.#transformable];
  }

  /**
   * Makes the layer compute its forward weight as fn(parameter): the hook
   * through which sparsity applies masks, straight-through estimators,
   * SR-STE or mask decay. Gradients reach the raw parameter through fn's tape.
   *
   * @example
   * fc.setWeightTransform('weight', (w) => steWeight(w, mask));
   */
  setWeightTransform(name: string, fn: WeightTransform): void {
    if (!this.#transformable.has(name)) {
      throw new ArgumentError(
        `${this.#cls()}.setWeightTransform: parameter '${name}' does not accept a weight transform (transformable here: ${[...this.#transformable].join(', ') || 'none'})`,
      );
    }
    this.#transforms.set(name, fn);
  }

  /** Removes the transform of `name`: the forward uses the raw parameter again. */
  clearWeightTransform(name: string): void {
    this.#transforms.delete(name);
  }

  /** The transform set on `name`, if any. */
  weightTransform(name: string): WeightTransform | undefined {
    return this.#transforms.get(name);
  }

  /** The tensor the forward uses for parameter `name`: fn(parameter) when a transform is set, else the parameter. */
  effectiveParameter(name: string): Tensor {
    const p = this.parameter(name);
    const fn = this.#transforms.get(name);
    if (fn === undefined) return p;
    const w = fn(p);
    if (!(w instanceof Tensor) || !sameShape(w.shape, p.shape)) {
      const got = w instanceof Tensor ? fmtShape(w.shape) : typeof w;
      throw new ShapeError(`${this.#cls()}: the weight transform of '${name}' returned ${got} for a parameter of shape ${fmtShape(p.shape)}; it must keep the shape`);
    }
    return w;
  }

  #stateEntries(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    const walk = (m: Module, prefix: string): void => {
      for (const [n, p] of m.#params) out.set(join(prefix, n), p);
      for (const [n, b] of m.#buffers) if (b.persistent) out.set(join(prefix, n), b.tensor);
      for (const [n, c] of m.#children) walk(c, join(prefix, n));
    };
    walk(this, '');
    return out;
  }

  #checkNewName(name: string, method: string): void {
    if (name === '' || name.includes('.')) {
      throw new ArgumentError(`${this.#cls()}.${method}: name '${name}' must be non-empty and contain no '.' (dots join qualified names)`);
    }
    if (this.#params.has(name) || this.#buffers.has(name) || this.#children.has(name)) {
      throw new ArgumentError(`${this.#cls()}.${method}: '${name}' is already registered on this module`);
    }
  }

  #cls(): string {
    return this.constructor.name;
  }
}

function join(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}

function listed(items: readonly string[]): string {
  const head = items.slice(0, 8).join(', ');
  return items.length > 8 ? `${head} … and ${items.length - 8} more` : head;
}
