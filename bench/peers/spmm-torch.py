#!/usr/bin/env python3
"""PyTorch's CSR matmul on the CSR cases of `sparsekit bench spmm`:
Y = X·Wᵀ with W [rows, cols] in torch.sparse_csr_tensor at each sparsity,
computed as (W @ Xᵀ)ᵀ, timed with the dense torch.matmul on the same shapes
in the same run (calls alternate, the best of each counts). Prints the same
JSON lines as bench spmm with "impl": "torch", so the two compare case by
case. Skips (exit 0, a message on stderr) when PyTorch is not installed.

--layout says what the timed CSR call is given and must return:
  xt-given   (default) Xᵀ made contiguous before timing, Yᵀ returned as a
             transposed view: neither layout change is timed;
  row-major  X [B, K] row-major in, Y [B, O] row-major out, as sparsekit's
             csrSpmm (which packs X and transposes Y inside its time).

  /usr/bin/python3 bench/peers/spmm-torch.py --threads 1 --json   (Debian python3-torch lives in /usr/bin/python3)
  python3 bench/peers/spmm-torch.py --batches 256 --sparsities 0.9,0.99
"""
import argparse
import json
import sys
import time


def best_pair(a, b, min_time):
    a()
    b()
    best_a = best_b = float("inf")
    spent = 0.0
    rounds = 0
    while rounds < 5 or spent < min_time:
        t0 = time.perf_counter()
        a()
        t1 = time.perf_counter()
        b()
        t2 = time.perf_counter()
        best_a = min(best_a, t1 - t0)
        best_b = min(best_b, t2 - t1)
        spent += t2 - t0
        rounds += 1
    return best_a, best_b


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print one JSON line per case")
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    parser.add_argument("--shapes", default="3072x768,768x3072", help="weight shapes OxK")
    parser.add_argument("--batches", default="256", help="batch sizes")
    parser.add_argument("--sparsities", default="0.5,0.75,0.9,0.95,0.99", help="CSR sparsities")
    parser.add_argument("--min-time", type=int, default=400, help="least time per case (ms)")
    parser.add_argument("--layout", choices=("xt-given", "row-major"), default="xt-given", help="what the CSR call is given and returns (see above)")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        print("spmm-torch: skipped, PyTorch is not installed (Debian: apt install python3-torch)", file=sys.stderr)
        return
    torch.set_num_threads(args.threads)
    gen = torch.Generator().manual_seed(7)
    for shape in args.shapes.split(","):
        rows, cols = (int(v) for v in shape.lower().split("x"))
        for batch in (int(b) for b in args.batches.split(",")):
            x = torch.rand(batch, cols, generator=gen) * 2 - 1
            for sparsity in (float(s) for s in args.sparsities.split(",")):
                w = (torch.rand(rows, cols, generator=gen) * 2 - 1) * (torch.rand(rows, cols, generator=gen) >= sparsity)
                w_csr = w.to_sparse_csr()
                xt = x.t().contiguous()
                if args.layout == "xt-given":
                    sparse = lambda: torch.matmul(w_csr, xt).t()
                else:
                    sparse = lambda: torch.matmul(w_csr, x.t().contiguous()).t().contiguous()
                dense_s, sparse_s = best_pair(lambda: torch.matmul(x, w.t()), sparse, args.min_time / 1000)
                got = sparse()
                if not torch.allclose(got, torch.matmul(x, w.t()), rtol=1e-4, atol=1e-4):
                    sys.exit(f"spmm-torch: CSR result differs from dense at {shape} sparsity {sparsity}")
                line = {
                    "op": "spmm", "impl": "torch", "torch": torch.__version__, "layout": args.layout, "format": "csr", "n": None, "m": None,
                    "sparsity": sparsity, "block": None, "rows": rows, "cols": cols, "batch": batch, "threads": args.threads,
                    "dense_ms": round(dense_s * 1000, 3), "sparse_ms": round(sparse_s * 1000, 3), "speedup": round(dense_s / sparse_s, 2),
                }
                if args.json:
                    print(json.dumps(line), flush=True)
                else:
                    print(f"torch csr {sparsity:.2f} {shape} batch {batch} threads {args.threads}: dense {line['dense_ms']} ms, csr {line['sparse_ms']} ms", flush=True)


if __name__ == "__main__":
    main()
