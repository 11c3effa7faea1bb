// Fused convolution driver (see conv2d.h). Stride-1 layers run on padded
// planes without im2col (conv2d-shifted.cc); the input gradient of one is
// itself a stride-1 convolution of dy with the flipped, transposed weight.
// Other layers run per chunk of nb images, N = nb·L:
//   forward:  col [K, N] = im2col(x chunk);  out [O, N] = w [O, K] · col;  y ← out (+ bias)
//   input:    d [O, N] ← dy chunk;  dcol [K, N] = wᵀ · d;  dx chunk = col2im(dcol)
//   weight:   d [O, N] ← dy chunk;  col = im2col(x chunk);  dw [O, K] += d · colᵀ
// Laying the chunk's images side by side makes GEMM's N large, where a
// per-image GEMM would waste most edge tiles on small images. A chunk of one
// image reads dy and writes y in place.
#include "conv2d.h"

#include "conv2d-scratch.h"
#include "conv2d-shifted.h"
#include "gemm.h"
#include "thread-pool.h"

namespace sk {
namespace {

// Column matrix per chunk, in floats (512 KB: a quarter of a core's L2,
// leaving room for GEMM's packed copy of it and the output).
constexpr int64_t kColBudget = (512 << 10) / sizeof(float);
// Chunks wanted at least, so that threads get even shares.
constexpr int64_t kMinChunks = 16;
// Partial sums of the weight gradient: slices of the batch, each summed by
// one thread into its own buffer, then added in slice order.
constexpr int64_t kWeightSlices = 8;

thread_local ConvArena t_chunk;     // col, dcol, out and d of one chunk
thread_local ConvArena t_partials;  // the caller's weight-gradient slices
thread_local ConvArena t_flipped;   // the caller's flipped weight

struct Plan {
  ConvGeometry g;
  int64_t o, k, l, nb, chunks;
  int64_t image_in() const { return g.c * g.h * g.w; }
  int64_t image_out() const { return o * l; }
  int64_t first(int64_t chunk) const { return chunk * nb; }
  int64_t count(int64_t chunk) const { return g.b - chunk * nb < nb ? g.b - chunk * nb : nb; }
  // Floats of one thread's scratch: the column matrix, then d or out [O, N].
  int64_t col_size() const { return round16(k * nb * l); }
  int64_t scratch_size() const { return col_size() + round16(o * nb * l); }
};

Plan plan_of(const ConvGeometry& g, int64_t o) {
  Plan p{g, o, g.c * g.kh * g.kw, g.oh * g.ow, 1, 0};
  const int64_t col = p.k * p.l;
  p.nb = col > 0 ? kColBudget / col : g.b;
  const int64_t even = (g.b + kMinChunks - 1) / kMinChunks;
  if (p.nb > even) p.nb = even;
  if (p.nb < 1) p.nb = 1;
  p.chunks = (g.b + p.nb - 1) / p.nb;
  return p;
}

// C[m, n] = op(A)·op(B) + beta·C on this thread. Rows past the last whole
// micro-tile go to GEMM's skinny path when there are few of them: with a
// 14-row tile, 16 output channels would otherwise compute 28 rows.
void gemm_rows(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* b, int64_t ldb,
               float beta, float* c, int64_t ldc) {
  const int64_t rest = m % gemm_tile_rows();
  const int64_t whole = m - rest;
  if (whole == 0 || rest == 0 || rest > kGemmSkinnyRows) {
    gemm_serial(ta, tb, m, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  gemm_serial(ta, tb, whole, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc);
  gemm_serial(ta, tb, rest, n, k, 1.0f, ta ? a + whole : a + whole * lda, lda, b, ldb, beta, c + whole * ldc, ldc);
}

// The chunk's column matrix [K, N].
const float* columns(const Plan& p, const float* x, int64_t chunk, float* scratch) {
  const int64_t n0 = p.first(chunk);
  const int64_t cnt = p.count(chunk);
  for (int64_t i = 0; i < cnt; i++) im2col_image(p.g, x + (n0 + i) * p.image_in(), scratch + i * p.l, cnt * p.l);
  return scratch;
}

// The chunk's dy as [O, N]: dy itself for a single image.
const float* gathered(const Plan& p, const float* dy, int64_t chunk, float* scratch) {
  const int64_t n0 = p.first(chunk);
  const int64_t cnt = p.count(chunk);
  if (cnt == 1) return dy + n0 * p.image_out();
  const int64_t n = cnt * p.l;
  for (int64_t i = 0; i < cnt; i++) {
    const float* src = dy + (n0 + i) * p.image_out();
    for (int64_t oc = 0; oc < p.o; oc++) {
      float* dst = scratch + oc * n + i * p.l;
      for (int64_t t = 0; t < p.l; t++) dst[t] = src[oc * p.l + t];
    }
  }
  return scratch;
}

void explicit_forward(const ConvGeometry& g, int64_t o, const float* x, const float* w, const float* bias, float* y) {
  const Plan p = plan_of(g, o);
  parallel_for(p.chunks, 1, [&](int64_t c0, int64_t c1, int) {
    float* scratch = t_chunk.reserve(p.scratch_size());
    for (int64_t chunk = c0; chunk < c1; chunk++) {
      const int64_t n0 = p.first(chunk);
      const int64_t cnt = p.count(chunk);
      const int64_t n = cnt * p.l;
      const float* col = columns(p, x, chunk, scratch);
      // One image is written in place; several go through out [O, N].
      float* out = cnt == 1 ? y + n0 * p.image_out() : scratch + p.col_size();
      gemm_rows(false, false, o, n, p.k, w, p.k, col, n, 0.0f, out, n);
      if (cnt == 1 && bias == nullptr) continue;
      for (int64_t i = 0; i < cnt; i++) {
        for (int64_t oc = 0; oc < o; oc++) {
          const float* src = out + oc * n + i * p.l;
          float* dst = y + (n0 + i) * p.image_out() + oc * p.l;
          const float b = bias == nullptr ? 0.0f : bias[oc];
          for (int64_t t = 0; t < p.l; t++) dst[t] = src[t] + b;
        }
      }
    }
  });
}

void explicit_backward_input(const ConvGeometry& g, int64_t o, const float* dy, const float* w, float* dx) {
  const Plan p = plan_of(g, o);
  parallel_for(p.chunks, 1, [&](int64_t c0, int64_t c1, int) {
    float* scratch = t_chunk.reserve(p.scratch_size());
    for (int64_t chunk = c0; chunk < c1; chunk++) {
      const int64_t n0 = p.first(chunk);
      const int64_t n = p.count(chunk) * p.l;
      const float* d = gathered(p, dy, chunk, scratch + p.col_size());
      gemm_rows(true, false, p.k, n, o, w, p.k, d, n, 0.0f, scratch, n);
      for (int64_t i = 0; i < p.count(chunk); i++) col2im_image(g, scratch + i * p.l, n, dx + (n0 + i) * p.image_in());
    }
  });
}

void explicit_backward_weight(const ConvGeometry& g, int64_t o, const float* x, const float* dy, float* dw) {
  const Plan p = plan_of(g, o);
  const int64_t size = o * p.k;
  const int64_t slices = p.chunks < kWeightSlices ? p.chunks : kWeightSlices;
  float* partials = t_partials.reserve(slices * round16(size));
  parallel_for(slices, 1, [&](int64_t s0, int64_t s1, int) {
    float* scratch = t_chunk.reserve(p.scratch_size());
    for (int64_t s = s0; s < s1; s++) {
      const int64_t first = p.chunks * s / slices;
      const int64_t last = p.chunks * (s + 1) / slices;
      for (int64_t chunk = first; chunk < last; chunk++) {
        const int64_t n = p.count(chunk) * p.l;
        const float* col = columns(p, x, chunk, scratch);
        const float* d = gathered(p, dy, chunk, scratch + p.col_size());
        gemm_rows(false, true, o, p.k, n, d, n, col, n, chunk == first ? 0.0f : 1.0f, partials + s * round16(size), p.k);
      }
    }
  });
  for (int64_t i = 0; i < size; i++) {
    float sum = partials[i];
    for (int64_t s = 1; s < slices; s++) sum += partials[s * round16(size) + i];
    dw[i] = sum;
  }
}

// The stride-1 convolution whose forward is the input gradient of g: dy
// [B, O, OH, OW] to [B, C, H, W], padding kernel − 1 − padding.
ConvGeometry transposed(const ConvGeometry& g, int64_t o) {
  return {g.b, o, g.oh, g.ow, g.kh, g.kw, 1, 1, g.kh - 1 - g.ph, g.kw - 1 - g.pw, g.h, g.w};
}

}  // namespace

void conv2d_forward(const ConvGeometry& g, int64_t o, const float* x, const float* w, const float* bias, float* y) {
  if (g.b == 0 || o == 0 || g.oh * g.ow == 0) return;
  if (shifted_fits(g)) shifted_forward(g, o, x, w, bias, y);
  else explicit_forward(g, o, x, w, bias, y);
}

void conv2d_backward_input(const ConvGeometry& g, int64_t o, const float* dy, const float* w, float* dx) {
  if (g.b == 0) return;
  if (o == 0 || g.oh * g.ow == 0) {
    for (int64_t i = 0; i < g.b * g.c * g.h * g.w; i++) dx[i] = 0.0f;
    return;
  }
  const ConvGeometry t = transposed(g, o);
  if (!shifted_fits(g) || !shifted_fits(t)) {
    explicit_backward_input(g, o, dy, w, dx);
    return;
  }
  // flipped[c, o, i, j] = w[o, c, kh − 1 − i, kw − 1 − j]
  const int64_t taps = g.kh * g.kw;
  float* flipped = t_flipped.reserve(g.c * o * taps);
  for (int64_t oc = 0; oc < o; oc++) {
    for (int64_t c = 0; c < g.c; c++) {
      for (int64_t tap = 0; tap < taps; tap++) flipped[(c * o + oc) * taps + tap] = w[(oc * g.c + c) * taps + taps - 1 - tap];
    }
  }
  shifted_forward(t, g.c, dy, flipped, nullptr, dx);
}

void conv2d_backward_weight(const ConvGeometry& g, int64_t o, const float* x, const float* dy, float* dw) {
  const int64_t size = o * g.c * g.kh * g.kw;
  if (size == 0) return;
  if (g.b == 0 || g.oh * g.ow == 0) {
    for (int64_t i = 0; i < size; i++) dw[i] = 0.0f;
    return;
  }
  if (shifted_fits(g)) shifted_weight_grad(g, o, x, dy, dw);
  else explicit_backward_weight(g, o, x, dy, dw);
}

}  // namespace sk
