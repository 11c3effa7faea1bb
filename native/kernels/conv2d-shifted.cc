// Convolution on padded (phase) planes (see conv2d-shifted.h). Per chunk of
// nb images, on one thread:
//   forward:  pad x; for each nr columns of the grid and each mr output
//             channels, one register tile over all of K (the weight packed
//             once per call); copy the grid's valid pixels to y (+ bias).
//   weight:   pad x; d [O, grid] = dy on the grid, 0 elsewhere;
//             dw += dot products of d's rows with the shifted rows.
#include "conv2d-shifted.h"

#include <vector>

#include "conv2d-isa.h"
#include "scratch-arena.h"
#include "conv2d-tasks.h"
#include "cpu.h"

namespace sk {
namespace {

// Padded chunk per thread, in floats (256 KB: it is read kh·kw times over, from L2).
constexpr int64_t kPadBudget = (256 << 10) / sizeof(float);
// Chunks wanted at least, so that threads get even shares.
constexpr int64_t kMinChunks = 16;
// Grid columns per pass of the weight-gradient dot products (a multiple of kConvDotLanes).
constexpr int64_t kDotBlock = 1024;
// Partial sums of the weight gradient: slices of the batch, each summed by
// one thread into its own buffer, then added in slice order.
constexpr int64_t kWeightSlices = 8;

// Both belong to the calling thread, which hands each task its own part of
// t_tasks, so that an allocation failure surfaces on the caller.
thread_local ScratchArena t_tasks;    // per task: padded planes, grid output or d, row pointers
thread_local ScratchArena t_weights;  // the packed weight or the weight-gradient slices

const ConvIsa& conv_parts() {
  switch (active_isa()) {
    case Isa::Avx512: return conv_isa_avx512();
    case Isa::Avx2: return conv_isa_avx2();
    default: return conv_isa_portable();
  }
}

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Where a chunk's images sit in the planes (see conv2d-shifted.h).
struct Layout {
  ConvGeometry g;
  bool shared;         // stride 1: neighbouring rows and images share their zero padding
  int64_t phases;      // planes per channel: sh·sw
  int64_t k;           // C·kh·kw
  int64_t wg, hg;      // grid row width, grid rows per image
  int64_t nb, chunks;  // images per chunk, chunks
  int64_t plane;       // floats per plane, zero rows at the end for over-reads
  int64_t ldq;         // row stride of a chunk's grid (a multiple of 16)
  // Phase planes: columns v whose pixel sw·v + b − pw lies in the image, [v0[b], v1[b]).
  std::vector<int64_t> v0, v1;

