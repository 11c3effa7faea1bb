// The instruction-set-specific half of the sparse products (see spmm-isa.h):
// spmm.cc, spmm.avx2.cc and spmm.avx512.cc include this file and compile it
// with their own flags, so the vector type vf (simd.h) is 4, 8 or 16 floats.
// Internal linkage throughout, as in gemm-impl.h.
//
// Panel geometry: a panel row holds PW = V · kW floats (V vectors, V <= 4);
// tiles use the same row width. Every stored weight costs one broadcast, V
// loads of the panel row its column selects, and V fused multiply-adds.
#pragma once

// GCC 12's intrinsic headers initialise _mm512_undefined_ps() from itself,
// which -Wall reports wherever a shuffle or gather is inlined.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "simd.h"
#include "spmm-isa.h"
#include "spmm-nm-dot.h"

namespace sk {
namespace {

inline vf bcast(const float* p) {
#if defined(__AVX512F__)
  return (vf)_mm512_set1_ps(*p);
#elif defined(__AVX2__)
  return (vf)_mm256_broadcast_ss(p);
#else
  return (vf)_mm_load1_ps(p);
#endif
}

// dst[j·ldd + i] = src[i·lds + j] for i, j < kW, in registers.
inline void transpose_square(const float* src, int64_t lds, float* dst, int64_t ldd) {
#if defined(__AVX512F__)
  __m512 r[16], t[16];
  // One running pointer each way: hoisted per-row pointers would spill.
  for (int i = 0; i < 16; i++, src += lds) {
    asm("" : "+r"(src));
    r[i] = _mm512_loadu_ps(src);
  }
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 16; i += 4) {
    for (int h = 0; h < 2; h++) {
      r[i + h] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i + h]), _mm512_castps_pd(t[i + 2 + h])));
      r[i + 2 + h] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i + h]), _mm512_castps_pd(t[i + 2 + h])));
    }
  }
  // Register 4q + i now holds rows 4q..4q+3 at column 4L + c(i) in 128-bit lane L,
  // c = 0, 2, 1, 3 for i = 0..3; gather lane L of the four row groups.
  for (int i = 0; i < 4; i++) {
    const int c = i == 1 ? 2 : i == 2 ? 1 : i;
    const __m512 a = _mm512_shuffle_f32x4(r[i], r[i + 4], 0x88);
    const __m512 b = _mm512_shuffle_f32x4(r[i], r[i + 4], 0xdd);
    const __m512 cc = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0x88);
    const __m512 d = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0xdd);
    t[c] = _mm512_shuffle_f32x4(a, cc, 0x88);
    t[c + 8] = _mm512_shuffle_f32x4(a, cc, 0xdd);
    t[c + 4] = _mm512_shuffle_f32x4(b, d, 0x88);
    t[c + 12] = _mm512_shuffle_f32x4(b, d, 0xdd);
  }
  for (int j = 0; j < 16; j++, dst += ldd) {
    asm("" : "+r"(dst));
    _mm512_storeu_ps(dst, t[j]);
  }
#elif defined(__AVX2__)
  __m256 r[8], t[8];
  for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(src + i * lds);
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 8; i += 4) {
    for (int h = 0; h < 2; h++) {
      r[i + h] = _mm256_shuffle_ps(t[i + h], t[i + 2 + h], 0x44);
      r[i + 2 + h] = _mm256_shuffle_ps(t[i + h], t[i + 2 + h], 0xee);
    }
  }
  // Register i (and 4 + i) holds column 4L + c(i) in 128-bit lane L, c = 0, 2, 1, 3.
  for (int i = 0; i < 4; i++) {
    const int c = i == 1 ? 2 : i == 2 ? 1 : i;
    t[c] = _mm256_permute2f128_ps(r[i], r[i + 4], 0x20);
    t[c + 4] = _mm256_permute2f128_ps(r[i], r[i + 4], 0x31);
  }
  for (int j = 0; j < 8; j++) _mm256_storeu_ps(dst + j * ldd, t[j]);
#else
  __m128 a = _mm_loadu_ps(src), b = _mm_loadu_ps(src + lds), c = _mm_loadu_ps(src + 2 * lds), d = _mm_loadu_ps(src + 3 * lds);
  _MM_TRANSPOSE4_PS(a, b, c, d);
  _mm_storeu_ps(dst, a);
  _mm_storeu_ps(dst + ldd, b);
  _mm_storeu_ps(dst + 2 * ldd, c);
  _mm_storeu_ps(dst + 3 * ldd, d);
