// Driver of the lane path of the N:M forward (the kernels and the layout are
// in spmm-nm-lanes.h): threads take ranges of 16-row blocks, lay out their
// blocks once per call, then sweep them in groups that stay in L2 while
// every batch tile passes over the group.
#include <algorithm>

#include "spmm-arena.h"
#include "spmm-drive.h"

namespace sk {
namespace {

// The lane path takes patterns of at most one kept weight in 8 that the
// wide-panel path does not (1:16, 1:32, 3:32, ...). At 1:8 and 2:16 the
// wide-panel path wins at every batch from 8 to 1024 (1:8, 3072×768, 1
// thread: 0.14 against 0.27 ms at batch 8, 1.76 against 2.17 at 256); at 1:16
// and 1:32 it loses at large batches (1024: 5.1 against 4.6 ms, 4.0 against 3.2).
constexpr int kLanesMaxDensity = 8;
// Layout bytes of the row blocks one batch tile sweeps before moving on (L2-resident).
constexpr int64_t kLanesGroupBytes = 1 << 20;

thread_local SpmmArena t_lanes;

bool lanes_pay(int n, int m, int64_t batch) {
  return batch > kSpmmSkinnyBatch && !nm_panel_fits(n, m) && static_cast<int64_t>(n) * kLanesMaxDensity <= m;
}

}  // namespace

bool nm_lanes_product(int64_t batch, int64_t rows, int64_t cols, int n, int m, const float* values,
                      const uint8_t* positions, const float* x, const float* bias, float* y, bool accumulate) {
  const SpmmIsa& isa = spmm_isa();
  if (isa.nm_lanes == nullptr || !nm_lanes_fits(m) || !lanes_pay(n, m, batch)) return false;
  const int bits = __builtin_ctz(static_cast<unsigned>(m));
  const int64_t spr = cols / m * n;
  const int64_t row_bytes = (spr * bits + 7) / 8;
  const int64_t nblk = (rows + 15) / 16;
  const int nt = static_cast<int>(std::min<int64_t>(threads_for(static_cast<double>(batch) * rows * spr), nblk));
  int64_t bounds[1025];
  split_by(nullptr, nblk, nt, bounds);
  int64_t most = 0;
  for (int t = 0; t < nt; t++) most = std::max(most, bounds[t + 1] - bounds[t]);
  const int64_t block_floats = spr * 32;
  t_lanes.reserve(spr * 4 + nt * most * block_floats * 4, 1 + nt);
  int32_t* base = t_lanes.take<int32_t>(spr);
  for (int64_t s = 0; s < spr; s++) base[s] = static_cast<int32_t>(s / n * m);
  float* lays[1024];
  for (int t = 0; t < nt; t++) {
    lays[t] = t_lanes.take<float>(most * block_floats);
  }
  const int64_t group = std::max<int64_t>(2, kLanesGroupBytes / (block_floats * 4));
  parallel_run(nt, [&](int t, int) {
    const int64_t q0 = bounds[t], q1 = bounds[t + 1];
    for (int64_t q = q0; q < q1; q++) {
      const int64_t r0 = q * 16;
      isa.nm_lanes_layout(positions + r0 * row_bytes, row_bytes, bits, base, m, values + r0 * spr, spr,
                          std::min<int64_t>(16, rows - r0), lays[t] + (q - q0) * block_floats);
    }
    for (int64_t g = q0; g < q1; g += group) {
      const int64_t nb = std::min(group, q1 - g);
      isa.nm_lanes(x, cols, cols, batch, n, m, lays[t] + (g - q0) * block_floats, nb, rows - g * 16,
                   bias == nullptr ? nullptr : bias + g * 16, y + g * 16, rows, accumulate);
    }
  });
  return true;
}

}  // namespace sk
