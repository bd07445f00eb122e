// The element-wise kernels compiled for Avx512 (compile options: engine/CMakeLists.txt).
#include "core/Kernels.h"

#define NETCANVAS_KERNEL_TABLE avx512Table
#define NETCANVAS_KERNEL_LEVEL SimdLevel::Avx512
#include "core/kernels/KernelBodies.inc"
