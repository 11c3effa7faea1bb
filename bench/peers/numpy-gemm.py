#!/usr/bin/env python3
"""numpy's a @ b (OpenBLAS sgemm) on the shapes of `sparsekit bench gemm`,
timed the same way (best run after at least --min-time ms and three runs),
printing the same JSON lines with "backend": "numpy-openblas".

Run with OpenBLAS's own AVX-512 kernels and a thread count, for example:
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 \
    python3 bench/peers/numpy-gemm.py --json
"""
import argparse
import json
import os
import re
import sys
import time

DEFAULT_SHAPES = "512x512x512,1024x1024x1024,256x3072x768,4096x768x3072"


def parse_shapes(text):
    shapes = []
    for item in text.split(","):
        match = re.fullmatch(r"\s*(\d+)x(\d+)x(\d+)\s*", item, re.IGNORECASE)
        if match is None or min(int(d) for d in match.groups()) < 1:
            sys.exit(f'numpy-gemm: --shapes item "{item}" is not MxNxK with three positive integers')
        shapes.append(tuple(int(d) for d in match.groups()))
    return shapes


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print one JSON line per shape")
    parser.add_argument("--shapes", default=DEFAULT_SHAPES, help="comma-separated MxNxK list")
    parser.add_argument("--min-time", type=int, default=500, help="least time spent timing each shape (ms)")
    args = parser.parse_args()
    try:
        import numpy as np
    except ImportError:
        print("numpy-gemm: skipped, numpy is not installed (Debian: apt install python3-numpy)", file=sys.stderr)
        return
    threads = int(os.environ.get("OPENBLAS_NUM_THREADS") or os.cpu_count() or 1)
    rng = np.random.default_rng(1)
    results = []
    for m, n, k in parse_shapes(args.shapes):
        a = rng.uniform(-1, 1, (m, k)).astype(np.float32)
        b = rng.uniform(-1, 1, (k, n)).astype(np.float32)
        c = np.empty((m, n), dtype=np.float32)
        np.matmul(a, b, out=c)
        best, spent, reps = float("inf"), 0.0, 0
        while reps < 3 or spent < args.min_time / 1000:
            t0 = time.perf_counter()
            np.matmul(a, b, out=c)
            dt = time.perf_counter() - t0
            spent += dt
            best = min(best, dt)
            reps += 1
        gflops = round(2 * m * n * k / best / 1e9, 1)
        results.append({"op": "gemm", "m": m, "n": n, "k": k, "threads": threads, "gflops": gflops,
                        "backend": "numpy-openblas"})
    if not args.json:
        print("shape (MxNxK)".ljust(16), "threads", "GFLOPS".rjust(8))
    for r in results:
        if args.json:
            print(json.dumps(r, separators=(",", ":")))
        else:
            print(f'{r["m"]}x{r["n"]}x{r["k"]}'.ljust(16), str(r["threads"]).rjust(7), f'{r["gflops"]:.1f}'.rjust(8))


if __name__ == "__main__":
    main()
