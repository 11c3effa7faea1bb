// channelMoments(n, c, s, x, mean, variance),
// batchNormForward(n, c, s, x, mean, rstd, weight, bias, y) and
// batchNormBackward(n, c, s, batchStats, x, mean, rstd, weight, dy, dx, dweight, dbias),
// as src/kernels/ref/batch-norm.ts.
#include "batch-norm.h"

#include "args.h"
#include "strided-args.h"

namespace sk::binding {
namespace {

struct Dims {
  int64_t n, c, s, total;
};

Dims dims(const Args& args, const Napi::Env& env, const char* k) {
  Dims d{args.index(0, "n"), args.index(1, "c"), args.index(2, "s"), 0};
  d.total = product(env, k, {d.n, d.c, d.s}, "x");
  return d;
}

Napi::Value ChannelMoments(const Napi::CallbackInfo& info) {
  const char* k = "channelMoments";
  Args args(info, k, 6);
  const Dims d = dims(args, info.Env(), k);
  const F32 x = args.f32(3, "x");
  const F32 mean = args.f32(4, "mean");
  const F32 variance = args.f32(5, "variance");
  args.fits(x.length, d.total, "x");
  args.fits(mean.length, d.c, "mean");
  args.fits(variance.length, d.c, "variance");
  sk::channel_moments(d.n, d.c, d.s, x.data, mean.data, variance.data);
  return info.Env().Undefined();
}

Napi::Value BatchNormForward(const Napi::CallbackInfo& info) {
  const char* k = "batchNormForward";
  const Napi::Env env = info.Env();
  Args args(info, k, 9);
  const Dims d = dims(args, env, k);
  const F32 x = args.f32(3, "x");
  const F32 mean = args.f32(4, "mean");
  const F32 rstd = args.f32(5, "rstd");
  float* weight = optional_cols(env, k, args.f32(6, "weight"), "weight", d.c);
  float* bias = optional_cols(env, k, args.f32(7, "bias"), "bias", d.c);
  const F32 y = args.f32(8, "y");
  args.fits(x.length, d.total, "x");
  args.fits(mean.length, d.c, "mean");
  args.fits(rstd.length, d.c, "rstd");
  args.fits(y.length, d.total, "y");
  sk::batch_norm_forward(d.n, d.c, d.s, x.data, mean.data, rstd.data, weight, bias, y.data);
  return env.Undefined();
}

Napi::Value BatchNormBackward(const Napi::CallbackInfo& info) {
  const char* k = "batchNormBackward";
  const Napi::Env env = info.Env();
  Args args(info, k, 12);
  const Dims d = dims(args, env, k);
  const bool batch_stats = args.boolean(3, "batchStats");
  const F32 x = args.f32(4, "x");
  const F32 mean = args.f32(5, "mean");
  const F32 rstd = args.f32(6, "rstd");
  float* weight = optional_cols(env, k, args.f32(7, "weight"), "weight", d.c);
  const F32 dy = args.f32(8, "dy");
  const F32 dx = args.f32(9, "dx");
  float* dweight = optional_cols(env, k, args.f32(10, "dweight"), "dweight", d.c);
  float* dbias = optional_cols(env, k, args.f32(11, "dbias"), "dbias", d.c);
  args.fits(x.length, d.total, "x");
  args.fits(mean.length, d.c, "mean");
  args.fits(rstd.length, d.c, "rstd");
  args.fits(dy.length, d.total, "dy");
  args.fits(dx.length, d.total, "dx");
  sk::batch_norm_backward(d.n, d.c, d.s, batch_stats, x.data, mean.data, rstd.data, weight, dy.data, dx.data, dweight,
                          dbias);
  return env.Undefined();
}

void Register(Napi::Env env, Napi::Object exports) {
  exports.Set("channelMoments", Napi::Function::New(env, ChannelMoments, "channelMoments"));
  exports.Set("batchNormForward", Napi::Function::New(env, BatchNormForward, "batchNormForward"));
  exports.Set("batchNormBackward", Napi::Function::New(env, BatchNormBackward, "batchNormBackward"));
}

static Registration reg(&Register);

}  // namespace
}  // namespace sk::binding
