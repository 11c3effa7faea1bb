// where: the output's dimensions merged where all three inputs walk them
// contiguously, an odometer over the outer ones, and the inner loop
// specialised for the all-contiguous case (masked attention scores, same-
// shape selects), which the compiler vectorises.
#include "where.h"

#include "binary.h"
#include "thread-pool.h"

namespace sk {
namespace {

constexpr int64_t kGrain = 1 << 15;

struct Plan {
  int rank;
  int64_t n[kMaxRank];
  int64_t s[3][kMaxRank];  // cond, a, b
};

Plan make_plan(int rank, const int64_t* shape, const int64_t* const strides[3]) {
  Plan p;
  p.rank = 0;
  for (int d = 0; d < rank; d++) {
    if (shape[d] == 1) continue;
    const int q = p.rank - 1;
    bool merge = q >= 0;
    for (int k = 0; k < 3 && merge; k++) merge = p.s[k][q] == strides[k][d] * shape[d];
    if (merge) {
      p.n[q] *= shape[d];
      for (int k = 0; k < 3; k++) p.s[k][q] = strides[k][d];
    } else {
      p.n[p.rank] = shape[d];
      for (int k = 0; k < 3; k++) p.s[k][p.rank] = strides[k][d];
      p.rank++;
    }
  }
  if (p.rank == 0) {
    p.rank = 1;
    p.n[0] = 1;
    for (int k = 0; k < 3; k++) p.s[k][0] = 0;
  }
  return p;
}

void row(const float* c, int64_t sc, const float* a, int64_t sa, const float* b, int64_t sb, float* o, int64_t n) {
  if (sc == 1 && sa == 1 && sb == 1) {
    for (int64_t i = 0; i < n; i++) o[i] = c[i] != 0 ? a[i] : b[i];
  } else if (sc == 1 && sa == 1 && sb == 0) {
    const float y = b[0];
    for (int64_t i = 0; i < n; i++) o[i] = c[i] != 0 ? a[i] : y;
  } else {
    for (int64_t i = 0; i < n; i++) o[i] = c[i * sc] != 0 ? a[i * sa] : b[i * sb];
  }
}

}  // namespace

void where(const float* cond, const float* a, const float* b, float* out, int rank, const int64_t* shape,
           const int64_t* cond_strides, const int64_t* a_strides, const int64_t* b_strides) {
  int64_t total = 1;
  for (int d = 0; d < rank; d++) total *= shape[d];
  if (total == 0) return;
  const int64_t* const strides[3] = {cond_strides, a_strides, b_strides};
  const Plan p = make_plan(rank, shape, strides);
  const int k = p.rank;
  const int64_t inner = p.n[k - 1];
  parallel_for(total, kGrain, [&](int64_t begin, int64_t end, int) {
    int64_t idx[kMaxRank];
    int64_t off[3] = {0, 0, 0};
    int64_t r = begin / inner;
    int64_t j = begin - r * inner;
    for (int d = k - 2; d >= 0; d--) {
      idx[d] = r % p.n[d];
      r /= p.n[d];
      for (int t = 0; t < 3; t++) off[t] += idx[d] * p.s[t][d];
    }
    for (int64_t o = begin; o < end;) {
      const int64_t len = inner - j < end - o ? inner - j : end - o;
      row(cond + off[0] + j * p.s[0][k - 1], p.s[0][k - 1], a + off[1] + j * p.s[1][k - 1], p.s[1][k - 1],
          b + off[2] + j * p.s[2][k - 1], p.s[2][k - 1], out + o, len);
      o += len;
      j = 0;
      for (int d = k - 2; d >= 0; d--) {
        idx[d]++;
        for (int t = 0; t < 3; t++) off[t] += p.s[t][d];
        if (idx[d] < p.n[d]) break;
        for (int t = 0; t < 3; t++) off[t] -= p.s[t][d] * p.n[d];
        idx[d] = 0;
      }
    }
  });
}

}  // namespace sk
