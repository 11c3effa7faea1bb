// The loops of sumTo, compiled once per instruction set (see binary-impl.h
// for why everything here has internal linkage and avoids std:: templates).
#pragma once

#include <cstdint>

#include "row-reduce.h"
#include "sum-to.h"

namespace sk {
namespace {

// Columns summed per pass over the rows, so the float64 accumulators of a
// column reduction stay in L1 (16 KiB).
constexpr int64_t kColumnBlock = 2048;

inline void add_row(const float* x, double* acc, int64_t os, int64_t n) {
  if (os == 1) {
    for (int64_t i = 0; i < n; i++) acc[i] += static_cast<double>(x[i]);
  } else {
    for (int64_t i = 0; i < n; i++) acc[i * os] += static_cast<double>(x[i]);
  }
}

// Rows of the innermost dimension, with an odometer over the outer ones.
// A kept innermost dimension is walked in column blocks.
inline void sum_box_impl(const float* x, const SumBox& b, double* acc) {
  const int k = b.rank;
  const int64_t inner = b.n[k - 1];
  const int64_t os_in = b.os[k - 1];
  int64_t rows = 1;
  for (int d = 0; d < k - 1; d++) rows *= b.n[d];
  if (rows == 0 || inner == 0) return;
  const int64_t block = os_in == 0 ? inner : kColumnBlock;
  for (int64_t j0 = 0; j0 < inner; j0 += block) {
    const int64_t len = inner - j0 < block ? inner - j0 : block;
    int64_t idx[kMaxRank] = {0};
    int64_t ix = 0;
    int64_t io = 0;
    for (int64_t r = 0; r < rows; r++) {
      if (os_in == 0) {
        acc[io] += sum_row(x + ix, len);
      } else {
        add_row(x + ix + j0, acc + io + j0 * os_in, os_in, len);
      }
      for (int d = k - 2; d >= 0; d--) {
        idx[d]++;
        ix += b.xs[d];
        io += b.os[d];
        if (idx[d] < b.n[d]) break;
        ix -= b.xs[d] * b.n[d];
        io -= b.os[d] * b.n[d];
        idx[d] = 0;
      }
    }
  }
}

}  // namespace
}  // namespace sk
