// The four copies between an image batch x [B, C, H, W] and its patches
// (oh·ow positions of a kh × kw window), with the window geometry as the
// first twelve arguments (b, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow):
//   im2col(..., x, col) and col2im(..., col, x): col [B, C·kh·kw, oh·ow], as src/kernels/ref/im2col.ts;
//   im2row(..., x, rows) and row2im(..., rows, x): rows [B·oh·ow, kh·kw·C], as src/kernels/ref/im2row.ts.
#include "args.h"
#include "conv-args.h"
#include "im2col.h"
#include "im2row.h"
#include "strided-args.h"

namespace sk::binding {
namespace {

using PatchCopy = void (*)(const ConvGeometry&, const float*, float*);

// Checks the geometry and both buffers, then copies src into dst; `patches`
// names the patch buffer, the image buffer is always x.
Napi::Value copy(const Napi::CallbackInfo& info, const char* k, const char* patches, bool to_patches, PatchCopy fn) {
  const Napi::Env env = info.Env();
  Args args(info, k, 14);
  const ConvGeometry g = conv_geometry(args, env, k);
  const char* src_name = to_patches ? "x" : patches;
  const char* dst_name = to_patches ? patches : "x";
  const F32 src = args.f32(12, src_name);
  const F32 dst = args.f32(13, dst_name);
  const int64_t image = product(env, k, {g.b, g.c, g.h, g.w}, "x");
  const int64_t patch = product(env, k, {g.b, g.c, g.kh, g.kw, g.oh, g.ow}, patches);
  args.fits(src.length, to_patches ? image : patch, src_name);
  args.fits(dst.length, to_patches ? patch : image, dst_name);
  fn(g, src.data, dst.data);
  return env.Undefined();
}

void Register(Napi::Env env, Napi::Object exports) {
  const auto add = [&](const char* name, Napi::Function::Callback cb) { exports.Set(name, Napi::Function::New(env, cb, name)); };
  add("im2col", [](const Napi::CallbackInfo& i) { return copy(i, "im2col", "col", true, sk::im2col); });
  add("col2im", [](const Napi::CallbackInfo& i) { return copy(i, "col2im", "col", false, sk::col2im); });
  add("im2row", [](const Napi::CallbackInfo& i) { return copy(i, "im2row", "rows", true, sk::im2row); });
  add("row2im", [](const Napi::CallbackInfo& i) { return copy(i, "row2im", "rows", false, sk::row2im); });
}

static Registration reg(&Register);

}  // namespace
}  // namespace sk::binding
