// Driver of the N:M forward on the row-block layout (the kernel is in
// spmm-nm-blocks.h): x's rows are copied with a zero margin (the last
// windows read up to 32 floats past K), then threads take equal ranges of
// row blocks, four batch rows at a time.
#include <algorithm>
#include <cstring>

#include "spmm-arena.h"
#include "spmm-drive.h"

namespace sk {
namespace {

// Floats of zeros after each copied row of x: the widest window.
constexpr int64_t kBlocksMargin = 32;
// Batch rows one kernel call takes.
constexpr int64_t kBlocksBatch = 4;

thread_local SpmmArena t_blocks;

}  // namespace

void nm_spmm_blocks(int64_t batch, int64_t rows, int64_t cols, int n, int m, const float* lay, const float* x,
                    const float* bias, float* y, bool accumulate) {
  if (batch <= 0 || rows <= 0) return;
  const SpmmIsa& isa = spmm_isa();
  const int64_t groups = cols / m, spr = groups * n;
  const int64_t quads = (spr + 3) / 4, nblk = (rows + 15) / 16;
  const int64_t ldx = cols + kBlocksMargin;
  t_blocks.reserve((quads * 4 + batch * ldx) * 4, 2);
  // Padding slots (past spr, zero values) read the last group's window.
  int32_t* off = t_blocks.take<int32_t>(quads * 4);
  for (int64_t s = 0; s < quads * 4; s++) off[s] = static_cast<int32_t>(std::min<int64_t>(s / n, groups - 1) * m);
  float* xc = t_blocks.take<float>(batch * ldx);
  for (int64_t b = 0; b < batch; b++) {
    std::memcpy(xc + b * ldx, x + b * cols, static_cast<size_t>(cols) * 4);
    std::memset(xc + b * ldx + cols, 0, kBlocksMargin * 4);
  }
  const int nt = static_cast<int>(std::min<int64_t>(threads_for(static_cast<double>(batch) * rows * spr), nblk));
  const int w = m <= 16 ? 16 : 32;
  parallel_run(nt, [&](int t, int count) {
    const int64_t q0 = nblk * t / count, q1 = nblk * (t + 1) / count;
    for (int64_t b0 = 0; b0 < batch; b0 += kBlocksBatch) {
      const int64_t nb = std::min(kBlocksBatch, batch - b0);
      const float* xs[kBlocksBatch];
      for (int64_t b = 0; b < nb; b++) xs[b] = xc + (b0 + b) * ldx;
      isa.nm_blocks(w, lay, quads, off, xs, nb, q0, q1, rows, bias, y + b0 * rows, rows, accumulate);
    }
  });
}

}  // namespace sk
