// Driver of the wide-panel path of the N:M forward (the kernel is in
// spmm-nm-panel.h): X is packed into panels of up to 128 (or 64) batch rows,
// [K][128]; threads take whole panels (or, where panels do not divide
// evenly, equal ranges of output rows) and, per panel, sweep a tile of rows
// over K blocks whose panel rows stay in L1, then transpose the tile into Y.
#include <algorithm>

#include "spmm-arena.h"
#include "spmm-drive.h"

namespace sk {
namespace {

// Batch rows of a panel: 8 vectors of 16, so that each weight's broadcast
// feeds 8 multiply-adds; but 4 at one weight in 8, where a K block of 128
// columns (twice as many weights per row and block) pays more than the wider
// broadcast (1:8, 3072×768 at batch 256, 1 thread: 1.76 ms against 1.86 ms; at
// 2:4, 5.0 against 5.8 ms the other way).
int64_t wide_panel(int n, int m) { return n * 8 <= m ? 64 : 128; }
// Output rows of a tile: 384 KB at 128 floats a row, in L2 beside the panel.
constexpr int64_t kWideTileRows = 768;

// Outputs above this size (L2) are written by non-temporal stores.
constexpr int64_t kStreamBytes = 2 << 20;

thread_local SpmmArena t_wide;

}  // namespace

bool nm_panel_product(int64_t batch, int64_t rows, int64_t cols, int n, int m, const float* values,
                      const uint8_t* positions, const float* x, const float* bias, float* y, bool accumulate) {
  const SpmmIsa& isa = spmm_isa();
  if (isa.nm_panel == nullptr || !nm_panel_fits(n, m) || batch <= kSpmmSkinnyBatch || rows <= 0 || cols <= 0) return false;
  const int bits = __builtin_ctz(static_cast<unsigned>(m));
  const int64_t spr = cols / m * n;
  const int64_t row_bytes = (spr * bits + 7) / 8;
  const int64_t wp = wide_panel(n, m);
  const int64_t npan = (batch + wp - 1) / wp;
  const int nt = static_cast<int>(std::min<int64_t>(threads_for(static_cast<double>(batch) * rows * spr), rows));
  const int64_t tile_rows = kWideTileRows;
  // Whole panels per thread when the full ones divide evenly, and what is
  // left is at most one vector's rows (always on one thread): each thread
  // packs its panel as it goes, so the panel is still in its L2
  // (768×3072 at batch 256: 3 MB of panels, more than L2; 1:8 on 2 threads
  // 1.31 → 0.90 ms; at batch 260, 4 full panels and 4 rows: 1.41 → 1.16
  // ms). Else threads share all panels, packed first, and split the rows.
  const int64_t full = batch / wp;
  const bool by_panel = nt == 1 || (full >= nt && full % nt == 0 && batch % wp <= 16);
  const int64_t shared = by_panel ? 0 : npan * cols * wp;
  const int64_t own = by_panel ? cols * wp : 0;
  t_wide.reserve((shared + nt * (own + tile_rows * wp)) * 4, 1 + 2 * nt);
  float* xp = t_wide.take<float>(shared);
  float* owns[1024];
  float* tiles[1024];
  for (int t = 0; t < nt; t++) {
    owns[t] = t_wide.take<float>(own);
    tiles[t] = t_wide.take<float>(tile_rows * wp);
  }
  // Each panel as narrow as its batch rows allow: 1, 2, 4 or 8 vectors.
  auto vecs = [&](int64_t p) {
    const int64_t nb = std::min(wp, batch - p * wp);
    return nb <= 16 ? 1 : nb <= 32 ? 2 : nb <= 64 ? 4 : 8;
  };
  if (!by_panel) {
    constexpr int64_t kChunk = 256;
    const int64_t chunks = (cols + kChunk - 1) / kChunk;
    parallel_for(npan * chunks, 1, [&](int64_t u0, int64_t u1, int) {
      for (int64_t u = u0; u < u1; u++) {
        const int64_t p = u / chunks, k0 = u % chunks * kChunk;
        const int64_t nb = std::min(wp, batch - p * wp);
        const int64_t pw = 16 * vecs(p);
        isa.pack(x + p * wp * cols + k0, cols, nb, std::min(kChunk, cols - k0), xp + p * cols * wp + k0 * pw, pw);
      }
    });
  }
  int64_t bounds[1025];
  split_by(nullptr, rows, by_panel ? 1 : nt, bounds);
  // Y larger than L2 goes around the caches.
  const bool stream = isa.unpack_stream != nullptr && batch * rows * 4 > kStreamBytes;
  parallel_run(nt, [&](int t, int) {
    const int64_t r0 = by_panel ? 0 : bounds[t], r1 = by_panel ? rows : bounds[t + 1];
    float* tile = tiles[t];
    for (int64_t p = by_panel ? t : 0; p < npan; p += by_panel ? nt : 1) {
      const int64_t nb = std::min(wp, batch - p * wp);
      const int v = vecs(p);
      const int64_t pw = 16 * v;
      const float* xpp = by_panel ? owns[t] : xp + p * cols * wp;
      // K blocks of whole 64-column chunks whose panel rows fit the L1 share.
      const int64_t kc = nm_panel_block_cols(v), spb = kc / m * n;
      for (int64_t i0 = r0; i0 < r1; i0 += tile_rows) {
        const int64_t nr = std::min(tile_rows, r1 - i0);
        for (int64_t s0 = 0; s0 < spr; s0 += spb) {
          // An own panel is packed a K block at a time, just before the first
          // tile reads it, so the block is still in L1 (768×3072, 1 thread, 1:8
          // 1.85 → 1.76 ms, 1:4 2.99 → 2.81 ms against packing it whole first).
          if (by_panel && i0 == r0) {
            const int64_t k0 = s0 / n * m;
            isa.pack(x + p * wp * cols + k0, cols, nb, std::min(kc, cols - k0), owns[t] + k0 * pw, pw);
          }
          isa.nm_panel(n, m, v, xpp, positions + i0 * row_bytes, positions + rows * row_bytes, row_bytes,
                       values + i0 * spr, spr, nr, s0, std::min(spr, s0 + spb), bias == nullptr ? nullptr : bias + i0,
                       tile, s0 > 0);
        }
        (stream ? isa.unpack_stream : isa.unpack)(tile, nr, nb, y + p * wp * rows + i0, rows, accumulate, pw);
      }
    }
  });
  return true;
}

}  // namespace sk
