// Driver of layer normalisation: rows split between threads, loops of the
// active instruction set (layer-norm-impl.h). The backward's column sums
// (dweight, dbias) go to one float64 accumulator per thread, added in thread
// order at the end.
#include "layer-norm.h"

#include <vector>

#include "cpu.h"
#include "layer-norm-impl.h"
#include "thread-pool.h"

namespace sk {
namespace {

constexpr int64_t kGrain = 1 << 14;

LayerNormFns fns() {
  switch (active_isa()) {
    case Isa::Avx512: return layer_norm_fns_avx512();
    case Isa::Avx2: return layer_norm_fns_avx2();
    default: return layer_norm_fns_portable();
  }
}

int64_t row_grain(int64_t cols) { return cols >= kGrain ? 1 : kGrain / (cols > 0 ? cols : 1); }

}  // namespace

LayerNormFns layer_norm_fns_portable() { return layer_norm_fns_impl(); }

void layer_norm_forward(int64_t rows, int64_t cols, double eps, const float* x, const float* weight, const float* bias,
                        float* y, float* mean, float* rstd) {
  const auto f = fns().forward;
  parallel_for(rows, row_grain(cols),
               [&](int64_t r0, int64_t r1, int) { f(r0, r1, cols, eps, x, weight, bias, y, mean, rstd); });
}

void layer_norm_backward(int64_t rows, int64_t cols, const float* x, const float* weight, const float* mean,
                         const float* rstd, const float* dy, float* dx, float* dweight, float* dbias) {
  const auto f = fns().backward;
  const int64_t want = rows / row_grain(cols);
  const int nt = static_cast<int>(want < 1 ? 1 : (want < get_threads() ? want : get_threads()));
  const size_t width = static_cast<size_t>(cols);
  std::vector<double> dw(dweight ? width * nt : 0, 0.0);
  std::vector<double> db(dbias ? width * nt : 0, 0.0);
  parallel_run(nt, [&](int t, int count) {
    const int64_t r0 = rows * t / count;
    const int64_t r1 = rows * (t + 1) / count;
    f(r0, r1, cols, x, weight, mean, rstd, dy, dx, dweight ? dw.data() + width * t : nullptr,
      dbias ? db.data() + width * t : nullptr);
  });
  for (size_t c = 0; c < (dweight ? width : 0); c++) {
    double s = 0;
    for (int t = 0; t < nt; t++) s += dw[width * t + c];
    dweight[c] = static_cast<float>(s);
  }
  for (size_t c = 0; c < (dbias ? width : 0); c++) {
    double s = 0;
    for (int t = 0; t < nt; t++) s += db[width * t + c];
    dbias[c] = static_cast<float>(s);
  }
}

}  // namespace sk
