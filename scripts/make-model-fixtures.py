#!/usr/bin/env python3
"""Writes the model fixtures that test/golden/models.test.ts checks.

Regenerate (from the repository root; needs Debian's python3-torch, CPU):
    /usr/bin/python3 scripts/make-model-fixtures.py

timm and transformers are not installed here, so the two models are small
torch modules that reproduce, parameter name for parameter name and op for
op, timm's VisionTransformer (class token, pre-norm blocks, fused qkv
Linear, GELU with erf, LayerNorm eps 1e-6) and Hugging Face's GPT-2
(Conv1D layers with [in, out] weights, fused c_attn, GELU tanh "gelu_new",
LayerNorm eps 1e-5, causal attention scaled by 1/sqrt(head_dim), lm_head
tied to wte). The weights are written as safetensors by hand (8-byte
little-endian header length, JSON header, raw little-endian float32) in the
layouts those libraries save: a ViT file with timm's names, a GPT-2 file
with GPT2Model's names (no prefix, causal-mask buffers included, lm_head
left out because it is tied: as the hub's gpt2 file), and an untied GPT-2
file with GPT2LMHeadModel's names ("transformer." prefix, lm_head.weight).
Each model's inputs and logits go to a JSON file beside it.

Shapes: B batch, C channels (width), H heads, D = C/H head size, N patches,
T tokens, V vocabulary, K classes.
"""
import json
import math
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 4321
OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'golden')


# ---------------------------------------------------------------- timm ViT


class VitAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.head_dim = dim // heads
        self.scale = self.head_dim ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=True)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)  # each [B, H, N, D]
        attn = ((q * self.scale) @ k.transpose(-2, -1)).softmax(dim=-1)
        x = (attn @ v).transpose(1, 2).reshape(b, n, c)
        return self.proj(x)


class VitMlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()  # erf
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class VitBlock(nn.Module):
    def __init__(self, dim, heads, mlp_ratio):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = VitAttention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = VitMlp(dim, int(dim * mlp_ratio))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class PatchEmbed(nn.Module):
    def __init__(self, patch, in_chans, dim):
        super().__init__()
        self.proj = nn.Conv2d(in_chans, dim, kernel_size=patch, stride=patch)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)  # [B, N, C]