#endif
}

// x[0:nb, 0:nk] (row stride ldx) -> dst [nk][pw], lanes nb..pw zero.
void pack_impl(const float* x, int64_t ldx, int64_t nb, int64_t nk, float* dst, int64_t pw) {
  const int64_t full_k = nk / kW * kW;
  for (int64_t b0 = 0; b0 < pw; b0 += kW) {
    if (b0 + kW <= nb) {
      for (int64_t k = 0; k < full_k; k += kW) transpose_square(x + b0 * ldx + k, ldx, dst + k * pw + b0, pw);
      for (int64_t k = full_k; k < nk; k++) {
        for (int l = 0; l < kW; l++) dst[k * pw + b0 + l] = x[(b0 + l) * ldx + k];
      }
    } else {
      for (int64_t k = 0; k < nk; k++) {
        for (int l = 0; l < kW; l++) dst[k * pw + b0 + l] = b0 + l < nb ? x[(b0 + l) * ldx + k] : 0.0f;
      }
    }
  }
}

// y[0:nb, 0:no] (row stride ldy) = (accumulate ? y : 0) + tile[0:no][0:nb] (tile rows pw apart).
void unpack_impl(const float* tile, int64_t no, int64_t nb, float* y, int64_t ldy, bool accumulate, int64_t pw) {
  alignas(64) float sq[kW * kW];
  const int64_t full_o = no / kW * kW;
  for (int64_t b0 = 0; b0 < nb; b0 += kW) {
    const int64_t lb = nb - b0 < kW ? nb - b0 : kW;
    for (int64_t o0 = 0; o0 < full_o; o0 += kW) {
      if (lb == kW && !accumulate) {
        transpose_square(tile + o0 * pw + b0, pw, y + b0 * ldy + o0, ldy);
        continue;
      }
      transpose_square(tile + o0 * pw + b0, pw, sq, kW);
      for (int64_t l = 0; l < lb; l++) {
        float* yr = y + (b0 + l) * ldy + o0;
        const vf v = load(sq + l * kW);
        store(yr, accumulate ? load(yr) + v : v);
      }
    }
    for (int64_t o = full_o; o < no; o++) {
      for (int64_t l = 0; l < lb; l++) {
        float* yv = y + (b0 + l) * ldy + o;
        *yv = accumulate ? *yv + tile[o * pw + b0 + l] : tile[o * pw + b0 + l];
      }
    }
  }
}

// Element rows: R output rows advance together over the weights they all
// have, so R·V accumulators hide the FMA latency; then each row finishes its
// own remainder in the same call (short rows pay for one call, not R + 1).
template <int V, int R>
void rows_impl(const float* xp, const int32_t* const* col, const float* const* val, const int64_t* count,
               float* const* tile, bool load_tile) {
  constexpr int64_t PW = V * kW;
  vf acc[R][V];
  const int32_t* c[R];
  const float* w[R];
  int64_t common = count[0];
  for (int r = 0; r < R; r++) {
    c[r] = col[r];
    w[r] = val[r];
    common = count[r] < common ? count[r] : common;
    for (int j = 0; j < V; j++) acc[r][j] = load_tile ? load(tile[r] + j * kW) : vf{};
  }
  for (int64_t s = 0; s < common; s++) {
#pragma GCC unroll 4
    for (int r = 0; r < R; r++) {
      const float* x = xp + static_cast<int64_t>(c[r][s]) * PW;
      // Keep x in one register: folded into base+index operands, the loads
      // would cost an extra micro-op each (un-lamination) and run ~30% slower.
      asm("" : "+r"(x));
      const vf ws = bcast(w[r] + s);
#pragma GCC unroll 4
      for (int j = 0; j < V; j++) acc[r][j] += ws * load(x + j * kW);
    }
  }
  for (int r = 0; r < R; r++) {
    for (int64_t s = common; s < count[r]; s++) {
      const float* x = xp + static_cast<int64_t>(c[r][s]) * PW;
      asm("" : "+r"(x));
      const vf ws = bcast(w[r] + s);
      for (int j = 0; j < V; j++) acc[r][j] += ws * load(x + j * kW);
    }
    for (int j = 0; j < V; j++) store(tile[r] + j * kW, acc[r][j]);
  }
}

