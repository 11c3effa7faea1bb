// The loops of head attention, compiled once per instruction set (see
// binary-impl.h). A (batch, head) pair's operands are read in place where
// whole vectors cover a head's row, else gathered into padded scratch rows;
// every product is one register-blocked tile loop over several output rows.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "head-attention.h"
#include "simd.h"
#include "vec-math.h"

namespace sk {
namespace {

// Rows are padded to whole vectors, so a vector load never leaves its row.
inline int64_t padded(int64_t n) { return (n + kW - 1) / kW * kW; }

// Vector registers of the instruction set (AVX-512 has 32, the others 16).
constexpr int kRegs = kW == 16 ? 32 : 16;
// Output rows per tile for a tile NV vectors wide: as many accumulators as
// fit beside the NV panel vectors and one broadcast, at most 8.
template <int NV>
constexpr int kTileRows = std::min(8, (kRegs - NV - 2) / NV);

// y[r][0, n) = Σ_e a[r·a_rs + e·a_es] · panel[e][0, n) for R rows and n <=
// NV vectors: each panel vector loaded once serves R rows. Panel rows are
// ld floats apart and padded, so whole vectors are read past n.
template <int NV, int R>
void tile(const float* a, int64_t a_rs, int64_t a_es, int64_t count, const float* panel, int64_t ld, int64_t n,
          float* y, int64_t y_ld) {
  vf c[R][NV];
  for (auto& row : c) {
    for (auto& v : row) v = splat(0.0f);
  }
  for (int64_t e = 0; e < count; e++) {
    vf p[NV];
    for (int v = 0; v < NV; v++) p[v] = load(panel + e * ld + v * kW);
    for (int r = 0; r < R; r++) {
      const vf ar = splat(a[r * a_rs + e * a_es]);
      for (int v = 0; v < NV; v++) c[r][v] += ar * p[v];
    }
  }
  for (int r = 0; r < R; r++) {
    for (int v = 0; v < NV; v++) {
      const int64_t off = v * kW;
      if (off + kW <= n) store(y + r * y_ld + off, c[r][v]);
      else if (off < n) store_part(y + r * y_ld + off, c[r][v], n - off);
    }
  }
}

// tile<NV, rows> for a run-time rows in [1, R].
template <int NV, int R>
void tile_rows(int64_t rows, const float* a, int64_t a_rs, int64_t a_es, int64_t count, const float* panel,
               int64_t ld, int64_t n, float* y, int64_t y_ld) {
  if constexpr (R > 0) {
    if (rows == R) tile<NV, R>(a, a_rs, a_es, count, panel, ld, n, y, y_ld);
    else tile_rows<NV, R - 1>(rows, a, a_rs, a_es, count, panel, ld, n, y, y_ld);
  }
}

template <int NV>
void tiles(int64_t rows, const float* a, int64_t a_rs, int64_t a_es, int64_t count, const float* panel, int64_t ld,
           int64_t n, float* y, int64_t y_ld) {
  constexpr int R = kTileRows<NV>;
  for (int64_t r0 = 0; r0 < rows; r0 += R) {
    tile_rows<NV, R>(std::min<int64_t>(R, rows - r0), a + r0 * a_rs, a_rs, a_es, count, panel, ld, n, y + r0 * y_ld,
                     y_ld);
  }
}

// y[r][0, n) = Σ_e a[r·a_rs + e·a_es] · panel[e][0, n) for r < rows: the one
// product attention needs in both directions (scores, p·v, dP, dS·k, dSᵀ·q,
// Pᵀ·dout); a's strides let a row of a be a row or a column of a matrix.
void combine(int64_t rows, const float* a, int64_t a_rs, int64_t a_es, int64_t count, const float* panel, int64_t ld,
             int64_t n, float* y, int64_t y_ld) {
  for (int64_t j = 0; j < n; j += 4 * kW) {
    const int64_t width = std::min<int64_t>(4 * kW, n - j);
    const int64_t nv = (width + kW - 1) / kW;
    const float* pj = panel + j;
    float* yj = y + j;
    if (nv == 4) tiles<4>(rows, a, a_rs, a_es, count, pj, ld, width, yj, y_ld);
    else if (nv == 3) tiles<3>(rows, a, a_rs, a_es, count, pj, ld, width, yj, y_ld);
    else if (nv == 2) tiles<2>(rows, a, a_rs, a_es, count, pj, ld, width, yj, y_ld);
    else tiles<1>(rows, a, a_rs, a_es, count, pj, ld, width, yj, y_ld);
  }
}

// Queries per block when a causal product stops at the keys a block can see:
// a multiple of every tile's row count (kTileRows is 4 to 8 here).
constexpr int64_t kCausalBlock = 24;

// sᵀ [S][ld] = k·qᵀ; causal: query columns [c0, c0 + w) only against the keys
// they can see (below c0 + w), the rest left for softmax_columns to zero.
void key_major_scores(int64_t s, const float* k, int64_t k_ld, int64_t d, const float* qt, int64_t ld, bool causal,
                      float* sc) {
  if (!causal) return combine(s, k, k_ld, 1, d, qt, ld, ld, sc, ld);
  for (int64_t c0 = 0; c0 < ld; c0 += 4 * kW) {
    const int64_t w = std::min<int64_t>(4 * kW, ld - c0);
    combine(std::min(s, c0 + w), k, k_ld, 1, d, qt + c0, ld, w, sc + c0, ld);
  }
}

// y[i] = Σ_j p[j][i] · panel[j] for queries i < t, p key-major [S][p_ld];
// causal: a block of queries sums only over the keys it can see (the others'
// probabilities are zero).
void query_rows(int64_t t, int64_t s, const float* p, int64_t p_ld, const float* panel, int64_t ld, int64_t n,
                bool causal, float* y, int64_t y_ld) {
  if (!causal) return combine(t, p, 1, p_ld, s, panel, ld, n, y, y_ld);
  for (int64_t i0 = 0; i0 < t; i0 += kCausalBlock) {
    const int64_t rows = std::min(kCausalBlock, t - i0);
    combine(rows, p + i0, 1, p_ld, std::min(s, i0 + rows), panel, ld, n, y + i0 * y_ld, y_ld);
  }
}

// dst[r][0, cols) = src row r (rows src_ld apart), rows ld apart, zero padding up to ld.
void gather_rows(const float* src, int64_t src_ld, int64_t rows, int64_t cols, float* dst, int64_t ld) {
  for (int64_t r = 0; r < rows; r++) {
    std::copy(src + r * src_ld, src + r * src_ld + cols, dst + r * ld);
    std::fill(dst + r * ld + cols, dst + (r + 1) * ld, 0.0f);
  }
}

// A head's rows as a combine panel: read in place when whole vectors cover
// each row (no vector load then leaves it), else gathered into padded scratch.
const float* panel_rows(const float* src, int64_t src_ld, int64_t rows, int64_t cols, float* scratch, int64_t* ld) {
  if (cols % kW == 0) {
    *ld = src_ld;
    return src;
  }
  *ld = padded(cols);
  gather_rows(src, src_ld, rows, cols, scratch, *ld);
  return scratch;
}

// dst[c][r] = scale · src row r column c, rows of dst ld apart, zero padding up to ld.
void gather_transposed(const float* src, int64_t src_ld, int64_t rows, int64_t cols, float* dst, int64_t ld,
                       float scale = 1.0f) {
  for (int64_t c = 0; c < cols; c++) {
    for (int64_t r = 0; r < rows; r++) dst[c * ld + r] = scale * src[r * src_ld + c];
    std::fill(dst + c * ld + rows, dst + (c + 1) * ld, 0.0f);
  }
}

// Softmax down the columns of sc [S][ld] (column i: query i's scores of
// every key), whole vectors of queries at a time, so nothing is reduced
// across a vector. A causal query i sees keys 0..i; the others get exact
// zeros without passing through exp, whose tiny results would be denormals.
void softmax_columns(float* sc, int64_t s, int64_t ld, bool causal) {
  for (int64_t i = 0; i < ld; i += kW) {
    // Keys from i + kW on are hidden from every lane of this vector.
    const int64_t keys = causal ? std::min(s, i + kW) : s;
    const auto seen = [&](int64_t j) { return causal ? ~lanes_below(j - i) : ~vi{}; };  // lane l is query i + l
    vf m = splat(-INFINITY);
    for (int64_t j = 0; j < keys; j++) {
      const vf x = load(sc + j * ld + i);
      m = (seen(j) & (x > m)) ? x : m;  // a NaN score is skipped here but still poisons its column's sum
    }
    vf total = splat(0.0f);
    for (int64_t j = 0; j < keys; j++) {
      const vi in = seen(j);
      const vf x = load(sc + j * ld + i);
      const vf e = in ? exp_v((in ? x : m) - m) : splat(0.0f);
      store(sc + j * ld + i, e);
      total += e;
    }
    const vf inv = splat(1.0f) / total;
    for (int64_t j = 0; j < keys; j++) store(sc + j * ld + i, load(sc + j * ld + i) * inv);
    for (int64_t j = keys; j < s; j++) store(sc + j * ld + i, splat(0.0f));
  }
}

// The scores are computed key-major (sᵀ = k·qᵀ, one row per key), so the
// softmax runs down vectors of queries and the probabilities are stored
// key-major too (probs [B, H, S, T]); the products then read them by row or
// by column through combine's strides, with no transposed copies.
void attention_forward_impl(int64_t p0, int64_t p1, const AttentionDims& dm, const float* q, const float* k,
                            const float* v, float* out, float* probs, float* scratch) {
  const int64_t t = dm.t, s = dm.s, d = dm.d, dv = dm.dv, heads = dm.heads;
  const int64_t tp = padded(t), dvp = padded(dv);
  float* qt = scratch;       // [D][Tp], scaled queries transposed
  float* vs = qt + d * tp;   // [S][Dvp], values when not read in place
  float* sc = vs + s * dvp;  // [S][Tp], scores, then probabilities
  for (int64_t p = p0; p < p1; p++) {
    const int64_t b = p / heads, h = p % heads;
    gather_transposed(q + b * t * heads * d + h * d, heads * d, t, d, qt, tp, dm.scale);
    int64_t v_ld = 0;
    const float* vp = panel_rows(v + b * s * heads * dv + h * dv, heads * dv, s, dv, vs, &v_ld);
    key_major_scores(s, k + b * s * heads * d + h * d, heads * d, d, qt, tp, dm.causal, sc);
    softmax_columns(sc, s, tp, dm.causal);
    float* pout = probs + p * s * t;
    for (int64_t j = 0; j < s; j++) std::copy(sc + j * tp, sc + j * tp + t, pout + j * t);
    query_rows(t, s, sc, tp, vp, v_ld, dv, dm.causal, out + b * t * heads * dv + h * dv, heads * dv);  // out = P·v
  }
}

void attention_backward_impl(int64_t p0, int64_t p1, const AttentionDims& dm, const float* q, const float* k,
                             const float* v, const float* probs, const float* dout, float* dq, float* dk, float* dv_out,
                             float* scratch) {
  const int64_t t = dm.t, s = dm.s, d = dm.d, dv = dm.dv, heads = dm.heads;
  const int64_t tp = padded(t), dp = padded(d), dvp = padded(dv);
  float* ks = scratch;        // [S][Dp], keys when not read in place
  float* qs = ks + s * dp;    // [T][Dp], queries when not read in place
  float* gos = qs + t * dp;   // [T][Dvp], output gradients when not read in place
  float* got = gos + t * dvp; // [Dv][Tp], output gradients transposed
  float* ps = got + dv * tp;  // [S][Tp], probabilities (key-major)
  float* ds = ps + s * tp;    // [S][Tp], dPᵀ, then the score gradients dSᵀ (scaled)
  for (int64_t p = p0; p < p1; p++) {
    const int64_t b = p / heads, h = p % heads;
    const float* kh = k + b * s * heads * d + h * d;
    const float* qh = q + b * t * heads * d + h * d;
    const float* gh = dout + b * t * heads * dv + h * dv;
    int64_t k_ld = 0, q_ld = 0, g_ld = 0;
    const float* kp = panel_rows(kh, heads * d, s, d, ks, &k_ld);
    const float* qp = panel_rows(qh, heads * d, t, d, qs, &q_ld);
    const float* gp = panel_rows(gh, heads * dv, t, dv, gos, &g_ld);
    gather_transposed(gh, heads * dv, t, dv, got, tp);
    gather_rows(probs + p * s * t, t, s, t, ps, tp);
    combine(s, v + b * s * heads * dv + h * dv, heads * dv, 1, dv, got, tp, tp, ds, tp);  // dPᵀ = v·doutᵀ
    // dS = scale · P ⊙ (dP − Σ_j P ⊙ dP), each query's sum down its column.
    for (int64_t i = 0; i < tp; i += kW) {
      vf dot = splat(0.0f);
      for (int64_t j = 0; j < s; j++) dot += load(ps + j * tp + i) * load(ds + j * tp + i);
      for (int64_t j = 0; j < s; j++) {
        store(ds + j * tp + i, load(ps + j * tp + i) * dm.scale * (load(ds + j * tp + i) - dot));
      }
    }
    query_rows(t, s, ds, tp, kp, k_ld, d, dm.causal, dq + b * t * heads * d + h * d, heads * d);  // dq = dS·k
    combine(s, ds, tp, 1, t, qp, q_ld, d, dk + b * s * heads * d + h * d, heads * d);           // dk = dSᵀ·q
    combine(s, ps, tp, 1, t, gp, g_ld, dv, dv_out + b * s * heads * dv + h * dv, heads * dv);  // dv = Pᵀ·dout
  }
}

inline AttentionFns attention_fns_impl() { return {attention_forward_impl, attention_backward_impl}; }

}  // namespace
}  // namespace sk
