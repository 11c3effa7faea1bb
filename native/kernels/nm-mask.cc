// N:M mask by rank: an entry is kept when fewer than n entries of its group
// come before it in the order (|w| descending, index ascending), which is the
// set the reference's repeated scans pick. m² comparisons per group of m.
#include "nm-mask.h"

#include <vector>

#include "thread-pool.h"

namespace sk {
namespace {

constexpr int64_t kGrain = 1 << 14;
// Groups up to this size keep their scores on the stack.
constexpr int64_t kMaxLocal = 64;

inline float score(float v) {
  const float a = v < 0 ? -v : v;
  return a == a ? a : -1.0f;
}

}  // namespace

void nm_mask(const float* w, int64_t outer, int64_t dim, int64_t inner, int64_t n, int64_t m, float* out) {
  const int64_t groups = dim / m;
  const int64_t total = outer * groups * inner;
  const int64_t per = m * m;
  parallel_for(total, per >= kGrain ? 1 : kGrain / per, [&](int64_t u0, int64_t u1, int) {
    std::vector<float> heap(m > kMaxLocal ? m : 0);
    for (int64_t u = u0; u < u1; u++) {
      // u runs over (o, g, i) with i fastest, so neighbouring tasks share cache lines
      const int64_t i = u % inner;
      const int64_t g = (u / inner) % groups;
      const int64_t o = u / (inner * groups);
      const int64_t start = (o * dim + g * m) * inner + i;
      // Scores once, then counts without branches: on random weights a
      // compare-and-branch per pair mispredicts half the time.
      float own[kMaxLocal];
      float* s = m <= kMaxLocal ? own : heap.data();
      for (int64_t a = 0; a < m; a++) s[a] = score(w[start + a * inner]);
      for (int64_t a = 0; a < m; a++) {
        int64_t ahead = 0;
        for (int64_t b = 0; b < a; b++) ahead += s[b] >= s[a];
        for (int64_t b = a + 1; b < m; b++) ahead += s[b] > s[a];
        out[start + a * inner] = ahead < n ? 1.0f : 0.0f;
      }
    }
  });
}

}  // namespace sk
