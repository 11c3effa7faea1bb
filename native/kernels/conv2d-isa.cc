// Portable parts of the shifted-window convolution (see conv2d-isa.h):
// a 4×8 output tile and the generic dot products.
#include "conv2d-isa-impl.h"

namespace sk {

const ConvIsa& conv_isa_portable() {
  static const ConvIsa isa = make_conv_isa<4, 8, GenericDots>(generic_tile<4, 8>);
  return isa;
}

}  // namespace sk
