// Drivers of the block-sparse (BSR) products. The forward and the
// transposed product are one block product: the transposed one walks W's
// block columns and reads each block transposed (swapped strides).
#include <algorithm>

#include "spmm-arena.h"
#include "spmm-drive.h"

namespace sk {
namespace {

// A block-sparse matrix as a product reads it: `brows` block rows of bh
// output rows; block t of block row br (t in [ptr[br], ptr[br+1])) covers
// input columns bcol[t]·bw .. + bw; its weight (r, j) is
// val[index·bstride + r·rstride + j·cstride], index = blk ? blk[t] : t.
struct Blocks {
  int64_t brows, bh, bw, width;
  const int32_t* ptr;
  const int32_t* bcol;
  const int32_t* blk;
  const float* val;
  int64_t bstride, rstride, cstride;

  int64_t out_rows() const { return brows * bh; }
  double weights() const { return static_cast<double>(ptr[brows]) * static_cast<double>(bh * bw); }
  const float* block(int64_t t) const { return val + (blk != nullptr ? blk[t] : t) * bstride; }
};

thread_local SpmmArena t_work;

// y [B, out_rows] (+)= x [B, width] · Wᵀ over the stored blocks.
void blocks_product(const SpmmIsa& isa, const Blocks& bs, int64_t batch, const float* x, float* y, bool accumulate) {
  if (batch <= 0 || bs.brows <= 0) return;
  const int64_t P = isa.panel;
  const int64_t npan = panel_count(isa, batch);
  const int64_t rows = bs.out_rows();
  const int nt = threads_for(static_cast<double>(batch) * bs.weights());
  int64_t bounds[1025];
  split_by(bs.ptr, bs.brows, nt, bounds);
  int64_t most = 0;
  for (int t = 0; t < nt; t++) most = std::max(most, (bounds[t + 1] - bounds[t]) * bs.bh);
  t_work.reserve(npan * bs.width * P * 4 + nt * most * P * 4, 1 + nt);
  float* xp = t_work.take<float>(npan * bs.width * P);
  float* tiles[1024];
  for (int t = 0; t < nt; t++) tiles[t] = t_work.take<float>(npan == 0 ? 0 : most * P);
  if (npan == 0) {
    parallel_run(nt, [&](int t, int) {
      for (int64_t br = bounds[t]; br < bounds[t + 1]; br++) {
        for (int64_t i = 0; i < bs.bh; i++) {
          for (int64_t b = 0; b < batch; b++) {
            float acc = 0.0f;
            for (int64_t t2 = bs.ptr[br]; t2 < bs.ptr[br + 1]; t2++) {
              const float* w = bs.block(t2) + i * bs.rstride;
              const float* xb = x + b * bs.width + static_cast<int64_t>(bs.bcol[t2]) * bs.bw;
              for (int64_t j = 0; j < bs.bw; j++) acc += w[j * bs.cstride] * xb[j];
            }
            float& out = y[b * rows + br * bs.bh + i];
            out = accumulate ? out + acc : acc;
          }
        }
      }
    });
    return;
  }
  pack_panels(isa, x, batch, bs.width, xp, false);
  parallel_run(nt, [&](int t, int) {
    const int64_t br0 = bounds[t], br1 = bounds[t + 1];
    for (int64_t p = 0; p < npan; p++) {
      const int64_t nb = panel_rows(isa, batch, p);
      const int64_t pw = panel_width(isa, nb);
      const int v = static_cast<int>(pw / isa.lanes);
      const float* xpp = xp + p * bs.width * P;
      for (int64_t br = br0; br < br1; br++) {
        const int64_t t0 = bs.ptr[br];
        const int64_t count = bs.ptr[br + 1] - t0;
        for (int64_t i = 0; i < bs.bh; i += kSpmmMaxRows) {
          const int R = static_cast<int>(std::min<int64_t>(kSpmmMaxRows, bs.bh - i));
          float* tile[kSpmmMaxRows];
          for (int r = 0; r < R; r++) tile[r] = tiles[t] + ((br - br0) * bs.bh + i + r) * pw;
          isa.blocks[v - 1][R - 1](xpp, bs.bcol + t0, bs.blk != nullptr ? bs.blk + t0 : nullptr, t0, count,
                                   static_cast<int>(bs.bw), bs.val + i * bs.rstride, bs.bstride, bs.rstride, bs.cstride,
                                   tile, false);
        }
      }
      isa.unpack(tiles[t], (br1 - br0) * bs.bh, nb, y + p * P * rows + br0 * bs.bh, rows, accumulate, pw);
    }
  });
}

}  // namespace

void bsr_spmm(int64_t batch, int64_t rows, int64_t cols, int bh, int bw, const int32_t* row_ptr, const int32_t* col_idx,
              const float* values, const float* x, float* y, bool accumulate) {
  const Blocks bs{rows / bh, bh, bw, cols, row_ptr, col_idx, nullptr, values, int64_t{bh} * bw, bw, 1};
  blocks_product(spmm_isa(), bs, batch, x, y, accumulate);
}

void bsr_spmm_transposed(int64_t batch, int64_t rows, int64_t cols, int bh, int bw, const int32_t* t_ptr,
                         const int32_t* t_row, const int32_t* t_perm, const float* values, const float* dy, float* dx,
                         bool accumulate) {
  // Wᵀ: block rows are W's block columns, blocks bw × bh, each read transposed.
  const Blocks bs{cols / bw, bw, bh, rows, t_ptr, t_row, t_perm, values, int64_t{bh} * bw, 1, bw};
  blocks_product(spmm_isa(), bs, batch, dy, dx, accumulate);
}

void bsr_sddmm(int64_t batch, int64_t rows, int64_t cols, int bh, int bw, const int32_t* row_ptr, const int32_t* col_idx,
               const float* x, const float* dy, float* d_values, bool accumulate) {
  const SpmmIsa& isa = spmm_isa();
  const int64_t brows = rows / bh;
  if (batch <= 0 || brows <= 0) return;
  const int64_t P = isa.panel;
  const int64_t npan = panel_count(isa, batch);
  const double work = static_cast<double>(batch) * static_cast<double>(row_ptr[brows]) * bh * bw;
  const int nt = threads_for(work);
  int64_t bounds[1025];
  split_by(row_ptr, brows, nt, bounds);
  int64_t widest = 0;
  for (int64_t br = 0; br < brows; br++) widest = std::max<int64_t>(widest, row_ptr[br + 1] - row_ptr[br]);
  const int64_t scratch = (widest * bw + 15) / 16 * 16;
  t_work.reserve(npan * (cols + rows) * P * 4 + nt * scratch * 8, 2 + 2 * nt);
  float* xp = t_work.take<float>(npan * cols * P);
  float* dyp = t_work.take<float>(npan * rows * P);
  int32_t* col_bufs[1024];
  float* out_bufs[1024];
  for (int t = 0; t < nt; t++) {
    col_bufs[t] = t_work.take<int32_t>(scratch);
    out_bufs[t] = t_work.take<float>(scratch);
  }
  if (npan > 0) {
    pack_panels(isa, x, batch, cols, xp, true);
    pack_panels(isa, dy, batch, rows, dyp, true);
  }
  parallel_run(nt, [&](int t, int) {
    int32_t* cl = col_bufs[t];
    float* out = out_bufs[t];
    for (int64_t br = bounds[t]; br < bounds[t + 1]; br++) {
      const int64_t t0 = row_ptr[br], t1 = row_ptr[br + 1];
      const int64_t count = (t1 - t0) * bw;
      for (int64_t u = 0; u < count; u++) cl[u] = col_idx[t0 + u / bw] * bw + static_cast<int32_t>(u % bw);
      for (int64_t i = 0; i < bh; i++) {
        const int64_t o = br * bh + i;
        if (npan == 0) {
          for (int64_t u = 0; u < count; u++) {
            float acc = 0.0f;
            for (int64_t b = 0; b < batch; b++) acc += dy[b * rows + o] * x[b * cols + cl[u]];
            out[u] = acc;
          }
        } else {
          for (int64_t p0 = 0; p0 < npan; p0 += kSpmmMaxPanels) {
            const int np = static_cast<int>(std::min<int64_t>(kSpmmMaxPanels, npan - p0));
            const float* xps[kSpmmMaxPanels];
            const float* dys[kSpmmMaxPanels];
            for (int q = 0; q < np; q++) {
              xps[q] = xp + (p0 + q) * cols * P;
              dys[q] = dyp + (p0 + q) * rows * P + o * P;
            }
            isa.sddmm[np - 1](xps, dys, cl, count, out, p0 > 0);
          }
        }
        for (int64_t u = 0; u < count; u++) {
          float& d = d_values[((t0 + u / bw) * bh + i) * bw + u % bw];
          d = accumulate ? d + out[u] : out[u];
        }
      }
    }
  });
}

}  // namespace sk
