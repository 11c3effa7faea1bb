// Permute: out's dimensions are merged where x walks them contiguously too.
// When out's innermost dimension is contiguous in x, rows are copied whole;
// otherwise the plane of that dimension and the one contiguous in x is
// copied in square tiles, so both reads and writes stay in cache lines.
#include "permute.h"

#include <cstring>

#include "binary.h"
#include "thread-pool.h"

namespace sk {
namespace {

constexpr int64_t kGrain = 1 << 15;
constexpr int64_t kTile = 16;

struct Plan {
  int rank;
  int64_t n[kMaxRank];   // out's extents
  int64_t xs[kMaxRank];  // x strides along out's dimensions
  int64_t os[kMaxRank];  // out's own (contiguous) strides
};

Plan make_plan(int rank, const int64_t* shape, const int64_t* perm) {
  int64_t xstride[kMaxRank];
  int64_t s = 1;
  for (int d = rank - 1; d >= 0; d--) {
    xstride[d] = s;
    s *= shape[d];
  }
  Plan p;
  p.rank = 0;
  for (int d = 0; d < rank; d++) {
    const int64_t n = shape[perm[d]];
    const int64_t xs = xstride[perm[d]];
    if (n == 1) continue;
    const int q = p.rank - 1;
    if (q >= 0 && p.xs[q] == xs * n) {
      p.n[q] *= n;
      p.xs[q] = xs;
    } else {
      p.n[p.rank] = n;
      p.xs[p.rank] = xs;
      p.rank++;
    }
  }
  if (p.rank == 0) {
    p.rank = 1;
    p.n[0] = 1;
    p.xs[0] = 1;
  }
  int64_t o = 1;
  for (int d = p.rank - 1; d >= 0; d--) {
    p.os[d] = o;
    o *= p.n[d];
  }
  return p;
}

// x and out offsets of outer index `u` over the dimensions in dims[0..m).
void offsets(const Plan& p, const int* dims, int m, int64_t u, int64_t* ix, int64_t* io) {
  *ix = 0;
  *io = 0;
  for (int k = m - 1; k >= 0; k--) {
    const int d = dims[k];
    const int64_t i = u % p.n[d];
    u /= p.n[d];
    *ix += i * p.xs[d];
    *io += i * p.os[d];
  }
}

}  // namespace

void permute(const float* x, int rank, const int64_t* shape, const int64_t* perm, float* out) {
  const Plan p = make_plan(rank, shape, perm);
  const int last = p.rank - 1;
  const int64_t inner = p.n[last];
  int outer_dims[kMaxRank];
  if (p.xs[last] == 1) {
    // rows contiguous in both: copy them whole
    int m = 0;
    int64_t rows = 1;
    for (int d = 0; d < last; d++) {
      outer_dims[m++] = d;
      rows *= p.n[d];
    }
    const int64_t grain = inner >= kGrain ? 1 : kGrain / inner;
    parallel_for(rows, grain, [&](int64_t r0, int64_t r1, int) {
      for (int64_t r = r0; r < r1; r++) {
        int64_t ix, io;
        offsets(p, outer_dims, m, r, &ix, &io);
        std::memcpy(out + io, x + ix, sizeof(float) * inner);
      }
    });
    return;
  }
  // the dimension contiguous in x (after merging, some out dimension has x stride 1)
  int q = 0;
  for (int d = 0; d < last; d++) {
    if (p.xs[d] == 1) q = d;
  }
  int m = 0;
  int64_t outer = 1;
  for (int d = 0; d < last; d++) {
    if (d == q) continue;
    outer_dims[m++] = d;
    outer *= p.n[d];
  }
  const int64_t qn = p.n[q];
  const int64_t q_tiles = (qn + kTile - 1) / kTile;
  const int64_t per_unit = kTile * inner;
  const int64_t grain = per_unit >= kGrain ? 1 : kGrain / per_unit;
  const int64_t xs_in = p.xs[last];
  const int64_t os_q = p.os[q];
  parallel_for(outer * q_tiles, grain, [&](int64_t u0, int64_t u1, int) {
    for (int64_t u = u0; u < u1; u++) {
      int64_t ix, io;
      offsets(p, outer_dims, m, u / q_tiles, &ix, &io);
      const int64_t a0 = (u % q_tiles) * kTile;
      const int64_t a1 = a0 + kTile < qn ? a0 + kTile : qn;
      for (int64_t j0 = 0; j0 < inner; j0 += kTile) {
        const int64_t j1 = j0 + kTile < inner ? j0 + kTile : inner;
        for (int64_t a = a0; a < a1; a++) {
          const float* src = x + ix + a;
          float* dst = out + io + a * os_q;
          for (int64_t j = j0; j < j1; j++) dst[j] = src[j * xs_in];
        }
      }
    }
  });
}

}  // namespace sk
