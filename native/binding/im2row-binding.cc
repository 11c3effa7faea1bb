// im2row(b, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, x, rows) and
// row2im(b, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, rows, x), as src/kernels/ref/im2row.ts.
#include "im2row.h"

#include "args.h"
#include "strided-args.h"

namespace sk::binding {
namespace {

ConvGeometry geometry(const Args& args, const Napi::Env& env, const char* k) {
  const char* names[12] = {"b", "c", "h", "w", "kh", "kw", "sh", "sw", "ph", "pw", "oh", "ow"};
  int64_t v[12];
  for (int i = 0; i < 12; i++) {
    v[i] = args.index(static_cast<size_t>(i), names[i]);
    if (v[i] > (int64_t{1} << 31)) range_error(env, k, std::string(names[i]) + " is too large");
  }
  if (v[6] < 1 || v[7] < 1) range_error(env, k, "strides sh and sw must be at least 1");
  return {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11]};
}

Napi::Value Im2row(const Napi::CallbackInfo& info) {
  const char* k = "im2row";
  const Napi::Env env = info.Env();
  Args args(info, k, 14);
  const ConvGeometry g = geometry(args, env, k);
  const F32 x = args.f32(12, "x");
  const F32 rows = args.f32(13, "rows");
  args.fits(x.length, product(env, k, {g.b, g.c, g.h, g.w}, "x"), "x");
  args.fits(rows.length, product(env, k, {g.b, g.oh, g.ow, g.kh, g.kw, g.c}, "rows"), "rows");
  sk::im2row(g, x.data, rows.data);
  return env.Undefined();
}

Napi::Value Row2im(const Napi::CallbackInfo& info) {
  const char* k = "row2im";
  const Napi::Env env = info.Env();
  Args args(info, k, 14);
  const ConvGeometry g = geometry(args, env, k);
  const F32 rows = args.f32(12, "rows");
  const F32 x = args.f32(13, "x");
  args.fits(rows.length, product(env, k, {g.b, g.oh, g.ow, g.kh, g.kw, g.c}, "rows"), "rows");
  args.fits(x.length, product(env, k, {g.b, g.c, g.h, g.w}, "x"), "x");
  sk::row2im(g, rows.data, x.data);
  return env.Undefined();
}

void Register(Napi::Env env, Napi::Object exports) {
  exports.Set("im2row", Napi::Function::New(env, Im2row, "im2row"));
  exports.Set("row2im", Napi::Function::New(env, Row2im, "row2im"));
}

static Registration reg(&Register);

}  // namespace
}  // namespace sk::binding
