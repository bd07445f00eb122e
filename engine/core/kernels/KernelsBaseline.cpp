// The element-wise kernels compiled for Baseline (compile options: engine/CMakeLists.txt).
#include "core/Kernels.h"

#define NETCANVAS_KERNEL_TABLE baselineTable
#define NETCANVAS_KERNEL_LEVEL SimdLevel::Baseline
#include "core/kernels/KernelBodies.inc"
