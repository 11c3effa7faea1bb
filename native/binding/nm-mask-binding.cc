// nmMask(w, outer, dim, inner, n, m, out), as src/kernels/ref/nm-mask.ts.
#include "nm-mask.h"

#include "args.h"
#include "strided-args.h"

namespace sk::binding {
namespace {

Napi::Value NmMask(const Napi::CallbackInfo& info) {
  const char* k = "nmMask";
  const Napi::Env env = info.Env();
  Args args(info, k, 7);
  const F32 w = args.f32(0, "w");
  const int64_t outer = args.index(1, "outer");
  const int64_t dim = args.index(2, "dim");
  const int64_t inner = args.index(3, "inner");
  const int64_t n = args.index(4, "n");
  const int64_t m = args.index(5, "m");
  const F32 out = args.f32(6, "out");
  if (n < 1 || n > m) range_error(env, k, "n = " + std::to_string(n) + " must satisfy 1 <= n <= m = " + std::to_string(m));
  if (dim % m != 0) range_error(env, k, "m = " + std::to_string(m) + " does not divide dim = " + std::to_string(dim));
  const int64_t total = product(env, k, {outer, dim, inner}, "w");
  args.fits(w.length, total, "w");
  args.fits(out.length, total, "out");
  sk::nm_mask(w.data, outer, dim, inner, n, m, out.data);
  return env.Undefined();
}

void Register(Napi::Env env, Napi::Object exports) { exports.Set("nmMask", Napi::Function::New(env, NmMask, "nmMask")); }

static Registration reg(&Register);

}  // namespace
}  // namespace sk::binding
