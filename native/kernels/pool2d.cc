// Pooling, one plane per task, in the reference's loop order (so sums and
// the gradients' float additions round exactly as the reference's do).
#include "pool2d.h"

#include <math.h>

#include <cstring>

#include "thread-pool.h"

namespace sk {
namespace {

constexpr int64_t kGrain = 1 << 14;

template <class F>
void for_planes(const PoolGeometry& g, int64_t work_per_plane, F f) {
  const int64_t grain = work_per_plane >= kGrain ? 1 : kGrain / (work_per_plane > 0 ? work_per_plane : 1);
  parallel_for(g.planes, grain, [&](int64_t p0, int64_t p1, int) {
    for (int64_t p = p0; p < p1; p++) f(p);
  });
}

// The in-bounds part [i0, i1) × [j0, j1) of output (oy, ox)'s window.
struct Window {
  int64_t i0, i1, j0, j1;
};

Window window(const PoolGeometry& g, int64_t oy, int64_t ox) {
  const int64_t y0 = oy * g.sh - g.ph;
  const int64_t x0 = ox * g.sw - g.pw;
  Window win;
  win.i0 = y0 < 0 ? -y0 : 0;
  win.i1 = y0 + g.kh > g.h ? g.h - y0 : g.kh;
  win.j0 = x0 < 0 ? -x0 : 0;
  win.j1 = x0 + g.kw > g.w ? g.w - x0 : g.kw;
  if (win.i1 < win.i0) win.i1 = win.i0;
  if (win.j1 < win.j0) win.j1 = win.j0;
  return win;
}

}  // namespace

void max_pool2d_forward(const PoolGeometry& g, const float* x, float* y, int32_t* argmax) {
  for_planes(g, g.oh * g.ow * g.kh * g.kw, [&](int64_t p) {
    const float* xp = x + p * g.h * g.w;
    for (int64_t oy = 0; oy < g.oh; oy++) {
      for (int64_t ox = 0; ox < g.ow; ox++) {
        const Window win = window(g, oy, ox);
        float best = -INFINITY;
        int64_t at = -1;
        for (int64_t i = win.i0; i < win.i1; i++) {
          const int64_t iy = oy * g.sh - g.ph + i;
          for (int64_t j = win.j0; j < win.j1; j++) {
            const int64_t ix = ox * g.sw - g.pw + j;
            const float v = xp[iy * g.w + ix];
            if (at < 0 || v > best || (v != v && best == best)) {
              best = v;
              at = iy * g.w + ix;
            }
          }
        }
        const int64_t o = (p * g.oh + oy) * g.ow + ox;
        y[o] = best;
        argmax[o] = static_cast<int32_t>(at);
      }
    }
  });
}

void max_pool2d_backward(const PoolGeometry& g, const int32_t* argmax, const float* dy, float* dx) {
  for_planes(g, g.oh * g.ow + g.h * g.w, [&](int64_t p) {
    float* dp = dx + p * g.h * g.w;
    std::memset(dp, 0, sizeof(float) * g.h * g.w);
    const int64_t o0 = p * g.oh * g.ow;
    for (int64_t o = 0; o < g.oh * g.ow; o++) {
      const int32_t at = argmax[o0 + o];
      if (at >= 0) dp[at] += dy[o0 + o];
    }
  });
}

void avg_pool2d_forward(const PoolGeometry& g, bool count_include_pad, const float* x, float* y) {
  for_planes(g, g.oh * g.ow * g.kh * g.kw, [&](int64_t p) {
    const float* xp = x + p * g.h * g.w;
    for (int64_t oy = 0; oy < g.oh; oy++) {
      for (int64_t ox = 0; ox < g.ow; ox++) {
        const Window win = window(g, oy, ox);
        double total = 0;
        for (int64_t i = win.i0; i < win.i1; i++) {
          const int64_t base = (oy * g.sh - g.ph + i) * g.w + (ox * g.sw - g.pw);
          for (int64_t j = win.j0; j < win.j1; j++) total += xp[base + j];
        }
        const int64_t inside = (win.i1 - win.i0) * (win.j1 - win.j0);
        const double count = static_cast<double>(count_include_pad ? g.kh * g.kw : inside);
        y[(p * g.oh + oy) * g.ow + ox] = static_cast<float>(total / count);
      }
    }
  });
}

void avg_pool2d_backward(const PoolGeometry& g, bool count_include_pad, const float* dy, float* dx) {
  for_planes(g, g.oh * g.ow * g.kh * g.kw + g.h * g.w, [&](int64_t p) {
    float* dp = dx + p * g.h * g.w;
    std::memset(dp, 0, sizeof(float) * g.h * g.w);
    for (int64_t oy = 0; oy < g.oh; oy++) {
      for (int64_t ox = 0; ox < g.ow; ox++) {
        const Window win = window(g, oy, ox);
        const int64_t inside = (win.i1 - win.i0) * (win.j1 - win.j0);
        const double count = static_cast<double>(count_include_pad ? g.kh * g.kw : inside);
        const double share = static_cast<double>(dy[(p * g.oh + oy) * g.ow + ox]) / count;
        for (int64_t i = win.i0; i < win.i1; i++) {
          const int64_t base = (oy * g.sh - g.ph + i) * g.w + (ox * g.sw - g.pw);
          for (int64_t j = win.j0; j < win.j1; j++) dp[base + j] = static_cast<float>(dp[base + j] + share);
        }
      }
    }
  });
}

}  // namespace sk
