// The loops of head attention, compiled once per instruction set (see
// binary-impl.h). Each (batch, head) pair's keys and values are gathered into
// padded scratch rows; every product is then one small register-blocked loop.
#pragma once

#include <algorithm>
#include <cstdint>

#include "head-attention.h"
#include "row-reduce.h"
#include "simd.h"
#include "vec-math.h"

namespace sk {
namespace {

// row[0, n) = exp(row − max), returns the sum.
float exp_shift_sum(float* __restrict row, int64_t n, float max) {
  vf acc = splat(0.0f);
  int64_t j = 0;
  for (; j + kW <= n; j += kW) {
    const vf e = exp_v(load(row + j) - max);
    store(row + j, e);
    acc += e;
  }
  float total = fold_f(acc);
  if (j < n) {
    const vf e = exp_v(load_part(row + j, n - j, max) - max);
    store_part(row + j, e, n - j);
    for (int64_t r = j; r < n; r++) total += row[r];
  }
  return total;
}

// Rows are padded to whole vectors, so a vector load never leaves its row.
inline int64_t padded(int64_t n) { return (n + kW - 1) / kW * kW; }

// y[0, n) = Σ_e a[e] · panel[e][0, n) for n <= NV vectors, with the sum over
// e split into SPLIT interleaved chains, so that NV · SPLIT independent
// multiply-adds hide the FMA latency even when the row is one vector long.
template <int NV, int SPLIT>
void combine_block(const float* a, int64_t count, const float* panel, int64_t ld, int64_t n, float* y) {
  vf c[SPLIT][NV];
  for (auto& chain : c) {
    for (auto& v : chain) v = splat(0.0f);
  }
  int64_t e = 0;
  for (; e + SPLIT <= count; e += SPLIT) {
    for (int sp = 0; sp < SPLIT; sp++) {
      const vf ae = splat(a[e + sp]);
      const float* p = panel + (e + sp) * ld;
      for (int v = 0; v < NV; v++) c[sp][v] += ae * load(p + v * kW);
    }
  }
  for (; e < count; e++) {
    const vf ae = splat(a[e]);
    for (int v = 0; v < NV; v++) c[0][v] += ae * load(panel + e * ld + v * kW);
  }
  for (int sp = 1; sp < SPLIT; sp++) {
    for (int v = 0; v < NV; v++) c[0][v] += c[sp][v];
  }
  for (int v = 0; v < NV; v++) {
    const int64_t off = v * kW;
    if (off + kW <= n) store(y + off, c[0][v]);
    else if (off < n) store_part(y + off, c[0][v], n - off);
  }
}

// y[0, n) = Σ_e a[e] · panel[e][0, n), panel rows ld floats apart (whole
// vectors are read past n up to the padding): the one product attention
// needs in both directions (scores, p·v, dP, dS·k).
void combine_rows(const float* a, int64_t count, const float* panel, int64_t ld, int64_t n, float* y) {
  int64_t j = 0;
  for (; n - j > 3 * kW; j += 4 * kW) combine_block<4, 2>(a, count, panel + j, ld, n - j, y + j);
  const int64_t rest = (n - j + kW - 1) / kW;
  if (rest == 3) combine_block<3, 2>(a, count, panel + j, ld, n - j, y + j);
  else if (rest == 2) combine_block<2, 4>(a, count, panel + j, ld, n - j, y + j);
  else if (rest == 1) combine_block<1, 4>(a, count, panel + j, ld, n - j, y + j);
}

// dst[r][0, cols) = src row r (rows src_ld apart), rows ld apart, zero padding up to ld.
void gather_rows(const float* src, int64_t src_ld, int64_t rows, int64_t cols, float* dst, int64_t ld) {
  for (int64_t r = 0; r < rows; r++) {
    std::copy(src + r * src_ld, src + r * src_ld + cols, dst + r * ld);
    std::fill(dst + r * ld + cols, dst + (r + 1) * ld, 0.0f);
  }
}

// dst[c][r] = src row r column c, rows of dst ld apart, zero padding up to ld.
void gather_transposed(const float* src, int64_t src_ld, int64_t rows, int64_t cols, float* dst, int64_t ld) {
  for (int64_t c = 0; c < cols; c++) {
    for (int64_t r = 0; r < rows; r++) dst[c * ld + r] = src[r * src_ld + c];
    std::fill(dst + c * ld + rows, dst + (c + 1) * ld, 0.0f);
  }
}

void attention_forward_impl(int64_t p0, int64_t p1, const AttentionDims& dm, const float* q, const float* k,
                            const float* v, float* out, float* probs, float* scratch) {
  const int64_t t = dm.t, s = dm.s, d = dm.d, dv = dm.dv, heads = dm.heads;
  const int64_t sp = padded(s), dvp = padded(dv);
  float* kt = scratch;          // [D][Sp], keys transposed
  float* vs = kt + d * sp;      // [S][Dvp]
  float* qi = vs + s * dvp;     // [D], the scaled query
  float* row = qi + padded(d);  // [Sp]
  for (int64_t p = p0; p < p1; p++) {
    const int64_t b = p / heads, h = p % heads;
    gather_transposed(k + b * s * heads * d + h * d, heads * d, s, d, kt, sp);
    gather_rows(v + b * s * heads * dv + h * dv, heads * dv, s, dv, vs, dvp);
    for (int64_t i = 0; i < t; i++) {
      const int64_t seen = dm.causal ? std::min(s, i + 1) : s;
      const float* qrow = q + (b * t + i) * heads * d + h * d;
      for (int64_t e = 0; e < d; e++) qi[e] = dm.scale * qrow[e];
      combine_rows(qi, d, kt, sp, seen, row);
      const float max = max_row(row, seen);
      const float inv = 1.0f / exp_shift_sum(row, seen, max);
      float* prow = probs + (p * t + i) * s;
      for (int64_t j = 0; j < seen; j++) prow[j] = row[j] * inv;
      std::fill(prow + seen, prow + s, 0.0f);
      combine_rows(prow, seen, vs, dvp, dv, out + (b * t + i) * heads * dv + h * dv);
    }
  }
}

void attention_backward_impl(int64_t p0, int64_t p1, const AttentionDims& dm, const float* q, const float* k,
                             const float* v, const float* probs, const float* dout, float* dq, float* dk, float* dv_out,
                             float* scratch) {
  const int64_t t = dm.t, s = dm.s, d = dm.d, dv = dm.dv, heads = dm.heads;
  const int64_t sp = padded(s), dp = padded(d), dvp = padded(dv);
  float* ks = scratch;        // [S][Dp]
  float* vt = ks + s * dp;    // [Dv][Sp], values transposed
  float* qs = vt + dv * sp;   // [T][Dp]
  float* gos = qs + t * dp;   // [T][Dvp], output gradients
  float* ds = gos + t * dvp;  // [T][Sp], score gradients (scaled)
  float* col = ds + t * sp;   // [T], one column of ds or of the probabilities
  for (int64_t p = p0; p < p1; p++) {
    const int64_t b = p / heads, h = p % heads;
    gather_rows(k + b * s * heads * d + h * d, heads * d, s, d, ks, dp);
    gather_transposed(v + b * s * heads * dv + h * dv, heads * dv, s, dv, vt, sp);
    gather_rows(q + b * t * heads * d + h * d, heads * d, t, d, qs, dp);
    gather_rows(dout + b * t * heads * dv + h * dv, heads * dv, t, dv, gos, dvp);
    for (int64_t i = 0; i < t; i++) {
      const int64_t seen = dm.causal ? std::min(s, i + 1) : s;
      const float* row = probs + (p * t + i) * s;
      float* dsi = ds + i * sp;
      combine_rows(gos + i * dvp, dv, vt, sp, seen, dsi);  // dP
      float row_dot = 0.0f;
      for (int64_t j = 0; j < seen; j++) row_dot += row[j] * dsi[j];
      for (int64_t j = 0; j < seen; j++) dsi[j] = dm.scale * row[j] * (dsi[j] - row_dot);
      std::fill(dsi + seen, dsi + s, 0.0f);
      combine_rows(dsi, seen, ks, dp, d, dq + (b * t + i) * heads * d + h * d);
    }
    // dk = dSᵀ·q and dv = Pᵀ·dout, one key at a time from a column of dS or P.
    for (int64_t j = 0; j < s; j++) {
      for (int64_t i = 0; i < t; i++) col[i] = ds[i * sp + j];
      combine_rows(col, t, qs, dp, d, dk + (b * s + j) * heads * d + h * d);
      for (int64_t i = 0; i < t; i++) col[i] = probs[(p * t + i) * s + j];
      combine_rows(col, t, gos, dvp, dv, dv_out + (b * s + j) * heads * dv + h * dv);
    }
  }
}

inline AttentionFns attention_fns_impl() { return {attention_forward_impl, attention_backward_impl}; }

}  // namespace
}  // namespace sk
