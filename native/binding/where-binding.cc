// where(cond, a, b, out, outShape, condStrides, aStrides, bStrides), as src/kernels/ref/where.ts.
#include "where.h"

#include "args.h"
#include "strided-args.h"

namespace sk::binding {
namespace {

Napi::Value Where(const Napi::CallbackInfo& info) {
  const char* k = "where";
  const Napi::Env env = info.Env();
  Args args(info, k, 8);
  const F32 cond = args.f32(0, "cond");
  const F32 a = args.f32(1, "a");
  const F32 b = args.f32(2, "b");
  const F32 out = args.f32(3, "out");
  int64_t total = 0;
  const std::vector<int64_t> shape = checked_shape(env, k, args.i32(4, "outShape"), "outShape", &total);
  const std::vector<int64_t> cs = checked_strides(env, k, args.i32(5, "condStrides"), "condStrides", shape, "outShape");
  const std::vector<int64_t> as = checked_strides(env, k, args.i32(6, "aStrides"), "aStrides", shape, "outShape");
  const std::vector<int64_t> bs = checked_strides(env, k, args.i32(7, "bStrides"), "bStrides", shape, "outShape");
  if (out.length != total) {
    range_error(env, k, "out holds " + std::to_string(out.length) + " elements but outShape needs " + std::to_string(total));
  }
  if (total == 0) return env.Undefined();
  args.fits(cond.length, reach(shape, cs), "cond");
  args.fits(a.length, reach(shape, as), "a");
  args.fits(b.length, reach(shape, bs), "b");
  sk::where(cond.data, a.data, b.data, out.data, static_cast<int>(shape.size()), shape.data(), cs.data(), as.data(),
            bs.data());
  return env.Undefined();
}

void Register(Napi::Env env, Napi::Object exports) { exports.Set("where", Napi::Function::New(env, Where, "where")); }

static Registration reg(&Register);

}  // namespace
}  // namespace sk::binding
