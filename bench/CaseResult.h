#pragma once
// One benchmark case measured on both sides: NetCanvas and its baseline (PyTorch for training,
// ONNX Runtime for inference), with the arithmetic that turns samples/s into GFLOP/s.

#include "RateSamples.h"

#include <string>

namespace bench {

struct CaseResult {
    std::string bench; ///< "mlp", "cnn", "lstm" (training), "infer-mlp", "infer-cnn"
    std::string title; ///< for people: "MLP training", "CNN inference"
    int threads = 1;
    int batch = 1;
    RateSamples ours;
    RateSamples theirs; ///< empty when the baseline did not run
    std::string baseline; ///< "PyTorch", "ONNX Runtime"
    double flopsPerSample = 0; ///< 0 where unknown (the LSTM): no GFLOP/s then
    double peakGflops = 0; ///< the SGEMM peak at `threads`

    double gflops(const RateSamples& side) const { return side.best() * flopsPerSample / 1e9; }
    double peakFraction(const RateSamples& side) const
    {
        return peakGflops > 0 ? gflops(side) / peakGflops : 0;
    }
    /// NetCanvas / baseline, of the best runs (above 1: NetCanvas is faster).
    double ratio() const { return theirs.empty() ? 0 : ours.best() / theirs.best(); }
    double ratioOfMedians() const { return theirs.empty() ? 0 : ours.median() / theirs.median(); }
};

} // namespace bench
