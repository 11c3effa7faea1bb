// maxPool2dForward, maxPool2dBackward, avgPool2dForward and avgPool2dBackward,
// as src/kernels/ref/pool2d.ts. Argmax entries are checked before the
// backward scatters through them.
#include "pool2d.h"

#include "args.h"
#include "strided-args.h"

namespace sk::binding {
namespace {

// planes, h, w, then (unless `short_form`) kh, kw, sh, sw, ph, pw, then oh, ow.
PoolGeometry geometry(const Args& args, const Napi::Env& env, const char* k, bool short_form) {
  PoolGeometry g{args.index(0, "planes"), args.index(1, "h"), args.index(2, "w"), 1, 1, 1, 1, 0, 0, 0, 0};
  size_t i = 3;
  if (!short_form) {
    g.kh = args.index(i++, "kh");
    g.kw = args.index(i++, "kw");
    g.sh = args.index(i++, "sh");
    g.sw = args.index(i++, "sw");
    g.ph = args.index(i++, "ph");
    g.pw = args.index(i++, "pw");
  }
  g.oh = args.index(i++, "oh");
  g.ow = args.index(i++, "ow");
  const int64_t all[] = {g.planes, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.oh, g.ow};
  for (int64_t v : all) {
    if (v > (int64_t{1} << 31)) range_error(env, k, "a size or stride is too large: " + std::to_string(v));
  }
  if (g.h * g.w > 2147483647) range_error(env, k, "planes of more than 2^31 elements cannot be indexed by argmax");
  return g;
}

Napi::Value MaxPoolForward(const Napi::CallbackInfo& info) {
  const char* k = "maxPool2dForward";
  const Napi::Env env = info.Env();
  Args args(info, k, 14);
  const PoolGeometry g = geometry(args, env, k, false);
  const F32 x = args.f32(11, "x");
  const F32 y = args.f32(12, "y");
  const I32 argmax = args.i32(13, "argmax");
  const int64_t ny = product(env, k, {g.planes, g.oh, g.ow}, "y");
  args.fits(x.length, product(env, k, {g.planes, g.h, g.w}, "x"), "x");
  args.fits(y.length, ny, "y");
  args.fits(argmax.length, ny, "argmax");
  sk::max_pool2d_forward(g, x.data, y.data, argmax.data);
  return env.Undefined();
}

Napi::Value MaxPoolBackward(const Napi::CallbackInfo& info) {
  const char* k = "maxPool2dBackward";
  const Napi::Env env = info.Env();
  Args args(info, k, 8);
  const PoolGeometry g = geometry(args, env, k, true);
  const I32 argmax = args.i32(5, "argmax");
  const F32 dy = args.f32(6, "dy");
  const F32 dx = args.f32(7, "dx");
  const int64_t ny = product(env, k, {g.planes, g.oh, g.ow}, "dy");
  args.fits(argmax.length, ny, "argmax");
  args.fits(dy.length, ny, "dy");
  args.fits(dx.length, product(env, k, {g.planes, g.h, g.w}, "dx"), "dx");
  const int64_t plane = g.h * g.w;
  for (int64_t i = 0; i < ny; i++) {
    if (argmax.data[i] < -1 || argmax.data[i] >= plane) {
      range_error(env, k, "argmax[" + std::to_string(i) + "] is " + std::to_string(argmax.data[i]) + ", outside [-1, " +
                              std::to_string(plane) + "); pass the argmax written by maxPool2dForward");
    }
  }
  sk::max_pool2d_backward(g, argmax.data, dy.data, dx.data);
  return env.Undefined();
}

Napi::Value AvgPoolForward(const Napi::CallbackInfo& info) {
  const char* k = "avgPool2dForward";
  const Napi::Env env = info.Env();
  Args args(info, k, 14);
  const PoolGeometry g = geometry(args, env, k, false);
  const bool include_pad = args.boolean(11, "countIncludePad");
  const F32 x = args.f32(12, "x");
  const F32 y = args.f32(13, "y");
  args.fits(x.length, product(env, k, {g.planes, g.h, g.w}, "x"), "x");
  args.fits(y.length, product(env, k, {g.planes, g.oh, g.ow}, "y"), "y");
  sk::avg_pool2d_forward(g, include_pad, x.data, y.data);
  return env.Undefined();
}

Napi::Value AvgPoolBackward(const Napi::CallbackInfo& info) {
  const char* k = "avgPool2dBackward";
  const Napi::Env env = info.Env();
  Args args(info, k, 14);
  const PoolGeometry g = geometry(args, env, k, false);
  const bool include_pad = args.boolean(11, "countIncludePad");
  const F32 dy = args.f32(12, "dy");
  const F32 dx = args.f32(13, "dx");
  args.fits(dy.length, product(env, k, {g.planes, g.oh, g.ow}, "dy"), "dy");
  args.fits(dx.length, product(env, k, {g.planes, g.h, g.w}, "dx"), "dx");
  sk::avg_pool2d_backward(g, include_pad, dy.data, dx.data);
  return env.Undefined();
}

void Register(Napi::Env env, Napi::Object exports) {
  exports.Set("maxPool2dForward", Napi::Function::New(env, MaxPoolForward, "maxPool2dForward"));
  exports.Set("maxPool2dBackward", Napi::Function::New(env, MaxPoolBackward, "maxPool2dBackward"));
  exports.Set("avgPool2dForward", Napi::Function::New(env, AvgPoolForward, "avgPool2dForward"));
  exports.Set("avgPool2dBackward", Napi::Function::New(env, AvgPoolBackward, "avgPool2dBackward"));
}

static Registration reg(&Register);

}  // namespace
}  // namespace sk::binding
