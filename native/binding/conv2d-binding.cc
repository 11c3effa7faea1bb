// conv2dForward(b, c, h, w, o, kh, kw, sh, sw, ph, pw, oh, ow, x, weight, bias, y),
// conv2dBackwardInput(b, c, h, w, o, kh, kw, sh, sw, ph, pw, oh, ow, dy, weight, dx),
// conv2dBackwardWeight(b, c, h, w, o, kh, kw, sh, sw, ph, pw, oh, ow, x, dy, dw),
// as src/kernels/ref/conv2d.ts. bias is [O] or empty (none). Checks that
// OH and OW follow from the other sizes, that every array holds what the
// sizes reach and that the output shares no memory with an input.
#include <new>
#include <string>

#include "args.h"
#include "conv-args.h"
#include "conv2d.h"
#include "strided-args.h"

namespace sk::binding {
namespace {

// Arguments before the arrays: the window sizes with the output channels.
constexpr size_t kSizes = 13;

struct Conv {
  ConvGeometry g;
  int64_t o;
};

// Output length along one axis: ⌊(in + 2·pad − k) / stride⌋ + 1, or -1 when the window does not fit.
int64_t out_len(int64_t in, int64_t k, int64_t stride, int64_t pad) {
  return in + 2 * pad < k ? -1 : (in + 2 * pad - k) / stride + 1;
}

Conv conv_of(const Args& args, const Napi::Env& env, const char* k) {
  Conv cv{};
  cv.g = conv_geometry(args, env, k, &cv.o);
  const ConvGeometry& g = cv.g;
  const int64_t oh = out_len(g.h, g.kh, g.sh, g.ph);
  const int64_t ow = out_len(g.w, g.kw, g.sw, g.pw);
  if (oh < 0 || ow < 0) {
    range_error(env, k, "the " + std::to_string(g.kh) + "×" + std::to_string(g.kw) + " kernel is larger than the padded " +
                            std::to_string(g.h + 2 * g.ph) + "×" + std::to_string(g.w + 2 * g.pw) + " input; pad more or use a smaller kernel");
  }
  if (g.oh != oh || g.ow != ow) {
    range_error(env, k, "output " + std::to_string(g.oh) + "×" + std::to_string(g.ow) + " does not match the " +
                            std::to_string(oh) + "×" + std::to_string(ow) + " that the input, kernel, stride and padding give");
  }
  return cv;
}

int64_t image_size(const Napi::Env& env, const char* k, const Conv& cv) { return product(env, k, {cv.g.b, cv.g.c, cv.g.h, cv.g.w}, "x"); }
int64_t weight_size(const Napi::Env& env, const char* k, const Conv& cv) { return product(env, k, {cv.o, cv.g.c, cv.g.kh, cv.g.kw}, "weight"); }
int64_t output_size(const Napi::Env& env, const char* k, const Conv& cv) { return product(env, k, {cv.g.b, cv.o, cv.g.oh, cv.g.ow}, "y"); }

// Refuses an output that shares memory with an input: chunks are read after earlier chunks are written.
void apart(const Napi::Env& env, const char* k, const F32& out, int64_t n_out, const char* out_name, const F32& in, int64_t n_in,
           const char* in_name) {
  if (n_out > 0 && n_in > 0 && out.data < in.data + n_in && in.data < out.data + n_out) {
    range_error(env, k, std::string(out_name) + " shares memory with " + in_name + "; write the result to a separate array");
  }
}

template <class F>
Napi::Value guarded(const Napi::Env& env, const char* k, F f) {
  try {
    f();
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(env, std::string(k) + ": out of memory for the convolution's scratch buffers");
  }
  return env.Undefined();
}

Napi::Value Forward(const Napi::CallbackInfo& info) {
  const char* k = "conv2dForward";
  const Napi::Env env = info.Env();
  Args args(info, k, kSizes + 4);
  const Conv cv = conv_of(args, env, k);
  const F32 x = args.f32(kSizes, "x");
  const F32 w = args.f32(kSizes + 1, "weight");
  const F32 bias = args.f32(kSizes + 2, "bias");
  const F32 y = args.f32(kSizes + 3, "y");
  const int64_t nx = image_size(env, k, cv), nw = weight_size(env, k, cv), ny = output_size(env, k, cv);
  args.fits(x.length, nx, "x");
  args.fits(w.length, nw, "weight");
  args.fits(y.length, ny, "y");
  const float* b = optional_cols(env, k, bias, "bias", cv.o);
  apart(env, k, y, ny, "y", x, nx, "x");
  apart(env, k, y, ny, "y", w, nw, "weight");
  if (b != nullptr) apart(env, k, y, ny, "y", bias, cv.o, "bias");
  return guarded(env, k, [&] { conv2d_forward(cv.g, cv.o, x.data, w.data, b, y.data); });
}

Napi::Value BackwardInput(const Napi::CallbackInfo& info) {
  const char* k = "conv2dBackwardInput";
  const Napi::Env env = info.Env();
  Args args(info, k, kSizes + 3);
  const Conv cv = conv_of(args, env, k);
  const F32 dy = args.f32(kSizes, "dy");
  const F32 w = args.f32(kSizes + 1, "weight");
  const F32 dx = args.f32(kSizes + 2, "dx");
  const int64_t nx = image_size(env, k, cv), nw = weight_size(env, k, cv), ny = output_size(env, k, cv);
  args.fits(dy.length, ny, "dy");
  args.fits(w.length, nw, "weight");
  args.fits(dx.length, nx, "dx");
  apart(env, k, dx, nx, "dx", dy, ny, "dy");
  apart(env, k, dx, nx, "dx", w, nw, "weight");
  return guarded(env, k, [&] { conv2d_backward_input(cv.g, cv.o, dy.data, w.data, dx.data); });
}

Napi::Value BackwardWeight(const Napi::CallbackInfo& info) {
  const char* k = "conv2dBackwardWeight";
  const Napi::Env env = info.Env();
  Args args(info, k, kSizes + 3);
  const Conv cv = conv_of(args, env, k);
  const F32 x = args.f32(kSizes, "x");
  const F32 dy = args.f32(kSizes + 1, "dy");
  const F32 dw = args.f32(kSizes + 2, "dw");
  const int64_t nx = image_size(env, k, cv), nw = weight_size(env, k, cv), ny = output_size(env, k, cv);
  args.fits(x.length, nx, "x");
  args.fits(dy.length, ny, "dy");
  args.fits(dw.length, nw, "dw");
  apart(env, k, dw, nw, "dw", x, nx, "x");
  apart(env, k, dw, nw, "dw", dy, ny, "dy");
  return guarded(env, k, [&] { conv2d_backward_weight(cv.g, cv.o, x.data, dy.data, dw.data); });
}

void Register(Napi::Env env, Napi::Object exports) {
  exports.Set("conv2dForward", Napi::Function::New(env, Forward, "conv2dForward"));
  exports.Set("conv2dBackwardInput", Napi::Function::New(env, BackwardInput, "conv2dBackwardInput"));
  exports.Set("conv2dBackwardWeight", Napi::Function::New(env, BackwardWeight, "conv2dBackwardWeight"));
}

static Registration reg(&Register);

}  // namespace
}  // namespace sk::binding
