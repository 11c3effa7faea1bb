// AVX2 parts of the shifted-window convolution (see conv2d-isa.h): the
// generic code compiled for AVX2, a 4×16 output tile (8 ymm accumulators).
#include "conv2d-isa-impl.h"

namespace sk {

const ConvIsa& conv_isa_avx2() {
  static const ConvIsa isa = make_conv_isa<4, 16, GenericDots>(generic_tile<4, 16>);
  return isa;
}

}  // namespace sk
