// gemm(batch, transA, transB, m, n, k, alpha, a, strideA, lda, b, strideB,
//      ldb, beta, c, strideC, ldc), as gemmRef in src/kernels/ref/gemm.ts.
// Checks that every element the sizes reach lies inside a, b and c, that the
// rows of C do not overlap and that C shares no memory with A or B.
#include <new>

#include "args.h"
#include "gemm.h"

namespace sk::binding {
namespace {

[[noreturn]] void range_error(const Napi::Env& env, const char* kernel, const std::string& what) {
  throw Napi::RangeError::New(env, std::string(kernel) + ": " + what);
}

// a·b + c, or -1 on overflow (all inputs are non-negative).
int64_t mul_add(int64_t a, int64_t b, int64_t c) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r) || __builtin_add_overflow(r, c, &r)) return -1;
  return r;
}

// Elements a batch of row-major [rows, cols] matrices with row stride ld
// reaches: (batch-1)·stride + (rows-1)·ld + cols, or 0 when it is empty.
int64_t reach_of(const Napi::Env& env, int64_t batch, int64_t stride, int64_t rows, int64_t ld, int64_t cols,
                 const char* name) {
  if (batch == 0 || rows == 0 || cols == 0) return 0;
  const int64_t last = mul_add(rows - 1, ld, cols);
  const int64_t need = last < 0 ? -1 : mul_add(batch - 1, stride, last);
  if (need < 0) range_error(env, "gemm", std::string("the sizes and strides of ") + name + " overflow 64-bit indices");
  return need;
}

bool overlaps(const float* x, int64_t nx, const float* y, int64_t ny) {
  return nx > 0 && ny > 0 && x < y + ny && y < x + nx;
}

Napi::Value Gemm(const Napi::CallbackInfo& info) {
  const char* k_name = "gemm";
  const Napi::Env env = info.Env();
  Args args(info, k_name, 17);
  const int64_t batch = args.index(0, "batch");
  const bool trans_a = args.boolean(1, "transA");
  const bool trans_b = args.boolean(2, "transB");
  const int64_t m = args.index(3, "m");
  const int64_t n = args.index(4, "n");
  const int64_t k = args.index(5, "k");
  const double alpha = args.number(6, "alpha");
  const F32 a = args.f32(7, "a");
  const int64_t stride_a = args.index(8, "strideA");
  const int64_t lda = args.index(9, "lda");
  const F32 b = args.f32(10, "b");
  const int64_t stride_b = args.index(11, "strideB");
  const int64_t ldb = args.index(12, "ldb");
  const double beta = args.number(13, "beta");
  const F32 c = args.f32(14, "c");
  const int64_t stride_c = args.index(15, "strideC");
  const int64_t ldc = args.index(16, "ldc");

  const int64_t kk = m == 0 || n == 0 ? 0 : k;  // A and B are not read when C is empty
  const int64_t need_a = trans_a ? reach_of(env, batch, stride_a, kk, lda, m, "a") : reach_of(env, batch, stride_a, m, lda, kk, "a");
  const int64_t need_b = trans_b ? reach_of(env, batch, stride_b, n, ldb, kk, "b") : reach_of(env, batch, stride_b, kk, ldb, n, "b");
  const int64_t need_c = reach_of(env, batch, stride_c, m, ldc, n, "c");
  args.fits(a.length, need_a, trans_a ? "a ([k, m] with row stride lda)" : "a ([m, k] with row stride lda)");
  args.fits(b.length, need_b, trans_b ? "b ([n, k] with row stride ldb)" : "b ([k, n] with row stride ldb)");
  args.fits(c.length, need_c, "c ([m, n] with row stride ldc)");
  if (m > 1 && n > 0 && ldc < n) {
    range_error(env, k_name, "ldc " + std::to_string(ldc) + " is less than n " + std::to_string(n) +
                                 ", so rows of C would overlap; pass ldc >= n");
  }
  if (overlaps(c.data, need_c, a.data, need_a) || overlaps(c.data, need_c, b.data, need_b)) {
    range_error(env, k_name, std::string("c shares memory with ") + (overlaps(c.data, need_c, a.data, need_a) ? "a" : "b") +
                                 "; write the result to a separate array");
  }
  try {
    sk::gemm(batch, trans_a, trans_b, m, n, k, static_cast<float>(alpha), a.data, stride_a, lda, b.data, stride_b, ldb,
             static_cast<float>(beta), c.data, stride_c, ldc);
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(env, "gemm: out of memory for the packing buffers");
  }
  return env.Undefined();
}

void Register(Napi::Env env, Napi::Object exports) { exports.Set("gemm", Napi::Function::New(env, Gemm, "gemm")); }

static Registration reg(&Register);

}  // namespace
}  // namespace sk::binding