class VisionTransformer(nn.Module):
    def __init__(self, img_size, patch, in_chans, classes, dim, depth, heads, mlp_ratio):
        super().__init__()
        n = (img_size // patch) ** 2
        self.patch_embed = PatchEmbed(patch, in_chans, dim)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, n + 1, dim))
        self.blocks = nn.Sequential(*[VitBlock(dim, heads, mlp_ratio) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        x = self.patch_embed(x)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_embed
        x = self.norm(self.blocks(x))
        return self.head(x[:, 0])


# ---------------------------------------------------------------- HF GPT-2


class Conv1D(nn.Module):
    """Hugging Face's Conv1D: a linear layer whose weight is stored [in, out]."""

    def __init__(self, nf, nx):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(nx, nf))
        self.bias = nn.Parameter(torch.zeros(nf))

    def forward(self, x):
        return torch.addmm(self.bias, x.reshape(-1, x.shape[-1]), self.weight).reshape(*x.shape[:-1], -1)


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class Gpt2Attention(nn.Module):
    def __init__(self, dim, heads, positions):
        super().__init__()
        self.heads = heads
        self.head_dim = dim // heads
        self.register_buffer('bias', torch.tril(torch.ones(positions, positions, dtype=torch.uint8)).view(1, 1, positions, positions))
        self.c_attn = Conv1D(3 * dim, dim)
        self.c_proj = Conv1D(dim, dim)

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.c_attn(x).split(c, dim=2)
        q, k, v = (z.view(b, t, self.heads, self.head_dim).permute(0, 2, 1, 3) for z in (q, k, v))
        w = (q @ k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        causal = self.bias[:, :, :t, :t].bool()
        w = torch.where(causal, w, torch.tensor(torch.finfo(w.dtype).min, dtype=w.dtype))
        y = w.softmax(dim=-1) @ v
        return self.c_proj(y.permute(0, 2, 1, 3).reshape(b, t, c))


class Gpt2Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.c_fc = Conv1D(hidden, dim)
        self.c_proj = Conv1D(dim, hidden)

    def forward(self, x):
        return self.c_proj(gelu_new(self.c_fc(x)))


class Gpt2Block(nn.Module):
    def __init__(self, dim, heads, positions):
        super().__init__()
        self.ln_1 = nn.LayerNorm(dim, eps=1e-5)
        self.attn = Gpt2Attention(dim, heads, positions)
        self.ln_2 = nn.LayerNorm(dim, eps=1e-5)
        self.mlp = Gpt2Mlp(dim, 4 * dim)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class Gpt2Model(nn.Module):
    def __init__(self, vocab, positions, dim, depth, heads):
        super().__init__()
        self.wte = nn.Embedding(vocab, dim)
        self.wpe = nn.Embedding(positions, dim)
        self.h = nn.ModuleList([Gpt2Block(dim, heads, positions) for _ in range(depth)])
        self.ln_f = nn.LayerNorm(dim, eps=1e-5)

    def forward(self, ids):
        x = self.wte(ids) + self.wpe(torch.arange(ids.shape[1]))
        for block in self.h:
            x = block(x)
        return self.ln_f(x)


class Gpt2LMHeadModel(nn.Module):
    def __init__(self, vocab, positions, dim, depth, heads, tied):
        super().__init__()
        self.transformer = Gpt2Model(vocab, positions, dim, depth, heads)
        self.lm_head = nn.Linear(dim, vocab, bias=False)
        if tied:
            self.lm_head.weight = self.transformer.wte.weight

    def forward(self, ids):
        return self.lm_head(self.transformer(ids))


# ---------------------------------------------------------------- writing


def randomize(model, gen):
    """Values far from any initialisation, so that every parameter and every
    op (biases, norms, position tables) visibly moves the logits. Weights get
    std 1/sqrt(fan_in), so activations stay of order one through the blocks."""
    with torch.no_grad():
        for _, module in model.named_modules():
            for name, p in module.named_parameters(recurse=False):
                if isinstance(module, nn.LayerNorm) and name == 'weight':
                    p.copy_(1 + 0.2 * torch.randn(p.shape, generator=gen))
                elif p.ndim == 1:
                    p.copy_(0.1 * torch.randn(p.shape, generator=gen))
                elif isinstance(module, Conv1D):
                    p.copy_(torch.randn(p.shape, generator=gen) / math.sqrt(p.shape[0]))
                elif isinstance(module, (nn.Linear, nn.Conv2d)):
                    p.copy_(torch.randn(p.shape, generator=gen) / math.sqrt(p[0].numel()))
                else:  # embedding tables, class token, position table
                    p.copy_(0.5 * torch.randn(p.shape, generator=gen))


def safetensors_bytes(tensors, metadata):
    header = {}
    chunks = []
    offset = 0
    for name, t in tensors.items():
        raw = t.detach().contiguous().to(torch.float32).numpy().astype('<f4').tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    header['__metadata__'] = metadata
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * (-len(text) % 8)  # the data starts 8-byte aligned
    return struct.pack('<Q', len(text)) + text + b''.join(chunks)


def write_atomic(name, data):
    path = os.path.join(OUT_DIR, name)
    tmp = path + '.tmp'
    with open(tmp, 'wb') as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    print(f'{path}: {os.path.getsize(path)} bytes')


def values(t):
    return {'shape': list(t.shape), 'data': [float('%.9g' % v) for v in t.detach().reshape(-1).tolist()]}


def vit_fixture():
    gen = torch.Generator().manual_seed(SEED)
    cfg = {'imageSize': 8, 'patchSize': 4, 'inChannels': 3, 'classes': 5, 'dim': 16, 'depth': 2, 'heads': 2, 'mlpRatio': 4}
    model = VisionTransformer(cfg['imageSize'], cfg['patchSize'], cfg['inChannels'], cfg['classes'], cfg['dim'],
                              cfg['depth'], cfg['heads'], cfg['mlpRatio'])
    randomize(model, gen)
    x = torch.randn(3, cfg['inChannels'], cfg['imageSize'], cfg['imageSize'], generator=gen)
    with torch.no_grad():
        logits = model(x)
    state = model.state_dict()
    write_atomic('models-vit.safetensors', safetensors_bytes(state, {'format': 'pt', 'made_by': 'scripts/make-model-fixtures.py'}))
    write_atomic('models-vit.json', json.dumps({'config': cfg, 'x': values(x), 'logits': values(logits)}, separators=(',', ':')).encode() + b'\n')


def gpt2_fixture(tied):
    gen = torch.Generator().manual_seed(SEED + (0 if tied else 1))
    cfg = {'vocabSize': 17, 'contextLength': 8, 'dim': 16, 'depth': 2, 'heads': 2, 'tieWeights': tied}
    model = Gpt2LMHeadModel(cfg['vocabSize'], cfg['contextLength'], cfg['dim'], cfg['depth'], cfg['heads'], tied)
    randomize(model, gen)
    ids = torch.randint(0, cfg['vocabSize'], (2, 7), generator=gen)
    with torch.no_grad():
        logits = model(ids)
    if tied:
        # GPT2Model's names, mask buffers included, no lm_head (it is wte): the hub's gpt2 layout.
        state = model.transformer.state_dict()
    else:
        state = {k: v for k, v in model.state_dict().items() if not k.endswith('.attn.bias')}
    name = 'models-gpt2' if tied else 'models-gpt2-untied'
    write_atomic(f'{name}.safetensors', safetensors_bytes(state, {'format': 'pt', 'made_by': 'scripts/make-model-fixtures.py'}))
    fixture = {'config': cfg, 'ids': {'shape': list(ids.shape), 'data': ids.reshape(-1).tolist()}, 'logits': values(logits)}
    write_atomic(f'{name}.json', json.dumps(fixture, separators=(',', ':')).encode() + b'\n')


def main():
    torch.manual_seed(SEED)
    vit_fixture()
    gpt2_fixture(tied=True)
    gpt2_fixture(tied=False)


if __name__ == '__main__':
    main()
