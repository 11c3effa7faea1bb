// The instruction-set half of the CSR panel path (spmm-csr.h), compiled
// once per ISA as spmm-impl.h is (whose bcast and transpose_square it uses).
#pragma once

#include "spmm-csr.h"
#include "spmm-impl.h"

namespace sk {
namespace {

// One row at a time, its weights dealt alternately to U accumulator sets so
// that U·V independent sums hide the FMA latency even for V = 1 or 2. A row
// runs from its cursor up to its end or to its first column at or past
// `bend` (the K block's end), and leaves the cursor there for the next block.
template <int V, int U>
void csr_rows_impl(const float* xp, int32_t* cur, const int32_t* end, int32_t bend, const int32_t* col, const float* val,
                   int64_t n, float* tile, bool load_tile) {
  constexpr int64_t PW = V * kW;
  for (int64_t i = 0; i < n; i++, tile += PW) {
    vf acc[U][V];
    for (int u = 0; u < U; u++) {
      for (int j = 0; j < V; j++) acc[u][j] = u == 0 && load_tile ? load(tile + j * kW) : vf{};
    }
    int64_t s = cur[i];
    const int64_t e = end[i];
    // Columns rise along a row, so the last of U below bend vouches for all U; were they
    // not to, each weight would still be taken exactly once (the last block has no bend).
    for (; s + U <= e && col[s + U - 1] < bend; s += U) {
#pragma GCC unroll 4
      for (int u = 0; u < U; u++) {
        const float* x = xp + static_cast<int64_t>(col[s + u]) * PW;
        // Base-register loads, as in rows_impl (spmm-impl.h).
        asm("" : "+r"(x));
        const vf w = bcast(val + s + u);
#pragma GCC unroll 4
        for (int j = 0; j < V; j++) acc[u][j] += w * load(x + j * kW);
      }
    }
    for (; s < e && col[s] < bend; s++) {
      const float* x = xp + static_cast<int64_t>(col[s]) * PW;
      asm("" : "+r"(x));
      const vf w = bcast(val + s);
      for (int j = 0; j < V; j++) acc[0][j] += w * load(x + j * kW);
    }
    cur[i] = static_cast<int32_t>(s);
    for (int u = 1; u < U; u++) {
      for (int j = 0; j < V; j++) acc[0][j] += acc[u][j];
    }
    for (int j = 0; j < V; j++) store(tile + j * kW, acc[0][j]);
  }
}

// One K block of the blocked layout: for i < n, tile row order[i] (+)=
// Σ val[s] · xp[col[s]] over its run of count[i] entries, the runs back to
// back from col and val; two accumulator sets as above.
template <int V>
void csr_sorted_impl(const float* xp, const int32_t* order, const int32_t* count, const int32_t* col, const float* val,
                     int64_t n, float* tile, bool load_tile) {
  constexpr int64_t PW = V * kW;
  for (int64_t i = 0; i < n; i++) {
    float* t = tile + static_cast<int64_t>(order[i]) * PW;
    vf acc[2][V];
    for (int j = 0; j < V; j++) {
      acc[0][j] = load_tile ? load(t + j * kW) : vf{};
      acc[1][j] = vf{};
    }
    const int32_t e = count[i];
    int32_t s = 0;
    for (; s + 2 <= e; s += 2) {
#pragma GCC unroll 2
      for (int u = 0; u < 2; u++) {
        const float* x = xp + static_cast<int64_t>(col[s + u]) * PW;
        asm("" : "+r"(x));
        const vf w = bcast(val + s + u);
        for (int j = 0; j < V; j++) acc[u][j] += w * load(x + j * kW);
      }
    }
    if (s < e) {
      const float* x = xp + static_cast<int64_t>(col[s]) * PW;
      const vf w = bcast(val + s);
      for (int j = 0; j < V; j++) acc[0][j] += w * load(x + j * kW);
    }
    for (int j = 0; j < V; j++) store(t + j * kW, acc[0][j] + acc[1][j]);
    col += e;
    val += e;
  }
}

inline void stream(float* p, vf v) {
#if defined(__AVX512F__)
  _mm512_stream_ps(p, (__m512)v);
#elif defined(__AVX2__)
  _mm256_stream_ps(p, (__m256)v);
#else
  _mm_stream_ps(p, (__m128)v);
#endif
}

void unpack_stream_impl(const float* tile, int64_t no, int64_t nb, float* y, int64_t ldy, int64_t pw) {
  alignas(64) float sq[kW * kW];
  const int64_t full_o = no / kW * kW;
  for (int64_t b0 = 0; b0 < nb; b0 += kW) {
    const int64_t lb = nb - b0 < kW ? nb - b0 : kW;
    for (int64_t o0 = 0; o0 < full_o; o0 += kW) {
      transpose_square(tile + o0 * pw + b0, pw, sq, kW);
      for (int64_t l = 0; l < lb; l++) stream(y + (b0 + l) * ldy + o0, load(sq + l * kW));
    }
    for (int64_t o = full_o; o < no; o++) {
      for (int64_t l = 0; l < lb; l++) y[(b0 + l) * ldy + o] = tile[o * pw + b0 + l];
    }
  }
  // Streaming stores are weakly ordered: make them visible before the threads join.
  _mm_sfence();
}

CsrIsa make_csr_isa() {
  CsrIsa isa{};
  isa.rows[0] = csr_rows_impl<1, 4>;
  isa.rows[1] = csr_rows_impl<2, 4>;
  isa.rows[2] = csr_rows_impl<3, 2>;
  isa.rows[3] = csr_rows_impl<4, 2>;
  isa.unpack_stream = unpack_stream_impl;
  isa.sorted[0] = csr_sorted_impl<1>;
  isa.sorted[1] = csr_sorted_impl<2>;
  isa.sorted[2] = csr_sorted_impl<3>;
  isa.sorted[3] = csr_sorted_impl<4>;
  return isa;
}

}  // namespace
}  // namespace sk
