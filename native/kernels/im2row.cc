// im2row / row2im through a channels-last copy of the images: x is first
// transposed to [B, H, W, C] (kh·kw·L/(H·W) times smaller than rows), so that
// every (output pixel, kernel position) is one contiguous run of C floats and
// rows are written front to back by memcpy. The alternative, im2col and then
// a transpose of its [K, L] matrix, walks a much larger array with strided
// reads, several times slower here.
#include "im2row.h"

#include <cstring>
#include <vector>

#include "permute.h"
#include "thread-pool.h"

namespace sk {
namespace {

// Floats per task below which waking a worker costs more than it saves.
constexpr int64_t kGrain = 1 << 15;

// A grow-only channels-last buffer. Kernels are called from JavaScript's main
// thread only (thread-pool.h); a fresh allocation per call would fault its
// megabytes in again every time.
float* nhwc_scratch(int64_t size) {
  static std::vector<float> buf;
  if (static_cast<int64_t>(buf.size()) < size) buf.resize(static_cast<size_t>(size));
  return buf.data();
}

int64_t grain_for(int64_t per_task) { return per_task >= kGrain ? 1 : kGrain / (per_task > 0 ? per_task : 1); }

}  // namespace

void im2row(const ConvGeometry& g, const float* x, float* rows) {
  const int64_t hw = g.h * g.w;
  const int64_t k = g.kh * g.kw * g.c;
  if (g.b * g.oh * g.ow * k == 0) return;
  float* xh = nhwc_scratch(g.b * hw * g.c);
  const int64_t shape[3] = {g.b, g.c, hw};
  const int64_t perm[3] = {0, 2, 1};
  permute(x, 3, shape, perm, xh);
  // one task per output row (image n, row y): OW·K floats written in order
  parallel_for(g.b * g.oh, grain_for(g.ow * k), [&](int64_t r0, int64_t r1, int) {
    for (int64_t r = r0; r < r1; r++) {
      const int64_t n = r / g.oh;
      const int64_t y = r % g.oh;
      const float* img = xh + n * hw * g.c;
      float* out = rows + r * g.ow * k;
      for (int64_t z = 0; z < g.ow; z++) {
        for (int64_t i = 0; i < g.kh; i++) {
          const int64_t iy = y * g.sh - g.ph + i;
          for (int64_t j = 0; j < g.kw; j++, out += g.c) {
            const int64_t ix = z * g.sw - g.pw + j;
            if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) {
              std::memset(out, 0, sizeof(float) * g.c);
            } else {
              std::memcpy(out, img + (iy * g.w + ix) * g.c, sizeof(float) * g.c);
            }
          }
        }
      }
    }
  });
}

void row2im(const ConvGeometry& g, const float* rows, float* x) {
  const int64_t hw = g.h * g.w;
  const int64_t k = g.kh * g.kw * g.c;
  const int64_t l = g.oh * g.ow;
  if (g.b * g.c * hw == 0) return;
  float* xh = nhwc_scratch(g.b * hw * g.c);
  // one task per image: its pixels gather from many rows, so images are the unit that never races
  parallel_for(g.b, grain_for(l * k), [&](int64_t n0, int64_t n1, int) {
    for (int64_t n = n0; n < n1; n++) {
      float* img = xh + n * hw * g.c;
      std::memset(img, 0, sizeof(float) * hw * g.c);
      const float* in = rows + n * l * k;
      for (int64_t y = 0; y < g.oh; y++) {
        for (int64_t z = 0; z < g.ow; z++) {
          for (int64_t i = 0; i < g.kh; i++) {
            const int64_t iy = y * g.sh - g.ph + i;
            for (int64_t j = 0; j < g.kw; j++, in += g.c) {
              const int64_t ix = z * g.sw - g.pw + j;
              if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
              float* px = img + (iy * g.w + ix) * g.c;
              for (int64_t ch = 0; ch < g.c; ch++) px[ch] += in[ch];
            }
          }
        }
      }
    }
  });
  const int64_t shape[3] = {g.b, hw, g.c};
  const int64_t perm[3] = {0, 2, 1};
  permute(xh, 3, shape, perm, x);
}

}  // namespace sk
