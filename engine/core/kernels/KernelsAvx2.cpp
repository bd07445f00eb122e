// The element-wise kernels compiled for Avx2 (compile options: engine/CMakeLists.txt).
#include "core/Kernels.h"

#define NETCANVAS_KERNEL_TABLE avx2Table
#define NETCANVAS_KERNEL_LEVEL SimdLevel::Avx2
#include "core/kernels/KernelBodies.inc"
