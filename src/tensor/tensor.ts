/**
 * Tensor: float32, contiguous, row-major. `data.length === size(shape)`.
 * A tensor made by an op from inputs that require gradients carries a
 * gradFn: the tape entry that backward() walks.
 *
 * @example
 * const x = tensor([[1, 2], [3, 4]]).requireGrad();
 * const loss = sum(mul(x, x));
 * loss.backward();
 * x.grad!.toArray(); // [2, 4, 6, 8]
 */
import { ArgumentError, ShapeError, fmtShape } from '../util/errors.js';
import { checkShape, sizeOf } from '../util/shape.js';
import { noGrad } from './grad-mode.js';
import { copyFloats } from './buffer-pool.js';
import { inBackwardPhase } from '../util/flop-counter.js';
import { BinaryOp, binary } from '../kernels/index.js';

/** One tape entry: the inputs an op read and the rule that maps the output's gradient to theirs. */
export interface GradFn {
  readonly name: string;
  readonly inputs: readonly Tensor[];
  /** Gradients for each input, in order (null where an input gets none). */
  backward(grad: Tensor): ReadonlyArray<Tensor | null | undefined>;
}

export class Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
  requiresGrad = false;
  grad: Tensor | null = null;
  gradFn: GradFn | null = null;

  constructor(data: Float32Array, shape: readonly number[]) {
    checkShape(shape, 'Tensor');
    if (data.length !== sizeOf(shape)) {
      throw new ShapeError(`Tensor: ${data.length} values do not fill shape ${fmtShape(shape)} (${sizeOf(shape)} needed)`);
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
  }

  get size(): number {
    return this.data.length;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new ShapeError(`item(): tensor of shape ${fmtShape(this.shape)} has ${this.size} elements, not 1`);
    return this.data[0]!;
  }

  /** The values as a flat array of numbers (row-major). */
  toArray(): number[] {
    return Array.from(this.data);
  }

  /** Marks a leaf tensor as a parameter to differentiate; returns it. */
  requireGrad(flag = true): this {
    if (this.gradFn !== null) throw new ArgumentError('requireGrad(): only leaf tensors (not results of ops) can be marked; use detach() first');
    this.requiresGrad = flag;
    return this;
  }

  /** The same values, cut from the tape (shares memory). */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  /** A copy with its own memory, off the tape. */
  clone(): Tensor {
    return new Tensor(new Float32Array(this.data), this.shape);
  }

  /** Back-propagates from this tensor; a non-scalar needs the gradient of the loss with respect to it. */
  backward(grad?: Tensor): void {
    runBackward(this, grad);
  }

  toString(): string {
    const head = Array.from(this.data.subarray(0, 8), (v) => +v.toPrecision(4)).join(', ');
    return `Tensor${fmtShape(this.shape)}(${head}${this.size > 8 ? ', …' : ''})`;
  }
}

function runBackward(root: Tensor, seed?: Tensor): void {
  if (!root.requiresGrad) {
    throw new ArgumentError('backward(): this tensor does not require gradients (no input had requireGrad(), or it was computed under noGrad)');
  }
  if (seed === undefined && root.size !== 1) {
    throw new ShapeError(`backward(): a non-scalar tensor ${fmtShape(root.shape)} needs an explicit gradient`);
  }
  if (seed !== undefined && seed.size !== root.size) {
    throw new ShapeError(`backward(): gradient ${fmtShape(seed.shape)} does not match tensor ${fmtShape(root.shape)}`);
  }
  // Topological order by iterative depth-first search (deep graphs would overflow recursion).
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: Array<[Tensor, number]> = [[root, 0]];
  seen.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const inputs = top[0].gradFn?.inputs ?? [];
    if (top[1] < inputs.length) {
      const next = inputs[top[1]++]!;
      if (next.requiresGrad && !seen.has(next)) {
        seen.add(next);
        stack.push([next, 0]);
      }
    } else {
      order.push(top[0]);
      stack.pop();
    }
  }
  const grads = new Map<Tensor, Tensor>();
  // Gradients this walk allocated itself may be summed into in place; others
  // may be shared (an op can hand the same tensor to two inputs).
  const owned = new Set<Tensor>();
  grads.set(root, seed ?? new Tensor(new Float32Array(1).fill(1), root.shape));
  noGrad(() => inBackwardPhase(() => {
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i]!;
      const g = grads.get(t);
      if (g === undefined) continue;
      if (t.gradFn === null) {
        if (t.grad === null) t.grad = new Tensor(new Float32Array(g.data), t.shape);
        else addInto(t.grad, g);
        continue;
      }
      grads.delete(t);
      const inGrads = t.gradFn.backward(g);
      t.gradFn.inputs.forEach((input, k) => {
        const ig = inGrads[k];
        if (!input.requiresGrad || ig === null || ig === undefined) return;
        if (ig.size !== input.size) {
          throw new ShapeError(`backward of ${t.gradFn!.name}: gradient ${fmtShape(ig.shape)} for input ${k} of shape ${fmtShape(input.shape)}`);
        }
        const prev = grads.get(input);
        if (prev === undefined) {
          grads.set(input, ig.shape === input.shape ? ig : new Tensor(ig.data, input.shape));
        } else if (owned.has(prev)) {
          addInto(prev, ig);
        } else {
          const sum = new Tensor(copyFloats(prev.data), input.shape);
          addInto(sum, ig);
          owned.add(sum);
          grads.set(input, sum);
        }
      });
    }
  }));
}

// a += b elementwise, through the add kernel (native when built) with a as its output.
function addInto(a: Tensor, b: Tensor): void {
  const flat = Int32Array.of(a.size);
  const unit = Int32Array.of(1);
  binary(BinaryOp.add, a.data, b.data, a.data, flat, unit, unit);
}
