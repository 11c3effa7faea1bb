// im2col / col2im: one (image, channel) plane at a time. Within a row of the
// output the valid columns form one range [z0, z1) and the valid rows another
// [y0, y1), so the padding is written as zero runs around plain copies.
// Small runs are plain loops, not memset/memcpy calls: a 28-wide image makes
// thousands of them per plane.
#include "im2col.h"

#include "thread-pool.h"

namespace sk {
namespace {

// Plane-rows of col (kh·kw·OH·OW elements each) per thread below which
// waking a worker costs more than it saves.
constexpr int64_t kGrain = 1 << 15;

// ⌈a / b⌉ for b > 0 and any sign of a.
int64_t ceil_div(int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

int64_t clamp(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

// Output indices t in [0, out) whose input t·s − p + k lies in [0, in): [*t0, *t1).
void valid_range(int64_t in, int64_t out, int64_t s, int64_t p, int64_t k, int64_t* t0, int64_t* t1) {
  *t0 = clamp(ceil_div(p - k, s), 0, out);
  *t1 = clamp(ceil_div(in + p - k, s), *t0, out);
}

#if defined(__GNUC__) && !defined(__clang__)
#define SK_NO_LIBCALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define SK_NO_LIBCALLS
#endif

SK_NO_LIBCALLS inline void zero(float* __restrict out, int64_t n) {
  for (int64_t t = 0; t < n; t++) out[t] = 0.0f;
}

// The kh·kw rows of one channel plane xp [H, W] into cp, rows ld apart.
SK_NO_LIBCALLS void im2col_plane(const ConvGeometry& g, const float* __restrict xp, float* __restrict cp, int64_t ld) {
  const int64_t l = g.oh * g.ow;
  // Stride 1 with OW = W: output index q reads input q + shift, so the valid
  // rows are one contiguous copy; the invalid columns are zeroed after it.
  const bool shifted_copy = g.sh == 1 && g.sw == 1 && g.ow == g.w;
  for (int64_t i = 0; i < g.kh; i++) {
    int64_t y0, y_end;
    valid_range(g.h, g.oh, g.sh, g.ph, i, &y0, &y_end);
    for (int64_t j = 0; j < g.kw; j++) {
      float* __restrict row = cp + (i * g.kw + j) * ld;
      int64_t z0, z1;
      valid_range(g.w, g.ow, g.sw, g.pw, j, &z0, &z1);
      const int64_t y1 = z0 == z1 ? y0 : y_end;  // no valid column: every row is padding
      zero(row, y0 * g.ow);
      zero(row + y1 * g.ow, l - y1 * g.ow);
      if (y0 == y1) continue;
      if (shifted_copy) {
        const int64_t shift = (i - g.ph) * g.w + (j - g.pw);
        // From the first valid element to the last: every read lies inside the plane.
        const int64_t q0 = y0 * g.ow + z0;
        const int64_t q1 = (y1 - 1) * g.ow + z1;
        const float* __restrict in = xp + shift;
        for (int64_t q = q0; q < q1; q++) row[q] = in[q];
        for (int64_t y = y0; y < y1; y++) {
          float* out = row + y * g.ow;
          for (int64_t z = 0; z < z0; z++) out[z] = 0.0f;
          for (int64_t z = z1; z < g.ow; z++) out[z] = 0.0f;
        }
        continue;
      }
      for (int64_t y = y0; y < y1; y++) {
        float* __restrict out = row + y * g.ow;
        const float* __restrict in = xp + (y * g.sh - g.ph + i) * g.w + (z0 * g.sw - g.pw + j);
        for (int64_t z = 0; z < z0; z++) out[z] = 0.0f;
        if (g.sw == 1) {
          for (int64_t z = z0; z < z1; z++) out[z] = in[z - z0];
        } else {
          for (int64_t z = z0; z < z1; z++) out[z] = in[(z - z0) * g.sw];
        }
        for (int64_t z = z1; z < g.ow; z++) out[z] = 0.0f;
      }
    }
  }
}

// The adjoint of im2col_plane: xp [H, W] overwritten with its sums.
SK_NO_LIBCALLS void col2im_plane(const ConvGeometry& g, const float* __restrict cp, int64_t ld, float* __restrict xp) {
  zero(xp, g.h * g.w);
  for (int64_t i = 0; i < g.kh; i++) {
    int64_t y0, y1;
    valid_range(g.h, g.oh, g.sh, g.ph, i, &y0, &y1);
    for (int64_t j = 0; j < g.kw; j++) {
      const float* __restrict row = cp + (i * g.kw + j) * ld;
      int64_t z0, z1;
      valid_range(g.w, g.ow, g.sw, g.pw, j, &z0, &z1);
      for (int64_t y = y0; y < y1 && z0 < z1; y++) {
        const float* __restrict in = row + y * g.ow;
        float* __restrict out = xp + (y * g.sh - g.ph + i) * g.w + (z0 * g.sw - g.pw + j);
        if (g.sw == 1) {
          for (int64_t z = z0; z < z1; z++) out[z - z0] += in[z];
        } else {
          for (int64_t z = z0; z < z1; z++) out[(z - z0) * g.sw] += in[z];
        }
      }
    }
  }
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
  for_planes(g, [&](int64_t plane) { im2col_plane(g, x + plane * g.h * g.w, col + plane * g.kh * g.kw * l, l); });
}

void col2im(const ConvGeometry& g, const float* col, float* x) {
  const int64_t l = g.oh * g.ow;
  for_planes(g, [&](int64_t plane) { col2im_plane(g, col + plane * g.kh * g.kw * l, l, x + plane * g.h * g.w); });
}

void col2im_image(const ConvGeometry& g, const float* col, int64_t ld, float* x) {
  for (int64_t c = 0; c < g.c; c++) col2im_plane(g, col + c * g.kh * g.kw * ld, ld, x + c * g.h * g.w);
}

}  // namespace sk
