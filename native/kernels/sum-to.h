// Sum of x over the dimensions where out_strides is 0, with float64
// accumulators: out[io] = Σ x[i], io = Σ idx[d]·out_strides[d]. Mirrors
// src/kernels/ref/reduce-axes.ts (sumTo); out entries no index reaches are 0.
#pragma once

#include <cstdint>

#include "binary.h"

namespace sk {

// x: [shape] contiguous; rank <= kMaxRank; out_strides >= 0 and reaching
// less than out_len. Rank 0 copies x[0] to out[0] and leaves the rest.
void sum_to(const float* x, int rank, const int64_t* shape, const int64_t* out_strides, float* out, int64_t out_len);

// A box of x after merging dimensions: extents n, x strides xs (xs = 1 for
// the innermost dimension), accumulator strides os (0 where summed).
struct SumBox {
  int rank;
  int64_t n[kMaxRank];
  int64_t xs[kMaxRank];
  int64_t os[kMaxRank];
};

// acc[io] += x[i] over one box, one per instruction set.
void sum_box_portable(const float* x, const SumBox& box, double* acc);
void sum_box_avx2(const float* x, const SumBox& box, double* acc);
void sum_box_avx512(const float* x, const SumBox& box, double* acc);

}  // namespace sk