// Block rows: the R rows share each panel row they read, so one load feeds R FMAs.
template <int V, int R>
void blocks_impl(const float* xp, const int32_t* bcol, const int32_t* blk, int64_t first, int64_t count, int bw,
                 const float* val, int64_t bstride, int64_t rstride, int64_t cstride, float* const* tile, bool load_tile) {
  constexpr int64_t PW = V * kW;
  vf acc[R][V];
  for (int r = 0; r < R; r++) {
    for (int j = 0; j < V; j++) acc[r][j] = load_tile ? load(tile[r] + j * kW) : vf{};
  }
  for (int64_t t = 0; t < count; t++) {
    const int64_t index = blk != nullptr ? blk[t] : first + t;
    const float* wb = val + index * bstride;
    const float* x = xp + static_cast<int64_t>(bcol[t]) * bw * PW;
    for (int c = 0; c < bw; c++, x += PW, wb += cstride) {
      vf xv[V];
      for (int j = 0; j < V; j++) xv[j] = load(x + j * kW);
#pragma GCC unroll 4
      for (int r = 0; r < R; r++) {
        const vf ws = bcast(wb + r * rstride);
        for (int j = 0; j < V; j++) acc[r][j] += ws * xv[j];
      }
    }
  }
  for (int r = 0; r < R; r++) {
    for (int j = 0; j < V; j++) store(tile[r] + j * kW, acc[r][j]);
  }
}

// One output row's dot products over NP full panels: the row of dy stays in registers.
template <int NP>
void sddmm_impl(const float* const* xp, const float* const* dy, const int32_t* col, int64_t count, float* out,
                bool accumulate) {
  constexpr int64_t P = 4 * kW;
  vf d[NP][4];
  for (int p = 0; p < NP; p++) {
    for (int j = 0; j < 4; j++) d[p][j] = load(dy[p] + j * kW);
  }
  for (int64_t s = 0; s < count; s++) {
    const int64_t off = static_cast<int64_t>(col[s]) * P;
    vf a[4] = {};
#pragma GCC unroll 4
    for (int p = 0; p < NP; p++) {
      const float* x = xp[p] + off;
      for (int j = 0; j < 4; j++) a[j] += d[p][j] * load(x + j * kW);
    }
    const float v = fold_f((a[0] + a[1]) + (a[2] + a[3]));
    out[s] = accumulate ? out[s] + v : v;
  }
}

// Few batch rows: gather x at the stored columns.
void gather_impl(int64_t nb, const float* x, int64_t ldx, const int32_t* col, const float* val, int64_t count, float* out,
                 int64_t ldo, bool accumulate) {
  for (int64_t b = 0; b < nb; b++) {
    const float* xb = x + b * ldx;
    int64_t s = 0;
    float sum;
#if defined(__AVX512F__)
    __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
    for (; s + 32 <= count; s += 32) {
      a0 = _mm512_fmadd_ps(_mm512_loadu_ps(val + s), _mm512_i32gather_ps(_mm512_loadu_si512(col + s), xb, 4), a0);
      a1 = _mm512_fmadd_ps(_mm512_loadu_ps(val + s + 16), _mm512_i32gather_ps(_mm512_loadu_si512(col + s + 16), xb, 4), a1);
    }
    if (s + 16 <= count) {
      a0 = _mm512_fmadd_ps(_mm512_loadu_ps(val + s), _mm512_i32gather_ps(_mm512_loadu_si512(col + s), xb, 4), a0);
      s += 16;
    }
    if (s < count) {
      const __mmask16 k = static_cast<__mmask16>((1u << (count - s)) - 1);
      const __m512i idx = _mm512_maskz_loadu_epi32(k, col + s);
      const __m512 g = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), k, idx, xb, 4);
      a1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(k, val + s), g, a1);
      s = count;
    }
    sum = _mm512_reduce_add_ps(_mm512_add_ps(a0, a1));
