// layerNormForward(rows, cols, eps, x, weight, bias, y, mean, rstd) and
// layerNormBackward(rows, cols, x, weight, mean, rstd, dy, dx, dweight, dbias),
// as src/kernels/ref/layer-norm.ts.
#include "layer-norm.h"

#include "args.h"
#include "strided-args.h"

namespace sk::binding {
namespace {

Napi::Value LayerNormForward(const Napi::CallbackInfo& info) {
  const char* k = "layerNormForward";
  const Napi::Env env = info.Env();
  Args args(info, k, 9);
  const int64_t rows = args.index(0, "rows");
  const int64_t cols = args.index(1, "cols");
  const int64_t n = elements(env, k, rows, cols);
  const double eps = args.number(2, "eps");
  const F32 x = args.f32(3, "x");
  float* weight = optional_cols(env, k, args.f32(4, "weight"), "weight", cols);
  float* bias = optional_cols(env, k, args.f32(5, "bias"), "bias", cols);
  const F32 y = args.f32(6, "y");
  const F32 mean = args.f32(7, "mean");
  const F32 rstd = args.f32(8, "rstd");
  args.fits(x.length, n, "x");
  args.fits(y.length, n, "y");
  args.fits(mean.length, rows, "mean");
  args.fits(rstd.length, rows, "rstd");
  sk::layer_norm_forward(rows, cols, eps, x.data, weight, bias, y.data, mean.data, rstd.data);
  return env.Undefined();
}

Napi::Value LayerNormBackward(const Napi::CallbackInfo& info) {
  const char* k = "layerNormBackward";
  const Napi::Env env = info.Env();
  Args args(info, k, 10);
  const int64_t rows = args.index(0, "rows");
  const int64_t cols = args.index(1, "cols");
  const int64_t n = elements(env, k, rows, cols);
  const F32 x = args.f32(2, "x");
  float* weight = optional_cols(env, k, args.f32(3, "weight"), "weight", cols);
  const F32 mean = args.f32(4, "mean");
  const F32 rstd = args.f32(5, "rstd");
  const F32 dy = args.f32(6, "dy");
  const F32 dx = args.f32(7, "dx");
  float* dweight = optional_cols(env, k, args.f32(8, "dweight"), "dweight", cols);
  float* dbias = optional_cols(env, k, args.f32(9, "dbias"), "dbias", cols);
  args.fits(x.length, n, "x");
  args.fits(mean.length, rows, "mean");
  args.fits(rstd.length, rows, "rstd");
  args.fits(dy.length, n, "dy");
  args.fits(dx.length, n, "dx");
  sk::layer_norm_backward(rows, cols, x.data, weight, mean.data, rstd.data, dy.data, dx.data, dweight, dbias);
  return env.Undefined();
}

void Register(Napi::Env env, Napi::Object exports) {
  exports.Set("layerNormForward", Napi::Function::New(env, LayerNormForward, "layerNormForward"));
  exports.Set("layerNormBackward", Napi::Function::New(env, LayerNormBackward, "layerNormBackward"));
}

static Registration reg(&Register);

}  // namespace
}  // namespace sk::binding
