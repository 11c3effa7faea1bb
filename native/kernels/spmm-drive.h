// What the sparse drivers (spmm-rows.cc, spmm-bsr.cc) share: thread counts,
// splitting rows by stored weights, and packing the panels.
#pragma once

#include <algorithm>
#include <cstdint>

#include "spmm-isa.h"
#include "spmm.h"
#include "thread-pool.h"

namespace sk {
namespace {

// Below this many multiply-adds one thread runs alone.
constexpr double kMinParallelWork = 1 << 17;
// L1 share of one K block of a panel.
constexpr int64_t kBlockBytes = 32 << 10;

inline int threads_for(double work) { return work < kMinParallelWork ? 1 : get_threads(); }

// Boundaries over `count` rows giving nt threads about equal shares of
// ptr[count] stored weights (ptr null: equal shares of rows).
inline void split_by(const int32_t* ptr, int64_t count, int nt, int64_t* bounds) {
  bounds[0] = 0;
  for (int t = 1; t < nt; t++) {
    if (ptr == nullptr) {
      bounds[t] = count * t / nt;
    } else {
      const int64_t target = static_cast<int64_t>(ptr[count]) * t / nt;
      const int64_t b = std::upper_bound(ptr, ptr + count + 1, static_cast<int32_t>(target)) - ptr - 1;
      bounds[t] = std::max(b, bounds[t - 1]);
    }
  }
  bounds[nt] = count;
}

// Panels to pack for `batch` rows (0 below the skinny limit: the gather path).
inline int64_t panel_count(const SpmmIsa& isa, int64_t batch) {
  return batch <= kSpmmSkinnyBatch ? 0 : (batch + isa.panel - 1) / isa.panel;
}

// Batch rows of panel p and its row width (a multiple of the vector lanes).
inline int64_t panel_rows(const SpmmIsa& isa, int64_t batch, int64_t p) { return std::min<int64_t>(isa.panel, batch - p * isa.panel); }
inline int64_t panel_width(const SpmmIsa& isa, int64_t nb) { return (nb + isa.lanes - 1) / isa.lanes * isa.lanes; }

// x [batch, width] -> npan panels of [width][pw] at xp + p·width·P; `full`
// keeps every panel P wide (the sddmm kernels reduce over whole panels).
inline void pack_panels(const SpmmIsa& isa, const float* x, int64_t batch, int64_t width, float* xp, bool full) {
  const int64_t P = isa.panel;
  const int64_t npan = panel_count(isa, batch);
  constexpr int64_t kChunk = 256;
  const int64_t chunks = (width + kChunk - 1) / kChunk;
  parallel_for(npan * chunks, 1, [&](int64_t u0, int64_t u1, int) {
    for (int64_t u = u0; u < u1; u++) {
      const int64_t p = u / chunks, k0 = u % chunks * kChunk;
      const int64_t nb = panel_rows(isa, batch, p);
      const int64_t pw = full ? P : panel_width(isa, nb);
      isa.pack(x + p * P * width + k0, width, nb, std::min(kChunk, width - k0), xp + p * width * P + k0 * pw, pw);
    }
  });
}

}  // namespace
}  // namespace sk

namespace sk {

// The lane path of nm_spmm (spmm-nm-lanes.cc). Returns false, having done
// nothing, where the active ISA lacks it or the panel path is expected to win.
bool nm_lanes_product(int64_t batch, int64_t rows, int64_t cols, int n, int m, const float* values,
                      const uint8_t* positions, const float* x, const float* bias, float* y, bool accumulate);
// The wide-panel path of nm_spmm (spmm-nm-panel.cc), on the same terms.
bool nm_panel_product(int64_t batch, int64_t rows, int64_t cols, int n, int m, const float* values,
                      const uint8_t* positions, const float* x, const float* bias, float* y, bool accumulate);

}  // namespace sk
