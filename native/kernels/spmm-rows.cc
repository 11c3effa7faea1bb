// Drivers of the element-sparse products (N:M, CSR and the transposed
// product of either): each output row is a list of (column, value) pairs.
// See spmm.h for the design; spmm-isa.h for the inner loops they call.
#include <algorithm>

#include "spmm-arena.h"
#include "spmm-drive.h"

namespace sk {
namespace {

// K blocks pay off when each row holds at least this many weights per block.
constexpr double kMinBlockWeights = 24;

// The stored weights of each output row: CSR-like, or N:M decoded on the fly.
struct Rows {
  int64_t count = 0;  // output rows
  int64_t width = 0;  // input columns
  const float* val = nullptr;
  const int32_t* ptr = nullptr;  // CSR
  const int32_t* col = nullptr;
  int n = 0, m = 0, bits = 0;  // N:M
  int64_t spr = 0, row_bytes = 0;
  const uint8_t* pos = nullptr;
  const int32_t* base = nullptr;  // base[s] = (s / n) · m, the first column of slot s's group

  bool nm() const { return pos != nullptr; }
  int64_t begin(int64_t r) const { return nm() ? r * spr : ptr[r]; }
  int64_t end(int64_t r) const { return nm() ? (r + 1) * spr : ptr[r + 1]; }
  int64_t nnz() const { return nm() ? count * spr : ptr[count]; }
};

// One thread's rows and scratch.
struct Share {
  int64_t r0, r1;
  float* tile;
  int32_t* dec;  // decoded N:M columns, kSpmmMaxRows rows of `dec_stride`
  int32_t* cur;  // CSR cursors, one per row
};


// The K block: all of K, or a multiple of M whose panel rows fit in L1.
int64_t block_width(const Rows& rs, int64_t pw) {
  const int64_t fit = kBlockBytes / (pw * 4);
  if (fit >= rs.width) return rs.width;
  const double per_block = static_cast<double>(rs.nnz()) / static_cast<double>(rs.count) * fit / rs.width;
  if (per_block < kMinBlockWeights) return rs.width;
  if (!rs.nm()) return fit;
  const int64_t kc = fit / rs.m * rs.m;
  return kc > 0 ? kc : rs.width;
}

// Slots of row r in columns [k0, k1) (k1 the block's end), as pointers to columns and values.
struct Span {
  const int32_t* col;
  const float* val;
  int64_t count;
};

Span span_of(const SpmmIsa& isa, const Rows& rs, const Share& sh, int64_t r, int i, int64_t k0, int64_t k1, bool whole,
             int64_t dec_stride) {
  int64_t s0, s1;
  if (rs.nm()) {
    s0 = r * rs.spr + k0 / rs.m * rs.n;
    s1 = r * rs.spr + k1 / rs.m * rs.n;
    int32_t* out = sh.dec + i * dec_stride;
    isa.decode(rs.pos + r * rs.row_bytes, rs.row_bytes, rs.bits, rs.base, s0 - r * rs.spr, s1 - r * rs.spr, out);
    return {out, rs.val + s0, s1 - s0};
  }
  if (whole) {
    s0 = rs.ptr[r];
    s1 = rs.ptr[r + 1];
  } else {
    int32_t& c = sh.cur[r - sh.r0];
    s0 = c;
    s1 = s0;
    const int64_t end = rs.ptr[r + 1];
    while (s1 < end && rs.col[s1] < k1) s1++;
    c = static_cast<int32_t>(s1);
  }
  return {rs.col + s0, rs.val + s0, s1 - s0};
}

// Rows [r, r + R) of one K block into their tile rows: R rows together for
// the weights they all have, then each row's remainder alone.
void block_rows(const SpmmIsa& isa, const Rows& rs, const Share& sh, const float* xp, int v, int64_t pw, int64_t r,
                int R, int64_t k0, int64_t k1, bool whole, int64_t dec_stride) {
  Span sp[kSpmmMaxRows];
  const int32_t* col[kSpmmMaxRows];
  const float* val[kSpmmMaxRows];
  float* tile[kSpmmMaxRows];
  int64_t common = INT64_MAX;
  for (int i = 0; i < R; i++) {
    sp[i] = span_of(isa, rs, sh, r + i, i, k0, k1, whole, dec_stride);
    col[i] = sp[i].col;
    val[i] = sp[i].val;
    tile[i] = sh.tile + (r + i - sh.r0) * pw;
    common = std::min(common, sp[i].count);
  }
  const bool load = k0 > 0;
  isa.rows[v - 1][R - 1](xp, col, val, common, tile, load);
  for (int i = 0; i < R; i++) {
    if (sp[i].count == common) continue;
    const int32_t* c1 = sp[i].col + common;
    const float* v1 = sp[i].val + common;
    isa.rows[v - 1][0](xp, &c1, &v1, sp[i].count - common, &tile[i], true);
  }
}

thread_local SpmmArena t_work;
thread_local SpmmArena t_extra;

// y [B, rs.count] (+)= x [B, rs.width] · Wᵀ, W given by rs.
void rows_product(const SpmmIsa& isa, const Rows& rs, int64_t batch, const float* x, float* y, bool accumulate) {
  if (batch <= 0 || rs.count <= 0) return;
  const int64_t P = isa.panel;
  const int64_t npan = panel_count(isa, batch);
  const int nt = threads_for(static_cast<double>(batch) * static_cast<double>(rs.nnz()));
  int64_t bounds[1025];
  split_by(rs.nm() ? nullptr : rs.ptr, rs.count, nt, bounds);
  int64_t most = 0;
  for (int t = 0; t < nt; t++) most = std::max(most, bounds[t + 1] - bounds[t]);
  const int64_t kc = npan == 0 ? rs.width : block_width(rs, P);
  const int64_t dec_stride = rs.nm() ? (kc / rs.m * rs.n + 15) / 16 * 16 : 0;

  t_work.reserve(npan * rs.width * P * 4 + nt * (most * P * 4 + kSpmmMaxRows * dec_stride * 4 + most * 4), 1 + 3 * nt);
  float* xp = t_work.take<float>(npan * rs.width * P);
  Share shares[1024];
  for (int t = 0; t < nt; t++) {
    shares[t].r0 = bounds[t];
    shares[t].r1 = bounds[t + 1];
    shares[t].tile = t_work.take<float>(npan == 0 ? 0 : most * P);
    shares[t].dec = t_work.take<int32_t>(kSpmmMaxRows * dec_stride);
    shares[t].cur = t_work.take<int32_t>(most);
  }
  if (npan == 0) {
    parallel_run(nt, [&](int t, int) {
      const Share& sh = shares[t];
      for (int64_t r = sh.r0; r < sh.r1; r++) {
        const Span sp = span_of(isa, rs, sh, r, 0, 0, rs.width, true, dec_stride);
        isa.gather(batch, x, rs.width, sp.col, sp.val, sp.count, y + r, rs.count, accumulate);
      }
    });
    return;
  }
  pack_panels(isa, x, batch, rs.width, xp, false);
  parallel_run(nt, [&](int t, int) {
    const Share& sh = shares[t];
    for (int64_t p = 0; p < npan; p++) {
      const int64_t nb = panel_rows(isa, batch, p);
      const int64_t pw = panel_width(isa, nb);
      const int v = static_cast<int>(pw / isa.lanes);
      const float* xpp = xp + p * rs.width * P;
      if (!rs.nm() && kc < rs.width) {
        for (int64_t r = sh.r0; r < sh.r1; r++) sh.cur[r - sh.r0] = rs.ptr[r];
      }
      for (int64_t k0 = 0; k0 < rs.width; k0 += kc) {
        const int64_t k1 = std::min(rs.width, k0 + kc);
        for (int64_t r = sh.r0; r < sh.r1; r += 3) {
          block_rows(isa, rs, sh, xpp, v, pw, r, static_cast<int>(std::min<int64_t>(3, sh.r1 - r)), k0, k1, kc == rs.width,
                     dec_stride);
        }
      }
      isa.unpack(sh.tile, sh.r1 - sh.r0, nb, y + p * P * rs.count + sh.r0, rs.count, accumulate, pw);
    }
  });
}

// d_val at rs's stored weights (+)= Σ_b dy[b, r] · x[b, col].
void rows_sddmm(const SpmmIsa& isa, const Rows& rs, int64_t batch, const float* x, const float* dy, float* d_val,
                bool accumulate) {
  if (rs.count <= 0) return;
  const int64_t P = isa.panel;
  const int64_t npan = panel_count(isa, batch);
  const int nt = threads_for(static_cast<double>(batch) * static_cast<double>(rs.nnz()));
  int64_t bounds[1025];
  split_by(rs.nm() ? nullptr : rs.ptr, rs.count, nt, bounds);
  const int64_t dec_stride = rs.nm() ? (rs.spr + 15) / 16 * 16 : 0;
  t_work.reserve(npan * (rs.width + rs.count) * P * 4 + nt * dec_stride * 4, 3);
  float* xp = t_work.take<float>(npan * rs.width * P);
  float* dyp = t_work.take<float>(npan * rs.count * P);
  int32_t* decs = t_work.take<int32_t>(nt * dec_stride);
  pack_panels(isa, x, batch, rs.width, xp, true);
  pack_panels(isa, dy, batch, rs.count, dyp, true);
  parallel_run(nt, [&](int t, int) {
    Share sh{bounds[t], bounds[t + 1], nullptr, decs + t * dec_stride, nullptr};
    for (int64_t r = sh.r0; r < sh.r1; r++) {
      const Span sp = span_of(isa, rs, sh, r, 0, 0, rs.width, true, dec_stride);
      float* out = d_val + rs.begin(r);
      if (npan == 0) {
        for (int64_t s = 0; s < sp.count; s++) {
          float acc = 0.0f;
          for (int64_t b = 0; b < batch; b++) acc += dy[b * rs.count + r] * x[b * rs.width + sp.col[s]];
          out[s] = accumulate ? out[s] + acc : acc;
        }
        continue;
      }
      for (int64_t p0 = 0; p0 < npan; p0 += kSpmmMaxPanels) {
        const int np = static_cast<int>(std::min<int64_t>(kSpmmMaxPanels, npan - p0));
        const float* xps[kSpmmMaxPanels];
        const float* dys[kSpmmMaxPanels];
        for (int i = 0; i < np; i++) {
          xps[i] = xp + (p0 + i) * rs.width * P;
          dys[i] = dyp + (p0 + i) * rs.count * P + r * P;
        }
        isa.sddmm[np - 1](xps, dys, sp.col, sp.count, out, accumulate || p0 > 0);
      }
    }
  });
}

Rows nm_rows(int64_t rows, int64_t cols, int n, int m, const float* values, const uint8_t* positions, int32_t* base) {
  Rows rs;
  rs.count = rows;
  rs.width = cols;
  rs.val = values;
  rs.n = n;
  rs.m = m;
  rs.bits = __builtin_ctz(static_cast<unsigned>(m));
  rs.spr = cols / m * n;
  rs.row_bytes = (rs.spr * rs.bits + 7) / 8;
  rs.pos = positions;
  for (int64_t s = 0; s < rs.spr; s++) base[s] = static_cast<int32_t>(s / n * m);
  rs.base = base;
  return rs;
}

Rows csr_rows(int64_t rows, int64_t cols, const int32_t* ptr, const int32_t* col, const float* val) {
  Rows rs;
  rs.count = rows;
  rs.width = cols;
  rs.ptr = ptr;
  rs.col = col;
  rs.val = val;
  return rs;
}

}  // namespace

void nm_spmm(int64_t batch, int64_t rows, int64_t cols, int n, int m, const float* values, const uint8_t* positions,
             const float* x, float* y, bool accumulate) {
  t_extra.reserve(cols / m * n * 4, 1);
  const Rows rs = nm_rows(rows, cols, n, m, values, positions, t_extra.take<int32_t>(cols / m * n));
  rows_product(spmm_isa(), rs, batch, x, y, accumulate);
}

void nm_sddmm(int64_t batch, int64_t rows, int64_t cols, int n, int m, const uint8_t* positions, const float* x,
              const float* dy, float* d_values, bool accumulate) {
  t_extra.reserve(cols / m * n * 4, 1);
  const Rows rs = nm_rows(rows, cols, n, m, nullptr, positions, t_extra.take<int32_t>(cols / m * n));
  rows_sddmm(spmm_isa(), rs, batch, x, dy, d_values, accumulate);
}

void csr_spmm(int64_t batch, int64_t rows, int64_t cols, const int32_t* row_ptr, const int32_t* col_idx,
              const float* values, const float* x, float* y, bool accumulate) {
  rows_product(spmm_isa(), csr_rows(rows, cols, row_ptr, col_idx, values), batch, x, y, accumulate);
}

void csr_sddmm(int64_t batch, int64_t rows, int64_t cols, const int32_t* row_ptr, const int32_t* col_idx, const float* x,
               const float* dy, float* d_values, bool accumulate) {
  rows_sddmm(spmm_isa(), csr_rows(rows, cols, row_ptr, col_idx, nullptr), batch, x, dy, d_values, accumulate);
}

void spmm_transposed(int64_t batch, int64_t rows, int64_t cols, const int32_t* t_ptr, const int32_t* t_row,
                     const int32_t* t_perm, const float* values, const float* dy, float* dx, bool accumulate) {
  // Values in column order once, so the panels read them in sequence.
  const int64_t nnz = t_ptr[cols];
  t_extra.reserve(nnz * 4, 1);
  float* tv = t_extra.take<float>(nnz);
  parallel_for(nnz, 1 << 16, [&](int64_t j0, int64_t j1, int) {
    for (int64_t j = j0; j < j1; j++) tv[j] = values[t_perm[j]];
  });
  rows_product(spmm_isa(), csr_rows(cols, rows, t_ptr, t_row, tv), batch, dy, dx, accumulate);
}

}  // namespace sk
