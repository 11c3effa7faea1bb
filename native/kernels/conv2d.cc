// Fused convolution driver (see conv2d.h). The forward and the weight
// gradient run on padded planes without im2col (conv2d-shifted.cc). The
// input gradient of a stride-1 layer is itself a stride-1 convolution of dy
// with the flipped, transposed weight; of other layers, per chunk of nb
// images, N = nb·L:
//   d [O, N] ← dy chunk;  dcol [K, N] = wᵀ · d (single-threaded GEMM);  dx chunk = col2im(dcol)
// Laying the chunk's images side by side makes GEMM's N large, where a
// per-image GEMM would waste most edge tiles on small images.
#include "conv2d.h"

#include <atomic>
#include <new>

#include "scratch-arena.h"
#include "conv2d-shifted.h"
#include "conv2d-tasks.h"
#include "gemm.h"

namespace sk {
namespace {

// Column matrix per chunk, in floats (512 KB: a quarter of a core's L2,
// leaving room for GEMM's packed copy of it and d).
constexpr int64_t kColBudget = (512 << 10) / sizeof(float);
// Chunks wanted at least, so that threads get even shares.
constexpr int64_t kMinChunks = 16;

// Both belong to the calling thread (allocation failures surface there).
thread_local ScratchArena t_tasks;    // per task: dcol and d of one chunk
thread_local ScratchArena t_flipped;  // the flipped weight

struct Plan {
  ConvGeometry g;
  int64_t o, k, l, nb, chunks;
  int64_t image_in() const { return g.c * g.h * g.w; }
  int64_t image_out() const { return o * l; }
  int64_t first(int64_t chunk) const { return chunk * nb; }
  int64_t count(int64_t chunk) const { return g.b - chunk * nb < nb ? g.b - chunk * nb : nb; }
  // Floats of one thread's scratch: dcol [K, N], then d [O, N].
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

// C[m, n] = op(A)·op(B) on this thread. Rows past the last whole micro-tile
// go to GEMM's skinny path when there are few of them: with a 14-row tile,
// 16 rows would otherwise compute 28.
void gemm_rows(bool ta, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* b, int64_t ldb, float* c,
               int64_t ldc) {
  const int64_t rest = m % gemm_tile_rows();
  const int64_t whole = m - rest;
  if (whole == 0 || rest == 0 || rest > kGemmSkinnyRows) {
    gemm_serial(ta, false, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, ldc);
    return;
  }
  gemm_serial(ta, false, whole, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, ldc);
  gemm_serial(ta, false, rest, n, k, 1.0f, ta ? a + whole : a + whole * lda, lda, b, ldb, 0.0f, c + whole * ldc, ldc);
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

void explicit_backward_input(const ConvGeometry& g, int64_t o, const float* dy, const float* w, float* dx) {
  const Plan p = plan_of(g, o);
  float* tasks = t_tasks.reserve(get_threads() * p.scratch_size());
  // gemm_serial grows its packing buffers on the thread that runs it: a
  // failure there is carried back to the caller instead of ending the process.
  std::atomic<bool> out_of_memory{false};
  claim_items(p.chunks, [&](int64_t chunk, int task) {
    float* scratch = tasks + task * p.scratch_size();
    try {
      const int64_t n0 = p.first(chunk);
      const int64_t n = p.count(chunk) * p.l;
      const float* d = gathered(p, dy, chunk, scratch + p.col_size());
      gemm_rows(true, p.k, n, o, w, p.k, d, n, scratch, n);
      for (int64_t i = 0; i < p.count(chunk); i++) col2im_image(g, scratch + i * p.l, n, dx + (n0 + i) * p.image_in());
    } catch (const std::bad_alloc&) {
      out_of_memory = true;
    }
  });
  if (out_of_memory) throw std::bad_alloc();
}

// The stride-1 convolution whose forward is the input gradient of g: dy
// [B, O, OH, OW] to [B, C, H, W], padding kernel − 1 − padding.
bool has_transposed(const ConvGeometry& g) { return g.sh == 1 && g.sw == 1 && g.ph <= g.kh - 1 && g.pw <= g.kw - 1; }

ConvGeometry transposed(const ConvGeometry& g, int64_t o) {
  return {g.b, o, g.oh, g.ow, g.kh, g.kw, 1, 1, g.kh - 1 - g.ph, g.kw - 1 - g.pw, g.h, g.w};
}

}  // namespace

void conv2d_forward(const ConvGeometry& g, int64_t o, const float* x, const float* w, const float* bias, float* y) {
  if (g.b == 0 || o == 0 || g.oh * g.ow == 0) return;
  if (shifted_fits(g)) {
    shifted_forward(g, o, x, w, bias, y);
    return;
  }
  // No input channel or an empty kernel: nothing to sum.
  const int64_t l = g.oh * g.ow;
  for (int64_t i = 0; i < g.b * o * l; i++) y[i] = bias == nullptr ? 0.0f : bias[i / l % o];
}

void conv2d_backward_input(const ConvGeometry& g, int64_t o, const float* dy, const float* w, float* dx) {
  if (g.b == 0) return;
  if (o == 0 || g.oh * g.ow == 0) {
    for (int64_t i = 0; i < g.b * g.c * g.h * g.w; i++) dx[i] = 0.0f;
    return;
  }
  const ConvGeometry t = transposed(g, o);
  if (!has_transposed(g) || !shifted_fits(t)) {
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
  shifted_weight_grad(g, o, x, dy, dw);
}

}  // namespace sk
