#pragma once
// Element-wise kernels of the training loop (activations, bias, pooling, optimizer updates) as
// plain loops the compiler vectorizes, built three times: for baseline x86-64, for AVX2+FMA and
// for AVX-512 (core/kernels/Kernels*.cpp, one translation unit per instruction set). kernels()
// returns the table for the running CPU (core/CpuFeatures.h), chosen once.
//
// All pointers address contiguous arrays of n elements; in and out may be the same array where
// a kernel reads each element before writing it. No kernel allocates or throws.

#include "core/CpuFeatures.h"
#include "core/Scalar.h"

namespace engine {

/// The scalars of one Adam step, rounded to Scalar by the caller (1 - beta in double first).
struct AdamFactors {
    Scalar beta1, oneMinusBeta1, beta2, oneMinusBeta2;
    Scalar firstScale; ///< lr / (1 - beta1^t)
    Scalar secondScale; ///< 1 / (1 - beta2^t)
    Scalar epsilon;
};

struct ElementwiseKernels {
    SimdLevel level;
    /// a = max(z, 0)
    void (*reluForward)(const Scalar* z, Scalar* a, long n);
    /// out = z > 0 ? g : 0
    void (*reluBackward)(const Scalar* z, const Scalar* g, Scalar* out, long n);
    /// z(r, c) += b[r] over a column-major rows x cols array; with relu also a = max(z, 0).
    void (*addBias)(Scalar* z, const Scalar* b, long rows, long cols);
    void (*addBiasRelu)(Scalar* z, const Scalar* b, Scalar* a, long rows, long cols);
    /// Max-pooling of one window of rows x cols pixels with c channels each: src is its first
    /// pixel, rowStride the distance between its rows, first the index of src in the image.
    /// best[k] = the window's largest value of channel k, arg[k] its index (first + offset; the
    /// first maximum wins, as in PyTorch).
    void (*maxPoolWindow)(const Scalar* src, int rows, int cols, long rowStride, int c, int first,
        Scalar* best, int* arg);
    /// maxPoolWindow without the argmax, for inference (nothing goes backward).
    void (*maxPoolWindowValues)(
        const Scalar* src, int rows, int cols, long rowStride, int c, Scalar* best);
    /// out = W p + b, a convolution's product read from its input in place: W is filters x depth
    /// (column-major), out filters x n, and column j of p is read where it lies:
    /// p(t, j) = x[j * columnStride + taps[t]] (im2col's patches with taps[t] = t and
    /// columnStride = depth, or the windows of an image row directly). Sums of several columns
    /// and 16 filters stay in registers across all taps, so neither the patches nor the sums
    /// are written out; for the convolutions of small images this beats im2col and GEMM (the
    /// Fashion CNN's convs: 9 and 288 taps). b may be null; with relu also out = max(out, 0).
    void (*windowProduct)(const Scalar* w, const Scalar* x, const long* taps, long columnStride,
        const Scalar* b, Scalar* out, long filters, long depth, long n, bool relu);
    /// w -= rate g
    void (*sgdStep)(Scalar* w, const Scalar* g, Scalar rate, long n);
    /// v = mu v + g; w -= rate v, or with nesterov w -= rate (g + mu v)
    void (*momentumStep)(
        Scalar* w, Scalar* v, const Scalar* g, Scalar mu, Scalar rate, bool nesterov, long n);
    /// m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; w -= firstScale m / (sqrt(secondScale v)
    /// + eps)  [Kingma & Ba 2015, Algorithm 1, bias corrections folded into the scales]
    void (*adamStep)(
        Scalar* w, Scalar* m, Scalar* v, const Scalar* g, const AdamFactors& f, long n);
};

/// The table for the running CPU.
const ElementwiseKernels& kernels();

/// Every table this CPU can run, baseline first (for tests comparing them).
const ElementwiseKernels* const* runnableKernelTables(int& count);

namespace kernels_impl {
const ElementwiseKernels& baselineTable();
const ElementwiseKernels& avx2Table();
const ElementwiseKernels& avx512Table();
} // namespace kernels_impl

} // namespace engine
