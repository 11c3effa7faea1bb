// im2col / col2im: one (image, channel) plane per task. Within a row of the
// output the valid columns form one range, so the padding is written as two
// zero runs around a copy (contiguous when the stride is 1).
#include "im2col.h"

#include <cstring>

#include "thread-pool.h"

namespace sk {
namespace {

// Plane-rows of col (kh·kw·OH·OW elements each) per thread below which
// waking a worker costs more than it saves.
constexpr int64_t kGrain = 1 << 15;

// ⌈a / b⌉ for b > 0 and any sign of a.
int64_t ceil_div(int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

int64_t clamp(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

// Output columns z whose input column z·sw − pw + j lies in [0, w).
void valid_columns(const ConvGeometry& g, int64_t j, int64_t* z0, int64_t* z1) {
  *z0 = clamp(ceil_div(g.pw - j, g.sw), 0, g.ow);
  *z1 = clamp(ceil_div(g.w + g.pw - j, g.sw), *z0, g.ow);
}

template <class F>
void for_planes(const ConvGeometry& g, F f) {
  const int64_t planes = g.b * g.c;
  const int64_t per_plane = g.kh * g.kw * g.oh * g.ow;
  const int64_t grain = per_plane >= kGrain ? 1 : kGrain / (per_plane > 0 ? per_plane : 1);
  parallel_for(planes, grain, [&](int64_t p0, int64_t p1, int) {
    for (int64_t p = p0; p < p1; p++) f(p);
  });
}

}  // namespace

void im2col(const ConvGeometry& g, const float* x, float* col) {
  const int64_t l = g.oh * g.ow;
  for_planes(g, [&](int64_t plane) {
    const float* xp = x + plane * g.h * g.w;
    float* cp = col + plane * g.kh * g.kw * l;
    for (int64_t i = 0; i < g.kh; i++) {
      for (int64_t j = 0; j < g.kw; j++) {
        float* row = cp + (i * g.kw + j) * l;
        int64_t z0, z1;
        valid_columns(g, j, &z0, &z1);
        for (int64_t y = 0; y < g.oh; y++) {
          float* out = row + y * g.ow;
          const int64_t iy = y * g.sh - g.ph + i;
          if (iy < 0 || iy >= g.h || z0 == z1) {
            std::memset(out, 0, sizeof(float) * g.ow);
            continue;
          }
          std::memset(out, 0, sizeof(float) * z0);
          const float* in = xp + iy * g.w + (z0 * g.sw - g.pw + j);
          if (g.sw == 1) {
            std::memcpy(out + z0, in, sizeof(float) * (z1 - z0));
          } else {
            for (int64_t z = z0; z < z1; z++) out[z] = in[(z - z0) * g.sw];
          }
          std::memset(out + z1, 0, sizeof(float) * (g.ow - z1));
        }
      }
    }
  });
}

void col2im(const ConvGeometry& g, const float* col, float* x) {
  const int64_t l = g.oh * g.ow;
  for_planes(g, [&](int64_t plane) {
    float* xp = x + plane * g.h * g.w;
    const float* cp = col + plane * g.kh * g.kw * l;
    std::memset(xp, 0, sizeof(float) * g.h * g.w);
    for (int64_t i = 0; i < g.kh; i++) {
      for (int64_t j = 0; j < g.kw; j++) {
        const float* row = cp + (i * g.kw + j) * l;
        int64_t z0, z1;
        valid_columns(g, j, &z0, &z1);
        for (int64_t y = 0; y < g.oh; y++) {
          const int64_t iy = y * g.sh - g.ph + i;
          if (iy < 0 || iy >= g.h || z0 == z1) continue;
          const float* in = row + y * g.ow;
          float* out = xp + iy * g.w + (z0 * g.sw - g.pw + j);
          for (int64_t z = z0; z < z1; z++) out[(z - z0) * g.sw] += in[z];
        }
      }
    }
  });
}

}  // namespace sk
