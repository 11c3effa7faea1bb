/**
 * ModuleList: an indexed list of children (transformer blocks, ResNet
 * stages), named 0, 1, 2, … so parameters read `blocks.3.mlp.fc1.weight`.
 */
import { ArgumentError } from '../util/errors.js';
import { Module } from './module.js';

/**
 * `nn.ModuleList`: holds modules without calling them.
 *
 * @example
 * this.blocks = this.registerModule('blocks', new ModuleList(range.map(() => new Block(cfg, rng))));
 * for (const b of this.blocks) x = b.forward(x);
 */
export class ModuleList<M extends Module = Module> extends Module {
  readonly #items: M[];

  constructor(items: readonly M[] = []) {
    super();
    this.#items = [];
    for (const m of items) this.push(m);
  }

  get length(): number {
    return this.#items.length;
  }

  /** Appends a module under the next index; returns it. */
  push(m: M): M {
    this.registerModule(String(this.#items.length), m);
    this.#items.push(m);
    return m;
  }

  /** The i-th module. */
  at(i: number): M {
    const m = this.#items[i];
    if (m === undefined) throw new ArgumentError(`ModuleList.at: index ${i} is outside 0..${this.#items.length - 1}`);
    return m;
  }

  [Symbol.iterator](): Iterator<M> {
    return this.#items[Symbol.iterator]();
  }
}
