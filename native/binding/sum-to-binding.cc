// sumTo(x, xShape, outStrides, out), as sumToRef in src/kernels/ref/reduce-axes.ts.
#include "sum-to.h"

#include "args.h"
#include "strided-args.h"

namespace sk::binding {
namespace {

Napi::Value SumTo(const Napi::CallbackInfo& info) {
  const char* k = "sumTo";
  const Napi::Env env = info.Env();
  Args args(info, k, 4);
  const F32 x = args.f32(0, "x");
  int64_t total = 0;
  const std::vector<int64_t> shape = checked_shape(env, k, args.i32(1, "xShape"), "xShape", &total);
  const std::vector<int64_t> os = checked_strides(env, k, args.i32(2, "outStrides"), "outStrides", shape, "xShape");
  const F32 out = args.f32(3, "out");
  if (x.length != total) {
    range_error(env, k, "x holds " + std::to_string(x.length) + " elements but xShape needs " + std::to_string(total));
  }
  if (total > 0 || shape.empty()) args.fits(out.length, shape.empty() ? 1 : reach(shape, os), "out");
  sk::sum_to(x.data, static_cast<int>(shape.size()), shape.data(), os.data(), out.data, out.length);
  return env.Undefined();
}

void Register(Napi::Env env, Napi::Object exports) { exports.Set("sumTo", Napi::Function::New(env, SumTo, "sumTo")); }

static Registration reg(&Register);

}  // namespace
}  // namespace sk::binding