#elif defined(__AVX2__)
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
    for (; s + 16 <= count; s += 16) {
      const __m256i i0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(col + s));
      const __m256i i1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(col + s + 8));
      a0 = _mm256_fmadd_ps(_mm256_loadu_ps(val + s), _mm256_i32gather_ps(xb, i0, 4), a0);
      a1 = _mm256_fmadd_ps(_mm256_loadu_ps(val + s + 8), _mm256_i32gather_ps(xb, i1, 4), a1);
    }
    sum = fold_f((vf)_mm256_add_ps(a0, a1));
#else
    sum = 0.0f;
#endif
    float tail = 0.0f;
    for (; s < count; s++) tail += val[s] * xb[col[s]];
    sum += tail;
    out[b * ldo] = accumulate ? out[b * ldo] + sum : sum;
  }
}

typedef uint64_t vu64x8 __attribute__((vector_size(64)));
typedef int32_t vi32x8 __attribute__((vector_size(32)));

void decode_impl(const uint8_t* row, int64_t row_bytes, int bits, const int32_t* base, int64_t s0, int64_t s1,
                 int32_t* out) {
  const uint64_t mask = (uint64_t{1} << bits) - 1;
  vu64x8 shifts;
  for (int l = 0; l < 8; l++) shifts[l] = static_cast<uint64_t>(l * bits);
  int64_t s = s0;
  // Eight slots span at most 8·6 + 7 = 55 bits, so one 64-bit word holds them;
  // a vector shift then splits it into eight positions.
  for (; s + 8 <= s1; s += 8) {
    const int64_t bit = s * bits;
    const int64_t byte = bit >> 3;
    const uint64_t w = load64_upto(row + byte, row_bytes - byte) >> (bit & 7);
    const vu64x8 pos = ((vu64x8{} + w) >> shifts) & mask;
    vi32x8 b;
    std::memcpy(&b, base + s, sizeof b);
    const vi32x8 c = __builtin_convertvector(pos, vi32x8) + b;
    std::memcpy(out + (s - s0), &c, sizeof c);
  }
  if (s < s1) {
    const int64_t bit = s * bits;
    const int64_t byte = bit >> 3;
    const uint64_t w = load64_upto(row + byte, row_bytes - byte) >> (bit & 7);
    for (int64_t l = 0; l < s1 - s; l++) out[s - s0 + l] = base[s + l] + static_cast<int32_t>((w >> (l * bits)) & mask);
  }
}

}  // namespace
}  // namespace sk

// The lane path needs transpose_square and decode_impl above.
#include "spmm-nm-lanes.h"
#include "spmm-nm-panel.h"
#include "spmm-nm-blocks.h"

namespace sk {
namespace {

template <int V>
void fill_v(SpmmIsa& isa) {
  isa.rows[V - 1][0] = rows_impl<V, 1>;
  isa.rows[V - 1][1] = rows_impl<V, 2>;
  isa.rows[V - 1][2] = rows_impl<V, 3>;
  isa.rows[V - 1][3] = rows_impl<V, 4>;
  isa.blocks[V - 1][0] = blocks_impl<V, 1>;
  isa.blocks[V - 1][1] = blocks_impl<V, 2>;
  isa.blocks[V - 1][2] = blocks_impl<V, 3>;
  isa.blocks[V - 1][3] = blocks_impl<V, 4>;
}

SpmmIsa make_spmm_isa() {
  SpmmIsa isa{};
  isa.lanes = kW;
  isa.panel = 4 * kW;
  isa.pack = pack_impl;
  isa.unpack = unpack_impl;
  fill_v<1>(isa);
  fill_v<2>(isa);
  fill_v<3>(isa);
  fill_v<4>(isa);
  isa.sddmm[0] = sddmm_impl<1>;
  isa.sddmm[1] = sddmm_impl<2>;
  isa.sddmm[2] = sddmm_impl<3>;
  isa.sddmm[3] = sddmm_impl<4>;
  isa.gather = gather_impl;
  isa.decode = decode_impl;
  isa.nm_blocks = blocks_impl;
#if defined(__AVX512F__)
  isa.nm_dot = nm_dot_impl;
  isa.nm_lanes = nm_lanes_impl;
  isa.nm_lanes_layout = nm_lanes_layout_impl;
  isa.nm_panel = nm_panel_impl;
  isa.unpack_stream = unpack_stream_impl;
#endif
  return isa;
}

}  // namespace
}  // namespace sk
