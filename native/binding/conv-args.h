// The window sizes every convolution-shaped binding takes first:
// b, c, h, w, [o,] kh, kw, sh, sw, ph, pw, oh, ow (o only for the
// convolutions themselves). Each must fit in 31 bits and the strides be at
// least 1.
#pragma once

#include <napi.h>

#include <string>

#include "args.h"
#include "im2col.h"
#include "strided-args.h"

namespace sk::binding {

// The geometry from arguments 0-11, or 0-12 with the output channels (index 4) into *o when o is given.
inline ConvGeometry conv_geometry(const Args& args, const Napi::Env& env, const char* k, int64_t* o = nullptr) {
  const char* with_o[13] = {"b", "c", "h", "w", "o", "kh", "kw", "sh", "sw", "ph", "pw", "oh", "ow"};
  const char* without_o[12] = {"b", "c", "h", "w", "kh", "kw", "sh", "sw", "ph", "pw", "oh", "ow"};
  const char* const* names = o != nullptr ? with_o : without_o;
  const size_t count = o != nullptr ? 13 : 12;
  int64_t v[13];
  for (size_t i = 0; i < count; i++) {
    v[i] = args.index(i, names[i]);
    if (v[i] > (int64_t{1} << 31)) range_error(env, k, std::string(names[i]) + " is too large");
  }
  if (o != nullptr) {
    *o = v[4];
    // Close the gap o leaves, so that v reads b, c, h, w, kh, … in geometry order.
    for (size_t i = 4; i + 1 < count; i++) v[i] = v[i + 1];
  }
  const ConvGeometry g{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11]};
  if (g.sh < 1 || g.sw < 1) range_error(env, k, "strides sh and sw must be at least 1");
  return g;
}

}  // namespace sk::binding
