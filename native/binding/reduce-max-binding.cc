// reduceMax(outer, axisLen, inner, x, out, arg) and
// reduceMaxBackward(outer, axisLen, inner, g, arg, dx), as src/kernels/ref/reduce-max.ts.
#include "reduce-max.h"

#include "args.h"
#include "strided-args.h"

namespace sk::binding {
namespace {

struct Dims {
  int64_t outer, axis, inner, n_in, n_out;
};

Dims dims(const Args& args, const Napi::Env& env, const char* k) {
  Dims d{args.index(0, "outer"), args.index(1, "axisLen"), args.index(2, "inner"), 0, 0};
  if (d.axis < 1) range_error(env, k, "axisLen must be at least 1 (max over an empty axis is undefined)");
  d.n_in = product(env, k, {d.outer, d.axis, d.inner}, "x");
  d.n_out = d.outer * d.inner;
  return d;
}

Napi::Value ReduceMax(const Napi::CallbackInfo& info) {
  const char* k = "reduceMax";
  Args args(info, k, 6);
  const Dims d = dims(args, info.Env(), k);
  const F32 x = args.f32(3, "x");
  const F32 out = args.f32(4, "out");
  const I32 arg = args.i32(5, "arg");
  args.fits(x.length, d.n_in, "x");
  args.fits(out.length, d.n_out, "out");
  args.fits(arg.length, d.n_out, "arg");
  if (d.axis > 2147483647) range_error(info.Env(), k, "axisLen is too large for an Int32Array of positions");
  sk::reduce_max(d.outer, d.axis, d.inner, x.data, out.data, arg.data);
  return info.Env().Undefined();
}

Napi::Value ReduceMaxBackward(const Napi::CallbackInfo& info) {
  const char* k = "reduceMaxBackward";
  const Napi::Env env = info.Env();
  Args args(info, k, 6);
  const Dims d = dims(args, env, k);
  const F32 g = args.f32(3, "g");
  const I32 arg = args.i32(4, "arg");
  const F32 dx = args.f32(5, "dx");
  args.fits(g.length, d.n_out, "g");
  args.fits(arg.length, d.n_out, "arg");
  args.fits(dx.length, d.n_in, "dx");
  for (int64_t i = 0; i < d.n_out; i++) {
    if (arg.data[i] < 0 || arg.data[i] >= d.axis) {
      range_error(env, k, "arg[" + std::to_string(i) + "] is " + std::to_string(arg.data[i]) + ", outside [0, " +
                              std::to_string(d.axis) + "); pass the arg written by reduceMax");
    }
  }
  sk::reduce_max_backward(d.outer, d.axis, d.inner, g.data, arg.data, dx.data);
  return env.Undefined();
}

void Register(Napi::Env env, Napi::Object exports) {
  exports.Set("reduceMax", Napi::Function::New(env, ReduceMax, "reduceMax"));
  exports.Set("reduceMaxBackward", Napi::Function::New(env, ReduceMaxBackward, "reduceMaxBackward"));
}

static Registration reg(&Register);

}  // namespace
}  // namespace sk::binding
