// Driver of the CSR panel path (see spmm-csr.h), and the portable table of
// its kernels (spmm-csr-impl.h).
#include <algorithm>
#include <climits>
#include <cstdint>
#include <vector>

#include "cpu.h"
#include "spmm-arena.h"
#include "spmm-csr-impl.h"
#include "spmm-drive.h"

namespace sk {

const CsrIsa& csr_isa_portable() {
  static const CsrIsa isa = make_csr_isa();
  return isa;
}

namespace {

const CsrIsa& csr_isa() {
  switch (active_isa()) {
    case Isa::Avx512: return csr_isa_avx512();
    case Isa::Avx2: return csr_isa_avx2();
    default: return csr_isa_portable();
  }
}

// Output rows computed into a tile and then written to Y together (16 KB
// at P = 64 floats: the tile stays in L1 until it is transposed out).
constexpr int64_t kChunkRows = 64;
// A thread's share of X and Y together above which Y is streamed past the
// caches: half of L2 (the panel and the weights hold the rest), past which
// Y's lines would leave L2 before the call ends anyway, so reading them in
// first is wasted (768×3072 at batch 256, 99 %: 15 % faster streamed).
constexpr int64_t kStreamBytes = 1 << 20;
// Panel rows of one K block (128 columns at P = 64): with the 16 KB tile,
// L1's 48 KB.
constexpr int64_t kCsrBlockBytes = 32 << 10;
// K blocks pay when a row holds at least this many weights in one: each
// row pays a tile load and store and a mispredicted loop exit per block,
// against panel rows from L2 (the kernels alone, 3072×768 and 768×3072 at
// batch 256: 15–30 % faster at 50 and 75 % sparsity, 64 and 32 weights per
// block; even to 40 % slower at 85 %, 19 per block).
constexpr double kCsrMinBlockWeights = 20;

// Columns per K block for panels P floats wide: all of K unless blocks pay.
int64_t csr_block_width(int64_t rows, int64_t cols, int64_t nnz, int64_t P) {
  const int64_t kc = kCsrBlockBytes / (P * 4);
  if (kc >= cols) return cols;
  const double per_block = static_cast<double>(nnz) / static_cast<double>(rows) * static_cast<double>(kc) / static_cast<double>(cols);
  return per_block < kCsrMinBlockWeights ? cols : kc;
}

thread_local SpmmArena t_csr;
// Run offsets of the blocked path's K blocks, apart from t_csr: their total
// decides the thread count, which sizes the arena.
thread_local std::vector<int64_t> t_first;

}  // namespace

bool csr_panel_product(int64_t batch, int64_t rows, int64_t cols, const int32_t* row_ptr, const int32_t* col_idx,
                       const float* values, const float* x, float* y, bool accumulate) {
  if (batch <= kSpmmSkinnyBatch || rows <= 0) return false;
  const SpmmIsa& isa = spmm_isa();
  const CsrIsa& ci = csr_isa();
  const int64_t P = isa.panel, lanes = isa.lanes;
  const int64_t npan = panel_count(isa, batch);
  const int nt = threads_for(static_cast<double>(batch) * static_cast<double>(row_ptr[rows]));
  // Whole panels per thread when they divide evenly, else ranges of rows over shared panels.
  const bool by_panel = npan % nt == 0 && (nt == 1 || batch % P == 0);
  int64_t bounds[1025];
  split_by(row_ptr, rows, by_panel ? 1 : nt, bounds);
  const int64_t panel_floats = cols * P;
  const int64_t shared = by_panel ? 0 : npan * panel_floats;
  const int64_t own = by_panel ? panel_floats : 0;
  const int64_t kc = csr_block_width(rows, cols, row_ptr[rows], P);
  const int64_t nkb = (cols + kc - 1) / kc;
  t_csr.reserve((shared + nt * (own + kChunkRows * P + kChunkRows)) * 4, 1 + 3 * nt);
  float* xp = t_csr.take<float>(shared);
  float* owns[1024];
  float* tiles[1024];
  int32_t* curs[1024];
  for (int t = 0; t < nt; t++) {
    owns[t] = t_csr.take<float>(own);
    tiles[t] = t_csr.take<float>(kChunkRows * P);
    curs[t] = t_csr.take<int32_t>(kChunkRows);
  }
  const uintptr_t ya = reinterpret_cast<uintptr_t>(y);
  const bool streaming = !accumulate && rows % lanes == 0 && ya % 4 == 0 &&
                         static_cast<double>(batch) * static_cast<double>(rows + cols) * 4 / nt > kStreamBytes;
  // Y's columns o with (yoff + o) % lanes == 0 start vector-aligned in every row.
  const int64_t yoff = static_cast<int64_t>(ya / 4 % static_cast<uintptr_t>(lanes));
  if (!by_panel) pack_panels(isa, x, batch, cols, xp, false);
  parallel_run(nt, [&](int t, int) {
    const int64_t r0 = by_panel ? 0 : bounds[t], r1 = by_panel ? rows : bounds[t + 1];
    float* tile = tiles[t];
    int32_t* cur = curs[t];
    for (int64_t p = by_panel ? t : 0; p < npan; p += by_panel ? nt : 1) {
      const int64_t nb = panel_rows(isa, batch, p);
      const int64_t pw = panel_width(isa, nb);
      const int v = static_cast<int>(pw / lanes);
      const float* xpp = xp + p * panel_floats;
      if (by_panel) {
        isa.pack(x + p * P * cols, cols, nb, cols, owns[t], pw);
        xpp = owns[t];
      }
      float* yp = y + p * P * rows;
      for (int64_t c0 = r0; c0 < r1;) {
        const int64_t skew = (yoff + c0) % lanes;
        const bool aligned = streaming && skew == 0;
        // Unaligned, a short chunk first brings the next one to an aligned column.
        const int64_t c1 = std::min(r1, c0 + (streaming && !aligned ? lanes - skew : kChunkRows));
        // Each row's cursor walks its weights block by block; the last block takes the rest.
        std::copy(row_ptr + c0, row_ptr + c1, cur);
        for (int64_t b = 0; b < nkb; b++) {
          const int32_t bend = b + 1 < nkb ? static_cast<int32_t>((b + 1) * kc) : INT32_MAX;
          ci.rows[v - 1](xpp, cur, row_ptr + c0 + 1, bend, col_idx, values, c1 - c0, tile, b > 0);
        }
        if (aligned) {
          ci.unpack_stream(tile, c1 - c0, nb, yp + c0, rows, pw);
        } else {
          isa.unpack(tile, c1 - c0, nb, yp + c0, rows, accumulate, pw);
        }
        c0 = c1;
      }
    }
  });
  return true;
}

}  // namespace sk

