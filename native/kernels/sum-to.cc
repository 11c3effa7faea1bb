// Driver of sumTo: merges dimensions, then splits x between threads along one
// dimension. When that dimension is kept in out (the outermost kept one),
// threads own disjoint slices of the accumulator; otherwise each thread sums
// into its own accumulator and the partial sums are added at the end.
#include "sum-to.h"

#include <memory>
#include <vector>

#include "cpu.h"
#include "sum-to-impl.h"
#include "thread-pool.h"

namespace sk {
namespace {

constexpr int64_t kGrain = 1 << 15;
// Below this ratio of x to out elements, per-thread accumulators cost more
// than splitting along a kept dimension.
constexpr int64_t kPrivateMinRatio = 16;

using BoxFn = void (*)(const float*, const SumBox&, double*);

BoxFn box_fn() {
  switch (active_isa()) {
    case Isa::Avx512: return sum_box_avx512;
    case Isa::Avx2: return sum_box_avx2;
    default: return sum_box_portable;
  }
}

SumBox make_box(int rank, const int64_t* shape, const int64_t* os) {
  SumBox b;
  b.rank = 0;
  for (int d = 0; d < rank; d++) {
    if (shape[d] == 1) continue;
    const int q = b.rank - 1;
    if (q >= 0 && b.os[q] == os[d] * shape[d]) {
      b.n[q] *= shape[d];
      b.os[q] = os[d];
    } else {
      b.n[b.rank] = shape[d];
      b.os[b.rank] = os[d];
      b.rank++;
    }
  }
  if (b.rank == 0) {
    b.rank = 1;
    b.n[0] = 1;
    b.os[0] = 0;
  }
  int64_t xs = 1;
  for (int d = b.rank - 1; d >= 0; d--) {
    b.xs[d] = xs;
    xs *= b.n[d];
  }
  return b;
}

// Elements of acc the box reaches: 1 + its largest offset.
int64_t span(const SumBox& b, int from) {
  int64_t last = 0;
  for (int d = from; d < b.rank; d++) last += (b.n[d] - 1) * b.os[d];
  return last + 1;
}

// The box cut to `len` entries along dimension p (callers offset x and acc).
SumBox slice(const SumBox& b, int p, int64_t len) {
  SumBox s = b;
  s.n[p] = len;
  return s;
}

void to_float(const double* acc, float* out, int64_t n) {
  for (int64_t i = 0; i < n; i++) out[i] = static_cast<float>(acc[i]);
}

}  // namespace

void sum_box_portable(const float* x, const SumBox& box, double* acc) { sum_box_impl(x, box, acc); }

void sum_to(const float* x, int rank, const int64_t* shape, const int64_t* out_strides, float* out, int64_t out_len) {
  if (rank == 0) {
    out[0] = x[0];
    return;
  }
  int64_t total = 1;
  for (int d = 0; d < rank; d++) total *= shape[d];
  if (total == 0) {
    for (int64_t i = 0; i < out_len; i++) out[i] = 0;
    return;
  }
  const SumBox b = make_box(rank, shape, out_strides);
  const int64_t reach = span(b, 0);
  const BoxFn fn = box_fn();
  const int64_t want = total / kGrain;
  const int nt = static_cast<int>(want < get_threads() ? (want < 1 ? 1 : want) : get_threads());
  for (int64_t i = reach; i < out_len; i++) out[i] = 0;

  if (nt == 1) {
    std::vector<double> acc(static_cast<size_t>(reach), 0.0);
    fn(x, b, acc.data());
    to_float(acc.data(), out, reach);
    return;
  }

  int64_t kept = 1;
  int q = -1;
  for (int d = b.rank - 1; d >= 0; d--) {
    if (b.os[d] != 0) {
      kept *= b.n[d];
      q = d;
    }
  }
  // Threads own disjoint accumulator slices when split along the outermost
  // kept dimension, provided its stride clears everything inside it.
  const bool q_ok = q >= 0 && b.n[q] >= nt && b.os[q] >= span(b, q + 1);
  int p = -1;
  if (q_ok && total / kept < kPrivateMinRatio) {
    p = q;
  } else {
    for (int d = 0; d < b.rank && p < 0; d++) {
      if (b.n[d] >= 4 * nt) p = d;
    }
    if (p < 0) {
      p = 0;
      for (int d = 1; d < b.rank; d++) {
        if (b.n[d] > b.n[p]) p = d;
      }
    }
  }

  if (p == q && q_ok) {
    std::unique_ptr<double[]> acc(new double[static_cast<size_t>(reach)]);
    parallel_run(nt, [&](int t, int count) {
      const int64_t lo = b.n[p] * t / count;
      const int64_t hi = b.n[p] * (t + 1) / count;
      const int64_t a0 = lo * b.os[p];
      const int64_t a1 = hi == b.n[p] ? reach : hi * b.os[p];
      for (int64_t i = a0; i < a1; i++) acc[i] = 0;
      if (lo < hi) fn(x + lo * b.xs[p], slice(b, p, hi - lo), acc.get() + a0);
      to_float(acc.get() + a0, out + a0, a1 - a0);
    });
    return;
  }

  std::vector<std::unique_ptr<double[]>> accs(static_cast<size_t>(nt));
  for (auto& a : accs) a.reset(new double[static_cast<size_t>(reach)]);
  int used = nt;
  parallel_run(nt, [&](int t, int count) {
    if (t == 0) used = count;
    double* acc = accs[static_cast<size_t>(t)].get();
    for (int64_t i = 0; i < reach; i++) acc[i] = 0;
    const int64_t lo = b.n[p] * t / count;
    const int64_t hi = b.n[p] * (t + 1) / count;
    if (lo < hi) fn(x + lo * b.xs[p], slice(b, p, hi - lo), acc + lo * b.os[p]);
  });
  parallel_for(reach, kGrain, [&](int64_t begin, int64_t end, int) {
    for (int64_t i = begin; i < end; i++) {
      double s = accs[0][i];
      for (int t = 1; t < used; t++) s += accs[static_cast<size_t>(t)][i];
      out[i] = static_cast<float>(s);
    }
  });
}

}  // namespace sk
