#!/usr/bin/env python3
"""Writes test/golden/sparse-step.json, which test/golden/sparse-step.test.ts checks.

Regenerate (from the repository root; needs Debian's python3-torch, CPU):
    /usr/bin/python3 scripts/make-sparse-golden.py

One plain SGD step (w <- w - lr*grad) of a tiny MLP whose two weights are
trained N:M (2:4, groups along the input dimension) with each gradient flow:
ste, srste, mdgf-linear, mdgf-exp, bdwp, and stepwise structure decay (whose
first stage is 3:4). The flows are written here from the papers' formulas,
independently of the TypeScript code:
  ste    forward W*mask, gradient straight through to W
  srste  forward W*mask, gradient g + lam*(1 - mask)*W      (Zhou et al. 2021)
  mdgf   forward W*(mask + (1 - mask)*beta), gradient g      (Bambhaniya et al. 2024)
  bdwp   y = x (W*mask_fwd)^T + b, dX = g (W*mask_bwd), dW = g^T x,
         mask_bwd = N:M of W grouped along the output dimension (Zhang et al. 2023)
The step sits t = STEP - SPARSE_START steps into the sparse phase, so the
mask-decay factor is beta = max(0, 1 - c*t) or exp(-c*t). Biases stay dense.
PyTorch is used only here. Shapes: B batch, K inputs, H hidden, V classes.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

SEED = 4321
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'golden', 'sparse-step.json')

N, M = 2, 4
LR = 0.1
SRSTE_LAMBDA = 0.05  # large, so that the SR-STE term shows well above the tolerance
DECAY_COEF = 2e-4
TOTAL_STEPS, TOTAL_EPOCHS, DENSE_FRACTION = 10000, 10, 0.1
SPARSE_START = round(DENSE_FRACTION * TOTAL_STEPS)
STEP = 2000


def values(t):
    return {'shape': list(t.shape), 'data': [float('%.9g' % v) for v in t.detach().reshape(-1).tolist()]}


def nm_mask(w, n, m, axis):
    """1 at the n largest |w| of each group of m along the input (dim 1) or output (dim 0) axis."""
    a = w.detach().abs()
    if axis == 'output':
        a = a.t()
    rows, cols = a.shape
    groups = a.reshape(rows, cols // m, m)
    keep = groups.topk(n, dim=-1).indices
    mask = torch.zeros_like(groups).scatter_(-1, keep, 1.0).reshape(rows, cols)
    return mask.t().contiguous() if axis == 'output' else mask


class Straight(torch.autograd.Function):
    """Forward W*factor (factor = mask, or mask + (1-mask)*beta); backward g, plus lam*(1-mask)*W."""

    @staticmethod
    def forward(ctx, w, mask, beta, lam):
        ctx.save_for_backward(w, mask)
        ctx.lam = lam
        return w * (mask + (1 - mask) * beta)

    @staticmethod
    def backward(ctx, g):
        w, mask = ctx.saved_tensors
        return g + ctx.lam * (1 - mask) * w, None, None, None


class BdwpLinear(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, w, b, mask_fwd, mask_bwd):
        ctx.save_for_backward(x, w, mask_bwd)
        return x @ (w * mask_fwd).t() + b

    @staticmethod
    def backward(ctx, g):
        x, w, mask_bwd = ctx.saved_tensors
        return g @ (w * mask_bwd), g.t() @ x, g.sum(0), None, None


def layer(flow, x, w, b):
    t = STEP - SPARSE_START
    if flow == 'bdwp':
        return BdwpLinear.apply(x, w, b, nm_mask(w, N, M, 'input'), nm_mask(w, N, M, 'output'))
    n = 3 if flow == 'sdgf-stepwise' else N
    mask = nm_mask(w, n, M, 'input')
    beta = {'mdgf-linear': max(0.0, 1 - DECAY_COEF * t), 'mdgf-exp': math.exp(-DECAY_COEF * t)}.get(flow, 0.0)
    lam = SRSTE_LAMBDA if flow == 'srste' else 0.0
    return F.linear(x, Straight.apply(w, mask, beta, lam), b)


def step(flow, x, targets, init):
    p = {k: v.clone().requires_grad_() for k, v in init.items()}
    h = F.relu(layer(flow, x, p['fc1.weight'], p['fc1.bias']))
    loss = F.cross_entropy(layer(flow, h, p['fc2.weight'], p['fc2.bias']), targets)
    loss.backward()
    with torch.no_grad():
        after = {k: values(v - LR * v.grad) for k, v in p.items()}
    return {'loss': loss.item(), 'after': after}


def fixture():
    gen = torch.Generator().manual_seed(SEED)
    b, k, hidden, v = 6, 16, 8, 4
    x = torch.randn(b, k, generator=gen)
    targets = torch.randint(0, v, (b,), generator=gen)
    init = {
        'fc1.weight': torch.randn(hidden, k, generator=gen) * 0.4,
        'fc1.bias': torch.randn(hidden, generator=gen) * 0.1,
        'fc2.weight': torch.randn(v, hidden, generator=gen) * 0.4,
        'fc2.bias': torch.randn(v, generator=gen) * 0.1,
    }
    flows = ['ste', 'srste', 'mdgf-linear', 'mdgf-exp', 'bdwp', 'sdgf-stepwise']
    return {
        'description': (
            'x -> fc1 -> relu -> fc2 -> cross_entropy(mean); fc1/fc2 weights 2:4 along the input dim under each flow; '
            'one step w -= lr*grad at step STEP of TOTAL_STEPS (dense fraction 0.1, so t = STEP - 1000); '
            'sdgf-stepwise is flow ste with stepwise structure decay, whose first stage is 3:4'
        ),
        'torch': torch.__version__,
        'seed': SEED,
        'n': N,
        'm': M,
        'lr': LR,
        'srsteLambda': SRSTE_LAMBDA,
        'decayCoef': DECAY_COEF,
        'totalSteps': TOTAL_STEPS,
        'totalEpochs': TOTAL_EPOCHS,
        'denseFraction': DENSE_FRACTION,
        'step': STEP,
        'inputs': {'x': values(x), 'targets': targets.tolist()},
        'params': {name: values(t) for name, t in init.items()},
        'flows': {flow: step(flow, x, targets, init) for flow in flows},
    }


def write(path, data):
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(data, f, separators=(',', ':'))
        f.write('\n')
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    print(f'{path}: {os.path.getsize(path)} bytes')


if __name__ == '__main__':
    write(OUT, fixture())
