// permute(x, shape, perm, out), as src/kernels/ref/permute.ts.
#include "permute.h"

#include "args.h"
#include "strided-args.h"

namespace sk::binding {
namespace {

Napi::Value Permute(const Napi::CallbackInfo& info) {
  const char* k = "permute";
  const Napi::Env env = info.Env();
  Args args(info, k, 4);
  const F32 x = args.f32(0, "x");
  int64_t total = 0;
  const std::vector<int64_t> shape = checked_shape(env, k, args.i32(1, "shape"), "shape", &total);
  const I32 perm_arg = args.i32(2, "perm");
  const F32 out = args.f32(3, "out");
  const size_t rank = shape.size();
  if (perm_arg.length != static_cast<int64_t>(rank)) {
    range_error(env, k, "perm has " + std::to_string(perm_arg.length) + " entries but shape has rank " + std::to_string(rank));
  }
  std::vector<int64_t> perm(rank);
  std::vector<bool> seen(rank, false);
  for (size_t d = 0; d < rank; d++) {
    const int32_t p = perm_arg.data[d];
    if (p < 0 || static_cast<size_t>(p) >= rank || seen[static_cast<size_t>(p)]) {
      range_error(env, k, "perm must name each axis 0.." + std::to_string(rank - 1) + " exactly once; perm[" + std::to_string(d) +
                              "] is " + std::to_string(p));
    }
    seen[static_cast<size_t>(p)] = true;
    perm[d] = p;
  }
  if (out.length != total) {
    range_error(env, k, "out holds " + std::to_string(out.length) + " elements but the permuted shape needs " + std::to_string(total));
  }
  args.fits(x.length, total, "x");
  if (total > 0) sk::permute(x.data, static_cast<int>(rank), shape.data(), perm.data(), out.data);
  return env.Undefined();
}

void Register(Napi::Env env, Napi::Object exports) { exports.Set("permute", Napi::Function::New(env, Permute, "permute")); }

static Registration reg(&Register);

}  // namespace
}  // namespace sk::binding