namespace sk {

// K blocks of block_cols columns, each a pass over every row in the order the
// blocked layout gives (src/formats/csr-blocks.ts): rows of equal counts come
// together, so the inner loop's exit is predicted, which the cursor walk of
// csr_panel_product is not (its K blocks lost up to 40 % at 85 % for that),
// and the runs lie in the order they are read. Each thread owns whole panels
// and a tile of every row (in L2), transposed into Y once all blocks are
// done. 3072×768 at batch 256, 1 thread: 75 % 4.98 → 3.84 ms, 90 % 2.27 →
// 1.78, 95 % 1.28 → 1.17.
bool csr_blocked_product(int64_t batch, int64_t rows, int64_t cols, int64_t block_cols, const int32_t* order,
                         const int32_t* count, const int32_t* bcol, const float* bval, const float* x, float* y,
                         bool accumulate) {
  if (batch <= kSpmmSkinnyBatch || rows <= 0) return false;
  const SpmmIsa& isa = spmm_isa();
  const CsrIsa& ci = csr_isa();
  const int64_t P = isa.panel, lanes = isa.lanes;
  const int64_t npan = panel_count(isa, batch);
  const int64_t nkb = (cols + block_cols - 1) / block_cols;
  // Where each block's runs begin; the last entry counts them all.
  t_first.resize(static_cast<size_t>(nkb + 1));
  int64_t* first = t_first.data();
  first[0] = 0;
  for (int64_t b = 0; b < nkb; b++) {
    first[b + 1] = first[b];
    for (int64_t i = 0; i < rows; i++) first[b + 1] += count[b * rows + i];
  }
  const int nt = threads_for(static_cast<double>(batch) * static_cast<double>(first[nkb]));
  // Whole panels per thread: the full ones divide evenly, and what is left
  // is at most one vector's rows (batch 260 on 2 threads: 2 panels each, the
  // 4 rows left to the first).
  const int64_t full = batch / P;
  if (nt > 1 && (full < nt || full % nt != 0 || batch % P > lanes)) return false;
  t_csr.reserve(nt * (cols + rows) * P * 4, 2 * nt);
  float* owns[1024];
  float* tiles[1024];
  for (int t = 0; t < nt; t++) {
    owns[t] = t_csr.take<float>(cols * P);
    tiles[t] = t_csr.take<float>(rows * P);
  }
  // Y larger than L2 goes around the caches.
  const auto unpack = isa.unpack_stream != nullptr && batch * rows * 4 / nt > kStreamBytes ? isa.unpack_stream : isa.unpack;
  parallel_run(nt, [&](int t, int) {
    for (int64_t p = t; p < npan; p += nt) {
      const int64_t nb = panel_rows(isa, batch, p);
      const int64_t pw = panel_width(isa, nb);
      const int v = static_cast<int>(pw / lanes);
      isa.pack(x + p * P * cols, cols, nb, cols, owns[t], pw);
      for (int64_t b = 0; b < nkb; b++) {
        ci.sorted[v - 1](owns[t], order + b * rows, count + b * rows, bcol + first[b], bval + first[b], rows, tiles[t], b > 0);
      }
      unpack(tiles[t], rows, nb, y + p * P * rows, rows, accumulate, pw);
    }
  });
  return true;
}

}  // namespace sk
