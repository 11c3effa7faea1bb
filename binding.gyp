# Builds build/Release/sparsekit.node. Kernel files are found by suffix, so
# adding a kernel needs no edit here:
#   native/kernels/*.cc          portable C++ (baseline x86-64 / any CPU)
#   native/kernels/*.avx2.cc     compiled with AVX2 + FMA
#   native/kernels/*.avx512.cc   compiled with AVX-512 (F, BW, DQ, VL) + FMA
#   native/binding/*.cc          N-API glue (the only code that includes napi.h)
# The code picks an instruction set at run time (native/kernels/cpu.h), so no
# file is built with -march=native.
{
  "target_defaults": {
    "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
    "cflags_cc": ["-std=c++17", "-O3", "-fPIC", "-fexceptions", "-ffp-contract=fast", "-Wall", "-Wno-unused-function"],
    "cflags!": ["-fno-exceptions"],
    "include_dirs": ["native/kernels"],
  },
  "targets": [
    {
      "target_name": "kernels_avx2",
      "type": "static_library",
      "sources": ["<!@(node scripts/native-sources.mjs avx2)"],
      "cflags_cc": ["-mavx2", "-mfma", "-mf16c"],
    },
    {
      "target_name": "kernels_avx512",
      "type": "static_library",
      "sources": ["<!@(node scripts/native-sources.mjs avx512)"],
      "cflags_cc": ["-mavx512f", "-mavx512bw", "-mavx512dq", "-mavx512vl", "-mavx2", "-mfma", "-mf16c"],
    },
    {
      "target_name": "sparsekit",
      "dependencies": ["kernels_avx2", "kernels_avx512"],
      "sources": ["<!@(node scripts/native-sources.mjs portable)", "<!@(node scripts/native-sources.mjs binding)"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "libraries": ["-lpthread"],
    },
  ],
}
