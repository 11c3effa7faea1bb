#!/usr/bin/env python3
"""Writes the PyTorch golden fixtures that test/golden/golden.test.ts checks.

Regenerate (from the repository root; needs Debian's python3-torch, CPU):
    /usr/bin/python3 scripts/make-golden.py

It writes test/golden/mlp.json and test/golden/transformer-block.json:
inputs, parameters, logits, loss, the gradient of the loss with respect to
every parameter and to the input, all float32 values as JSON numbers
(9 significant digits round-trip a float32). PyTorch is used only here, never
by the library or its tests. Shapes: B batch, T tokens, C channels, H heads,
D = C/H head size, V classes.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

SEED = 1234
OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'golden')


def values(t):
    return {'shape': list(t.shape), 'data': [float('%.9g' % v) for v in t.detach().reshape(-1).tolist()]}


def param(gen, *shape, std):
    return (torch.randn(*shape, generator=gen) * std).requires_grad_()


def write(name, fixture):
    path = os.path.join(OUT_DIR, name)
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(fixture, f, separators=(',', ':'))
        f.write('\n')
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    print(f'{path}: {os.path.getsize(path)} bytes')


def mlp_fixture():
    """Two-layer MLP: linear, relu, linear, mean cross-entropy; then three plain SGD steps."""
    gen = torch.Generator().manual_seed(SEED)
    b, k, hidden, v = 8, 12, 16, 5
    x = torch.randn(b, k, generator=gen).requires_grad_()
    targets = torch.randint(0, v, (b,), generator=gen)
    params = {
        'fc1.weight': param(gen, hidden, k, std=0.3),
        'fc1.bias': param(gen, hidden, std=0.1),
        'fc2.weight': param(gen, v, hidden, std=0.3),
        'fc2.bias': param(gen, v, std=0.1),
    }

    def forward(p, inp):
        h = F.relu(F.linear(inp, p['fc1.weight'], p['fc1.bias']))
        return F.linear(h, p['fc2.weight'], p['fc2.bias'])

    initial = {n: values(p) for n, p in params.items()}
    logits = forward(params, x)
    loss = F.cross_entropy(logits, targets)
    loss.backward()
    grads = {n: values(p.grad) for n, p in params.items()}
    grads['x'] = values(x.grad)

    # A short loss curve: w ← w − lr·∇w, input held fixed.
    lr = 0.5
    curve = []
    for _ in range(3):
        with torch.no_grad():
            for p in params.values():
                p -= lr * p.grad
                p.grad = None
        step_loss = F.cross_entropy(forward(params, x.detach()), targets)
        step_loss.backward()
        curve.append(step_loss.item())

    return {
        'description': 'x -> linear(fc1) -> relu -> linear(fc2) -> cross_entropy(mean); sgd: losses after 1, 2, 3 steps of w -= lr*grad',
        'torch': torch.__version__,
        'seed': SEED,
        'inputs': {'x': values(x), 'targets': targets.tolist()},
        'params': initial,
        'logits': values(logits),
        'loss': loss.item(),
        'grads': grads,
        'sgd': {'lr': lr, 'losses': curve},
    }


def transformer_fixture():
    """One pre-norm block: x + attn(ln1(x)), then + mlp(ln2(·)) with gelu, then a head and mean cross-entropy."""
    gen = torch.Generator().manual_seed(SEED + 1)
    b, t, c, h, hidden, v = 2, 5, 8, 2, 32, 11
    d = c // h
    x = torch.randn(b, t, c, generator=gen).requires_grad_()
    targets = torch.randint(0, v, (b * t,), generator=gen)
    params = {
        'ln1.weight': (1 + 0.1 * torch.randn(c, generator=gen)).requires_grad_(),
        'ln1.bias': param(gen, c, std=0.1),
        'attn.q.weight': param(gen, c, c, std=0.3),
        'attn.q.bias': param(gen, c, std=0.1),
        'attn.k.weight': param(gen, c, c, std=0.3),
        'attn.k.bias': param(gen, c, std=0.1),
        'attn.v.weight': param(gen, c, c, std=0.3),
        'attn.v.bias': param(gen, c, std=0.1),
        'attn.proj.weight': param(gen, c, c, std=0.3),
        'attn.proj.bias': param(gen, c, std=0.1),
        'ln2.weight': (1 + 0.1 * torch.randn(c, generator=gen)).requires_grad_(),
        'ln2.bias': param(gen, c, std=0.1),
        'mlp.fc1.weight': param(gen, hidden, c, std=0.3),
        'mlp.fc1.bias': param(gen, hidden, std=0.1),
        'mlp.fc2.weight': param(gen, c, hidden, std=0.2),
        'mlp.fc2.bias': param(gen, c, std=0.1),
        'head.weight': param(gen, v, c, std=0.3),
        'head.bias': param(gen, v, std=0.1),
    }
    p = params

    def heads(z):  # [B, T, C] -> [B, H, T, D]
        return z.view(b, t, h, d).transpose(1, 2)

    a = F.layer_norm(x, (c,), p['ln1.weight'], p['ln1.bias'], 1e-5)
    q = heads(F.linear(a, p['attn.q.weight'], p['attn.q.bias']))
    k = heads(F.linear(a, p['attn.k.weight'], p['attn.k.bias']))
    vv = heads(F.linear(a, p['attn.v.weight'], p['attn.v.bias']))
    scores = (q @ k.transpose(-2, -1)) / math.sqrt(d)
    causal = torch.ones(t, t, dtype=torch.bool).tril()
    scores = scores.masked_fill(~causal, float('-inf'))
    y = F.softmax(scores, dim=-1) @ vv
    y = y.transpose(1, 2).reshape(b, t, c)
    x1 = x + F.linear(y, p['attn.proj.weight'], p['attn.proj.bias'])
    m = F.layer_norm(x1, (c,), p['ln2.weight'], p['ln2.bias'], 1e-5)
    m = F.linear(F.gelu(F.linear(m, p['mlp.fc1.weight'], p['mlp.fc1.bias'])), p['mlp.fc2.weight'], p['mlp.fc2.bias'])
    x2 = x1 + m
    logits = F.linear(x2, p['head.weight'], p['head.bias'])
    loss = F.cross_entropy(logits.reshape(b * t, v), targets)
    loss.backward()
    grads = {n: values(q_.grad) for n, q_ in params.items()}
    grads['x'] = values(x.grad)
    return {
        'description': (
            'pre-norm block: x1 = x + proj(causal_attention(q, k, v of ln1(x)), heads=2), '
            'x2 = x1 + fc2(gelu(fc1(ln2(x1)))), logits = head(x2), cross_entropy(mean) over B*T rows; '
            'layer_norm eps 1e-5, exact (erf) gelu, scale 1/sqrt(D)'
        ),
        'torch': torch.__version__,
        'seed': SEED + 1,
        'heads': h,
        'inputs': {'x': values(x), 'targets': targets.tolist()},
        'params': {n: values(q_) for n, q_ in params.items()},
        'logits': values(logits),
        'loss': loss.item(),
        'grads': grads,
    }


if __name__ == '__main__':
    os.makedirs(OUT_DIR, exist_ok=True)
    write('mlp.json', mlp_fixture())
    write('transformer-block.json', transformer_fixture())
