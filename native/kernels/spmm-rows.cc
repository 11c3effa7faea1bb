// Drivers of the element-sparse products (N:M, CSR and the transposed
// product of either): each output row is a list of (column, value) pairs.
// See spmm.h for the design; spmm-isa.h for the inner loops they call.
//
// Panel path: each thread takes a range of output rows and first lays its
// weights out K block by K block (decoding N:M positions once per call), so
// that a pass over one block streams columns and values in order while the
// block's panel rows stay in L1; then, per panel and block, its rows
// accumulate into a tile that is transposed into Y after the last block.
#include <algorithm>

#include "spmm-arena.h"
#include "spmm-csr.h"
#include "spmm-drive.h"

namespace sk {
namespace {

// K blocks pay off when each row holds at least this many weights per block.
constexpr double kMinBlockWeights = 24;
// The sampled product's X panels per K block: half of a 2 MB L2.
constexpr int64_t kSddmmBlockBytes = 1 << 20;

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
  int64_t nnz() const { return begin(count); }
};

// A whole row's stored weights: columns (N:M decoded into `dec`) and values.
struct Span {
  const int32_t* col;
  const float* val;
  int64_t count;
};

Span row_span(const SpmmIsa& isa, const Rows& rs, int64_t r, int32_t* dec) {
  if (rs.nm()) {
    isa.decode(rs.pos + r * rs.row_bytes, rs.row_bytes, rs.bits, rs.base, 0, rs.spr, dec);
    return {dec, rs.val == nullptr ? nullptr : rs.val + r * rs.spr, rs.spr};
  }
  return {rs.col + rs.ptr[r], rs.val == nullptr ? nullptr : rs.val + rs.ptr[r], rs.ptr[r + 1] - rs.ptr[r]};
}

// Row r's stored weights in columns [k0, k1) (for N:M multiples of M, or k1 =
// K), and in `first` where they start in the row: N:M decodes only those
// slots into `dec`; CSR searches, as columns rise along a row.
Span block_span(const SpmmIsa& isa, const Rows& rs, int64_t r, int64_t k0, int64_t k1, int32_t* dec, int64_t* first) {
  if (rs.nm()) {
    const int64_t s0 = k0 / rs.m * rs.n, s1 = std::min(rs.spr, k1 / rs.m * rs.n);
    isa.decode(rs.pos + r * rs.row_bytes, rs.row_bytes, rs.bits, rs.base, s0, s1, dec);
    *first = s0;
    return {dec, nullptr, s1 - s0};
  }
  const int32_t* row = rs.col + rs.ptr[r];
  const int32_t* end = rs.col + rs.ptr[r + 1];
  const int32_t* lo = k0 == 0 ? row : std::lower_bound(row, end, static_cast<int32_t>(k0));
  const int32_t* hi = k1 >= rs.width ? end : std::lower_bound(lo, end, static_cast<int32_t>(k1));
  *first = lo - row;
  return {lo, nullptr, hi - lo};
}

// The K block: all of K, or a multiple of M whose panel rows fit in L1.
int64_t block_width(const Rows& rs, int64_t pw) {
  const int64_t fit = kBlockBytes / (pw * 4);
  if (fit >= rs.width) return rs.width;
  const double per_block = static_cast<double>(rs.nnz()) / static_cast<double>(rs.count) * fit / rs.width;
  if (per_block < kMinBlockWeights) return rs.width;
  const int64_t kc = rs.nm() ? fit / rs.m * rs.m : fit;
  return kc > 0 ? kc : rs.width;
}

// One thread's rows [r0, r1), laid out K block by K block: the weights of
// block b and row r are entries [ptr[b·n + r − r0], ptr[b·n + r − r0 + 1])
// of col and val (n = r1 − r0).
// N:M rows need no table: row r − r0 starts at (r − r0)·spr, block b at b·kc/m·n.
struct Share {
  int64_t r0, r1;
  int64_t* ptr;
  const int32_t* col;
  const float* val;
  float* tile;
  int32_t* dec;  // one decoded row
  int64_t spr = 0, spb = 0;  // N:M: slots per row and per K block
};

// Fills sh.ptr/col/val for K blocks of kc columns. N:M rows are decoded
// into cbuf and indexed directly; CSR rows are copied block by block into
// cbuf and vbuf unless one block covers K and the original arrays serve.
void lay_out(const SpmmIsa& isa, const Rows& rs, int64_t kc, Share& sh, int32_t* cbuf, float* vbuf) {
  const int64_t n = sh.r1 - sh.r0;
  const int64_t nkb = (rs.width + kc - 1) / kc;
  const int64_t first = rs.begin(sh.r0);
  if (rs.nm()) {
    for (int64_t r = sh.r0; r < sh.r1; r++) {
      isa.decode(rs.pos + r * rs.row_bytes, rs.row_bytes, rs.bits, rs.base, 0, rs.spr, cbuf + (r - sh.r0) * rs.spr);
    }
    sh.col = cbuf;
    sh.val = rs.val + first;
    sh.spr = rs.spr;
    sh.spb = kc / rs.m * rs.n;
    return;
  }
  if (nkb == 1) {
    for (int64_t i = 0; i <= n; i++) sh.ptr[i] = rs.begin(sh.r0 + i) - first;
    sh.val = rs.val + first;
    sh.col = rs.col + first;
    return;
  }
  std::fill(sh.ptr, sh.ptr + nkb * n + 1, 0);
  for (int64_t r = sh.r0; r < sh.r1; r++) {
    int64_t* cnt = sh.ptr + (r - sh.r0) + 1;
    // Columns rise along a row, so the block index only steps forward (no division per entry).
    int64_t b = 0, bend = kc;
    for (int64_t s = rs.ptr[r]; s < rs.ptr[r + 1]; s++) {
      while (rs.col[s] >= bend) {
        b++;
        bend += kc;
      }
      cnt[b * n]++;
    }
  }
  for (int64_t i = 0; i < nkb * n; i++) sh.ptr[i + 1] += sh.ptr[i];
  for (int64_t r = sh.r0; r < sh.r1; r++) {
    const Span sp = row_span(isa, rs, r, sh.dec);
    int64_t b = 0, bend = kc, at = sh.ptr[r - sh.r0];
    for (int64_t s = 0; s < sp.count; s++) {
      if (sp.col[s] >= bend) {
        while (sp.col[s] >= bend) {
          b++;
          bend += kc;
        }
        at = sh.ptr[b * n + (r - sh.r0)];
      }
      cbuf[at] = sp.col[s];
      vbuf[at++] = sp.val[s];
    }
  }
  sh.col = cbuf;
  sh.val = vbuf;
}

// Rows [i, i + R) of the share in K block b into their tile rows.
void block_rows(const SpmmIsa& isa, const Share& sh, int64_t b, const float* xp, int v, int64_t pw, int64_t i, int R,
                float* tile_base) {
  const int64_t n = sh.r1 - sh.r0;
  const int32_t* col[kSpmmMaxRows];
  const float* val[kSpmmMaxRows];
  float* tile[kSpmmMaxRows];
  int64_t count[kSpmmMaxRows];
  for (int q = 0; q < R; q++) {
    int64_t e0;
    if (sh.spr > 0) {
      e0 = (i + q) * sh.spr + b * sh.spb;
      count[q] = std::min(sh.spb, sh.spr - b * sh.spb);
    } else {
      e0 = sh.ptr[b * n + i + q];
      count[q] = sh.ptr[b * n + i + q + 1] - e0;
    }
    col[q] = sh.col + e0;
    val[q] = sh.val + e0;
    tile[q] = tile_base + (i + q) * pw;
  }
  isa.rows[v - 1][R - 1](xp, col, val, count, tile, b > 0);
}

thread_local SpmmArena t_work;
thread_local SpmmArena t_extra;

// Output rows handled together by one inner-loop call, and rows of a tile
// (48 rows of a 64-float panel row: 12 KB, so the tile and a K block's
// 32 KB of panel rows share L1).
constexpr int kRowGroup = 3;
constexpr int64_t kTileRows = 48;

// y [B, rs.count] (+)= x [B, rs.width] · Wᵀ, W given by rs.
void rows_product(const SpmmIsa& isa, const Rows& rs, int64_t batch, const float* x, float* y, bool accumulate) {
  if (batch <= 0 || rs.count <= 0) return;
  const int64_t P = isa.panel;
  const int64_t npan = panel_count(isa, batch);
  const int nt = threads_for(static_cast<double>(batch) * static_cast<double>(rs.nnz()));
  int64_t bounds[1025];
  split_by(rs.nm() ? nullptr : rs.ptr, rs.count, nt, bounds);
  int64_t most = 0, most_nnz = 0;
  for (int t = 0; t < nt; t++) {
    most = std::max(most, bounds[t + 1] - bounds[t]);
    most_nnz = std::max(most_nnz, rs.begin(bounds[t + 1]) - rs.begin(bounds[t]));
  }
  const int64_t kc = npan == 0 ? rs.width : block_width(rs, P);
  const int64_t nkb = (rs.width + kc - 1) / kc;
  // Columns by K block (or N:M decoded once for every panel to reuse), values by K block.
  const int64_t ccopy = npan > 0 && (nkb > 1 || rs.nm()) ? most_nnz : 0;
  const int64_t vcopy = npan > 0 && nkb > 1 && !rs.nm() ? most_nnz : 0;
  const int64_t tile = npan > 0 ? kTileRows * P : 0;
  const int64_t dec = rs.nm() ? rs.spr : 0;
  const int64_t ptrs = npan > 0 ? nkb * most + 1 : 0;
  t_work.reserve(npan * rs.width * P * 4 + nt * (ptrs * 8 + (ccopy + vcopy + tile + dec) * 4), 1 + 5 * nt);
  float* xp = t_work.take<float>(npan * rs.width * P);
  Share shares[1024];
  int32_t* cbufs[1024];
  float* vbufs[1024];
  for (int t = 0; t < nt; t++) {
    Share& sh = shares[t];
    sh.r0 = bounds[t];
    sh.r1 = bounds[t + 1];
    sh.ptr = t_work.take<int64_t>(ptrs);
    sh.tile = t_work.take<float>(tile);
    sh.dec = t_work.take<int32_t>(dec);
    cbufs[t] = t_work.take<int32_t>(ccopy);
    vbufs[t] = t_work.take<float>(vcopy);
  }
  if (npan == 0) {
    parallel_run(nt, [&](int t, int) {
      const int64_t r0 = shares[t].r0, r1 = shares[t].r1;
      if (rs.nm() && isa.nm_dot != nullptr && nm_dot_fits(rs.n, rs.m)) {
        isa.nm_dot(rs.pos + r0 * rs.row_bytes, rs.row_bytes, rs.bits, rs.n, rs.m, rs.val + r0 * rs.spr, rs.spr, r1 - r0, x,
                   rs.width, batch, y + r0, rs.count, accumulate);
        return;
      }
      for (int64_t r = r0; r < r1; r++) {
        const Span sp = row_span(isa, rs, r, shares[t].dec);
        isa.gather(batch, x, rs.width, sp.col, sp.val, sp.count, y + r, rs.count, accumulate);
      }
    });
    return;
  }
  pack_panels(isa, x, batch, rs.width, xp, false);
  parallel_run(nt, [&](int t, int) {
    Share& sh = shares[t];
    lay_out(isa, rs, kc, sh, cbufs[t], vbufs[t]);
    const int64_t n = sh.r1 - sh.r0;
    for (int64_t p = 0; p < npan; p++) {
      const int64_t nb = panel_rows(isa, batch, p);
      const int64_t pw = panel_width(isa, nb);
      const int v = static_cast<int>(pw / isa.lanes);
      const float* xpp = xp + p * rs.width * P;
      // A tile of kTileRows rows stays in L1 beside the current K block's panel rows.
      for (int64_t i0 = 0; i0 < n; i0 += kTileRows) {
        const int64_t i1 = std::min(n, i0 + kTileRows);
        for (int64_t b = 0; b < nkb; b++) {
          for (int64_t i = i0; i < i1; i += kRowGroup) {
            block_rows(isa, sh, b, xpp, v, pw, i, static_cast<int>(std::min<int64_t>(kRowGroup, i1 - i)), sh.tile - i0 * pw);
          }
        }
        isa.unpack(sh.tile, i1 - i0, nb, y + p * P * rs.count + sh.r0 + i0, rs.count, accumulate, pw);
      }
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
  const int64_t dec = rs.nm() ? rs.spr : 0;
  t_work.reserve(npan * (rs.width + rs.count) * P * 4 + nt * dec * 4, 2 + nt);
  float* xp = t_work.take<float>(npan * rs.width * P);
  float* dyp = t_work.take<float>(npan * rs.count * P);
  int32_t* decs[1024];
  for (int t = 0; t < nt; t++) decs[t] = t_work.take<int32_t>(dec);
  pack_panels(isa, x, batch, rs.width, xp, true);
  pack_panels(isa, dy, batch, rs.count, dyp, true);
  // K blocks whose columns of every panel fit in half of L2 (whole N:M
  // groups): a thread's rows then sweep X from L2 instead of streaming all of
  // it once per row.
  const int64_t unit = rs.nm() ? rs.m : 1;
  const int64_t kc = std::max<int64_t>(1, (kSddmmBlockBytes / 4) / std::max<int64_t>(1, npan * P) / unit) * unit;
  parallel_run(nt, [&](int t, int) {
    if (npan == 0) {
      for (int64_t r = bounds[t]; r < bounds[t + 1]; r++) {
        const Span sp = row_span(isa, rs, r, decs[t]);
        float* out = d_val + rs.begin(r);
        for (int64_t s = 0; s < sp.count; s++) {
          float acc = 0.0f;
          for (int64_t b = 0; b < batch; b++) acc += dy[b * rs.count + r] * x[b * rs.width + sp.col[s]];
          out[s] = accumulate ? out[s] + acc : acc;
        }
      }
      return;
    }
    for (int64_t k0 = 0; k0 < rs.width; k0 += kc) {
      for (int64_t r = bounds[t]; r < bounds[t + 1]; r++) {
        int64_t first = 0;
        const Span sp = block_span(isa, rs, r, k0, std::min(rs.width, k0 + kc), decs[t], &first);
        if (sp.count == 0) continue;
        float* out = d_val + rs.begin(r) + first;
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
             const float* x, const float* bias, float* y, bool accumulate) {
  if (nm_lanes_product(batch, rows, cols, n, m, values, positions, x, bias, y, accumulate)) return;
  if (nm_panel_product(batch, rows, cols, n, m, values, positions, x, bias, y, accumulate)) return;
  // The other paths add the product onto bias rows written first.
  if (bias != nullptr) {
    for (int64_t b = 0; b < batch; b++) {
      float* yb = y + b * rows;
      for (int64_t o = 0; o < rows; o++) yb[o] = accumulate ? yb[o] + bias[o] : bias[o];
    }
    accumulate = true;
  }
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
  if (csr_panel_product(batch, rows, cols, row_ptr, col_idx, values, x, y, accumulate)) return;
  rows_product(spmm_isa(), csr_rows(rows, cols, row_ptr, col_idx, values), batch, x, y, accumulate);
}

void csr_spmm_blocked(int64_t batch, int64_t rows, int64_t cols, const int32_t* row_ptr, const int32_t* col_idx,
                      const float* values, int64_t block_cols, const int32_t* order, const int32_t* count,
                      const int32_t* bcol, const float* bval, const float* x, float* y, bool accumulate) {
  if (csr_blocked_product(batch, rows, cols, block_cols, order, count, bcol, bval, x, y, accumulate)) return;
  csr_spmm(batch, rows, cols, row_ptr, col_idx, values, x, y, accumulate);
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
  // Wᵀ in CSR form: the forward's CSR kernels serve it.
  if (csr_panel_product(batch, cols, rows, t_ptr, t_row, tv, dy, dx, accumulate)) return;
  rows_product(spmm_isa(), csr_rows(cols, rows, t_ptr, t_row, tv), batch, dy, dx, accumulate);
}

}  // namespace sk