  int64_t grid(int64_t cnt) const { return cnt * hg * wg; }
  int64_t first(int64_t chunk) const { return chunk * nb; }
  int64_t count(int64_t chunk) const { return g.b - chunk * nb < nb ? g.b - chunk * nb : nb; }
  int64_t padded_size() const { return g.c * phases * plane; }
};

bool shares_padding(const ConvGeometry& g) { return g.sh == 1 && g.sw == 1 && g.ph <= g.kh - 1 && g.pw <= g.kw - 1; }

Layout layout_of(const ConvGeometry& g) {
  Layout L{g, shares_padding(g), g.sh * g.sw, g.c * g.kh * g.kw, 0, 0, 1, 0, 0, 0, {}, {}};
  L.wg = L.shared ? g.w + g.pw : ceil_div(g.w + 2 * g.pw, g.sw);
  L.hg = L.shared ? g.h + g.ph : ceil_div(g.h + 2 * g.ph, g.sh);
  L.nb = shifted_chunk_images(g);
  L.chunks = ceil_div(g.b, L.nb);
  // Reads reach (kh − 1)/sh rows and (kw − 1)/sw + kConvOverRead values past the grid.
  const int64_t extra_rows = (g.kh - 1) / g.sh + 1 + ceil_div((g.kw - 1) / g.sw + kConvOverRead, L.wg);
  L.plane = (L.nb * L.hg + extra_rows) * L.wg;
  L.ldq = round16(L.grid(L.nb));
  for (int64_t b = 0; !L.shared && b < g.sw; b++) {
    const int64_t v1 = g.w + g.pw - b > 0 ? ceil_div(g.w + g.pw - b, g.sw) : 0;
    L.v0.push_back(b >= g.pw ? 0 : ceil_div(g.pw - b, g.sw));
    L.v1.push_back(v1 < L.wg ? v1 : L.wg);
  }
  return L;
}

// Shared padding: per image ph zero rows then H rows of pw zeros and W values.
void pad_shared(const Layout& L, const float* x, int64_t cnt, float* xp) {
  const ConvGeometry& g = L.g;
  for (int64_t c = 0; c < g.c; c++) {
    float* out = xp + c * L.plane;
    for (int64_t n = 0; n < cnt; n++) {
      const float* in = x + (n * g.c + c) * g.h * g.w;
      for (int64_t t = 0; t < g.ph * L.wg; t++) out[t] = 0.0f;
      out += g.ph * L.wg;
      for (int64_t y = 0; y < g.h; y++, out += L.wg, in += g.w) {
        for (int64_t t = 0; t < g.pw; t++) out[t] = 0.0f;
        for (int64_t t = 0; t < g.w; t++) out[g.pw + t] = in[t];
      }
    }
    for (float* end = xp + (c + 1) * L.plane; out < end; out++) *out = 0.0f;
  }
}

// Copies in[s·v] for v in [v0, v1) to out, zeros out[0, wg) elsewhere.
void phase_row(const float* __restrict in, int64_t s, int64_t v0, int64_t v1, int64_t wg, float* __restrict out) {
  for (int64_t v = 0; v < v0; v++) out[v] = 0.0f;
  if (s == 2) {
    for (int64_t v = v0; v < v1; v++) out[v] = in[2 * v];
  } else {
    for (int64_t v = v0; v < v1; v++) out[v] = in[s * v];
  }
  for (int64_t v = v1; v < wg; v++) out[v] = 0.0f;
}

// Phases: plane (a, b) of channel c holds padded[sh·u + a][sw·v + b] at row
// n·hg + u, column v. Only planes some tap reads (a < kh, b < kw) are written;
// x is read once, row by row.
void pad_phases(const Layout& L, const float* x, int64_t cnt, float* xp) {
  const ConvGeometry& g = L.g;
  const int64_t pa = g.sh < g.kh ? g.sh : g.kh;
  const int64_t pb = g.sw < g.kw ? g.sw : g.kw;
  auto plane = [&](int64_t c, int64_t a, int64_t b) { return xp + ((c * g.sh + a) * g.sw + b) * L.plane; };
  for (int64_t c = 0; c < g.c; c++) {
    for (int64_t n = 0; n < cnt; n++) {
      const float* in = x + (n * g.c + c) * g.h * g.w;
      for (int64_t u = 0; u < L.hg; u++) {
        for (int64_t a = 0; a < pa; a++) {
          const int64_t y = g.sh * u + a - g.ph;
          for (int64_t b = 0; b < pb; b++) {
            float* out = plane(c, a, b) + (n * L.hg + u) * L.wg;
            const bool inside = y >= 0 && y < g.h;
            const int64_t v1 = inside ? L.v1[b] : 0;
            phase_row(inside ? in + y * g.w + b - g.pw : in, g.sw, L.v0[b] < v1 ? L.v0[b] : v1, v1, L.wg, out);
          }
        }
      }
    }
    for (int64_t a = 0; a < pa; a++) {
      for (int64_t b = 0; b < pb; b++) {
        for (float *out = plane(c, a, b) + cnt * L.hg * L.wg, *end = plane(c, a, b) + L.plane; out < end; out++) *out = 0.0f;
      }
    }
  }
}

// Images [n0, n0 + cnt) of x into the planes xp.
void pad_chunk(const Layout& L, const float* x, int64_t n0, int64_t cnt, float* xp) {
  const float* first = x + n0 * L.g.c * L.g.h * L.g.w;
  if (L.shared) pad_shared(L, first, cnt, xp);
  else pad_phases(L, first, cnt, xp);
}

// rows[(c·kh + i)·kw + j] = the start of that tap's shifted view of xp.
void shifted_rows(const Layout& L, const float* xp, const float** rows) {
  const ConvGeometry& g = L.g;
  for (int64_t c = 0; c < g.c; c++) {
    for (int64_t i = 0; i < g.kh; i++) {
      for (int64_t j = 0; j < g.kw; j++) {
        const int64_t phase = (c * g.sh + i % g.sh) * g.sw + j % g.sw;
        rows[(c * g.kh + i) * g.kw + j] = xp + phase * L.plane + i / g.sh * L.wg + j / g.sw;
      }
    }
  }
}

// One thread's scratch: the padded planes, an [m, ldq] grid buffer, then the row pointers.
struct ChunkScratch {
  float* padded;
  float* grid;
  const float** rows;
};

// Floats of one task's scratch.
int64_t task_size(const Layout& L, int64_t m) {
  const int64_t pointers = ceil_div(L.k * static_cast<int64_t>(sizeof(float*)), sizeof(float));
  return round16(L.padded_size()) + round16(m * L.ldq) + round16(pointers);
}

// Scratch for up to get_threads() tasks, reserved on the calling thread.
float* task_scratch(const Layout& L, int64_t m) { return t_tasks.reserve(get_threads() * task_size(L, m)); }

// A task's part of the scratch, its row pointers set.
ChunkScratch chunk_scratch(const Layout& L, int64_t m, float* scratch, int task) {
  float* base = scratch + task * task_size(L, m);
  ChunkScratch s{base, base + round16(L.padded_size()), nullptr};
  s.rows = reinterpret_cast<const float**>(s.grid + round16(m * L.ldq));
  shifted_rows(L, s.padded, s.rows);
  return s;
}

}  // namespace

bool shifted_fits(const ConvGeometry& g) {
  return g.c >= 1 && g.kh >= 1 && g.kw >= 1 && g.sh >= 1 && g.sw >= 1 && g.h + 2 * g.ph >= g.kh && g.w + 2 * g.pw >= g.kw &&
         g.oh == (g.h + 2 * g.ph - g.kh) / g.sh + 1 && g.ow == (g.w + 2 * g.pw - g.kw) / g.sw + 1;
}

int64_t shifted_chunk_images(const ConvGeometry& g) {
  const bool shared = shares_padding(g);
  const int64_t hg = shared ? g.h + g.ph : ceil_div(g.h + 2 * g.ph, g.sh);
  const int64_t wg = shared ? g.w + g.pw : ceil_div(g.w + 2 * g.pw, g.sw);
  const int64_t per_image = g.c * g.sh * g.sw * hg * wg;
  int64_t nb = per_image > 0 ? kPadBudget / per_image : g.b;
  const int64_t even = ceil_div(g.b, kMinChunks);
  if (nb > even) nb = even;
  return nb < 1 ? 1 : nb;
}

void shifted_forward(const ConvGeometry& g, int64_t m, const float* x, const float* a, const float* bias, float* y) {
  if (g.b == 0 || m == 0) return;
  const Layout L = layout_of(g);
  const ConvIsa& ci = conv_parts();
  // The weight in groups of mr rows, each [K][mr], zero past row m.
  const int64_t groups = ceil_div(m, ci.mr);
  float* ap = t_weights.reserve(groups * ci.mr * L.k);
  for (int64_t r0 = 0; r0 < m; r0 += ci.mr) {
    float* dst = ap + r0 * L.k;
    for (int64_t p = 0; p < L.k; p++) {
      for (int64_t r = 0; r < ci.mr; r++) dst[p * ci.mr + r] = r0 + r < m ? a[(r0 + r) * L.k + p] : 0.0f;
    }
  }
  float* scratch = task_scratch(L, m);
  claim_items(L.chunks, [&](int64_t chunk, int task) {
    const ChunkScratch s = chunk_scratch(L, m, scratch, task);
    const int64_t n0 = L.first(chunk);
    const int64_t cnt = L.count(chunk);
    const int64_t qn = L.grid(cnt);
    pad_chunk(L, x, n0, cnt, s.padded);
    for (int64_t q = 0; q < qn; q += ci.nr) {
      const int64_t n = qn - q < ci.nr ? qn - q : ci.nr;
      for (int64_t r0 = 0; r0 < m; r0 += ci.mr) {
        ci.tile(L.k, ap + r0 * L.k, s.rows, q, s.grid + r0 * L.ldq + q, L.ldq, m - r0, n);
      }
    }
    for (int64_t n = 0; n < cnt; n++) {
      for (int64_t o = 0; o < m; o++) {
        const float b = bias == nullptr ? 0.0f : bias[o];
        const float* src = s.grid + o * L.ldq + n * L.hg * L.wg;
        float* dst = y + ((n0 + n) * m + o) * g.oh * g.ow;
        for (int64_t r = 0; r < g.oh; r++, src += L.wg, dst += g.ow) {
          for (int64_t t = 0; t < g.ow; t++) dst[t] = src[t] + b;
        }
      }
    }
  });
}

void shifted_weight_grad(const ConvGeometry& g, int64_t o, const float* x, const float* dy, float* dw) {
  const Layout L = layout_of(g);
  const int64_t size = o * L.k;
  if (size == 0) return;
  if (g.b == 0) {
    for (int64_t i = 0; i < size; i++) dw[i] = 0.0f;
    return;
  }
  const ConvIsa& ci = conv_parts();
  const int64_t slices = L.chunks < kWeightSlices ? L.chunks : kWeightSlices;
  float* partials = t_weights.reserve(slices * round16(size));
  float* scratch = task_scratch(L, o);
  claim_items(slices, [&](int64_t s, int task) {
    const ChunkScratch sc = chunk_scratch(L, o, scratch, task);
    float* d = sc.grid;
    float* acc = partials + s * round16(size);
    for (int64_t i = 0; i < size; i++) acc[i] = 0.0f;
    for (int64_t chunk = L.chunks * s / slices; chunk < L.chunks * (s + 1) / slices; chunk++) {
      const int64_t n0 = L.first(chunk);
      const int64_t cnt = L.count(chunk);
      pad_chunk(L, x, n0, cnt, sc.padded);
      // d: dy on the grid, zero at the dropped pixels and past the chunk's grid.
      for (int64_t oc = 0; oc < o; oc++) {
        float* row = d + oc * L.ldq;
        for (int64_t q = 0; q < L.ldq; q++) row[q] = 0.0f;
        for (int64_t n = 0; n < cnt; n++) {
          const float* src = dy + ((n0 + n) * o + oc) * g.oh * g.ow;
          for (int64_t r = 0; r < g.oh; r++) {
            float* dst = row + (n * L.hg + r) * L.wg;
            for (int64_t t = 0; t < g.ow; t++) dst[t] = src[r * g.ow + t];
          }
        }
      }
      const int64_t qn = round16(L.grid(cnt));
      for (int64_t q0 = 0; q0 < qn; q0 += kDotBlock) {
        ci.dots(o, L.k, q0, qn - q0 < kDotBlock ? qn - q0 : kDotBlock, d, L.ldq, sc.rows, acc, L.k);
      }
    }
  });
  for (int64_t i = 0; i < size; i++) {
    float sum = partials[i];
    for (int64_t s = 1; s < slices; s++) sum += partials[s * round16(size) + i];
    dw[i] = sum;
  }
}

}  // namespace sk
