#!/usr/bin/env python3
"""PyTorch peer of bench/vit-throughput.ts: the same ViT (timm's layout:
patch Conv2d, class token, position table, pre-norm blocks with GELU erf
and LayerNorm eps 1e-6, head on the class token), batch, thread count and
training step (forward, cross-entropy, backward, AdamW), timed the same way,
printing the same JSON line with "backend": "pytorch".

Attention uses timm's fused qkv Linear: that is how PyTorch users run this
model, and it is the same arithmetic as our separate q, k, v.

    /usr/bin/python3 bench/peers/vit-throughput-torch.py --threads 1 --batch 128

Debian's python3-torch does its matrix products through libblas.so.3, which
is whatever the alternatives system points at: the slow reference BLAS
unless OpenBLAS is installed. Say which one a figure used. To time it with
OpenBLAS's own kernels without installing it system-wide, unpack
libopenblas0-pthread and put its folder first on the library path:

    dpkg-deb -x libopenblas0-pthread_*.deb /tmp/openblas
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 \
      LD_LIBRARY_PATH=/tmp/openblas/usr/lib/x86_64-linux-gnu/openblas-pthread \
      /usr/bin/python3 bench/peers/vit-throughput-torch.py --threads 1

cpuMsPerStep is the process's CPU time: with one thread on a shared
machine it is steadier than the wall-clock msPerStep.

Shapes: images [B, C, H, W] -> patches [B, N, D] -> logits [B, K].
"""
import argparse
import json
import sys
import time


def build(torch, nn, cfg):
    class Attention(nn.Module):
        def __init__(self, dim, heads):
            super().__init__()
            self.heads, self.head_dim = heads, dim // heads
            self.scale = self.head_dim ** -0.5
            self.qkv = nn.Linear(dim, 3 * dim)
            self.proj = nn.Linear(dim, dim)

        def forward(self, x):
            b, n, c = x.shape
            q, k, v = self.qkv(x).reshape(b, n, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4).unbind(0)
            attn = ((q * self.scale) @ k.transpose(-2, -1)).softmax(dim=-1)
            return self.proj((attn @ v).transpose(1, 2).reshape(b, n, c))

    class Block(nn.Module):
        def __init__(self, dim, heads, hidden):
            super().__init__()
            self.norm1 = nn.LayerNorm(dim, eps=1e-6)
            self.attn = Attention(dim, heads)
            self.norm2 = nn.LayerNorm(dim, eps=1e-6)
            self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, dim))

        def forward(self, x):
            x = x + self.attn(self.norm1(x))
            return x + self.mlp(self.norm2(x))

    class ViT(nn.Module):
        def __init__(self):
            super().__init__()
            dim, n = cfg['dim'], (cfg['imageSize'] // cfg['patchSize']) ** 2
            self.proj = nn.Conv2d(cfg['inChannels'], dim, cfg['patchSize'], stride=cfg['patchSize'])
            self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
            self.pos_embed = nn.Parameter(torch.randn(1, n + 1, dim) * 0.02)
            hidden = int(dim * cfg['mlpRatio'])
            self.blocks = nn.Sequential(*[Block(dim, cfg['heads'], hidden) for _ in range(cfg['depth'])])
            self.norm = nn.LayerNorm(dim, eps=1e-6)
            self.head = nn.Linear(dim, cfg['classes'])

        def forward(self, x):
            x = self.proj(x).flatten(2).transpose(1, 2)
            x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_embed
            return self.head(self.norm(self.blocks(x)[:, 0]))

    return ViT()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name, default in [('batch', 128), ('image-size', 28), ('patch-size', 4), ('channels', 1), ('classes', 10),
                          ('dim', 64), ('depth', 4), ('heads', 4), ('warmup', 2), ('steps', 10)]:
        p.add_argument(f'--{name}', type=int, default=default)
    p.add_argument('--mlp-ratio', type=float, default=4.0)
    p.add_argument('--threads', type=int, default=None, help='intra-op threads (default: PyTorch\'s choice)')
    a = p.parse_args()
    try:
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
    except ImportError:
        print('vit-throughput-torch: skipped, PyTorch is not installed (Debian: apt install python3-torch)', file=sys.stderr)
        return
    if a.threads is not None:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    cfg = {'imageSize': a.image_size, 'patchSize': a.patch_size, 'inChannels': a.channels, 'classes': a.classes,
           'dim': a.dim, 'depth': a.depth, 'heads': a.heads,
           'mlpRatio': int(a.mlp_ratio) if a.mlp_ratio.is_integer() else a.mlp_ratio}
    model = build(torch, nn, cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    images = torch.randn(a.batch, a.channels, a.image_size, a.image_size)
    labels = torch.randint(0, a.classes, (a.batch,))

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(images), labels)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(a.warmup):
        step()
    t0, cpu0 = time.perf_counter(), time.process_time()
    for _ in range(a.steps):
        loss = step()
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    print(json.dumps({
        'bench': 'vit-throughput', 'backend': 'pytorch', 'threads': torch.get_num_threads(), 'batch': a.batch, **cfg,
        'params': sum(p.numel() for p in model.parameters()), 'steps': a.steps,
        'msPerStep': round(seconds * 1000 / a.steps, 2), 'cpuMsPerStep': round(cpu * 1000 / a.steps, 2),
        'samplesPerSec': round(a.steps * a.batch / seconds, 1),
        'loss': round(loss, 4), 'torch': torch.__version__,
    }, separators=(',', ':')))


if __name__ == '__main__':
    main()
