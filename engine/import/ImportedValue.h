#pragma once
// What an ONNX tensor is on the engine's side while a model is imported.
//
// ONNX tensors carry the batch as their first axis; the engine keeps one sample per column in
// its own order. `dims` are the ONNX dims without the batch axis and `layout` says how the
// engine node's values relate to them:
//  - Flat: the same values in the same order ([N, F], a sequence [N, T, F] as T x F, a pooled
//    [N, C, 1, 1]): element-wise work, Dense and sequence layers read it as it is.
//  - Image: an NCHW tensor (dims C, H, W) held by the engine as H x W x C (channel fastest).
//  - ChwFlat: an image flattened by ONNX in C, H, W order while the engine's Flatten keeps
//    H, W, C: a following Dense permutes its weight columns to match (dims C, H, W).
//  - Nhwc: an [N, H, W, C] tensor (dims H, W, C), the engine's order; Transpose(0, 3, 1, 2)
//    makes it an Image (how NetCanvas's own exporter reaches NCHW).
//  - Raw4: a flat vector reshaped by ONNX to [N, a, b, c], not yet known as NHWC or NCHW.
//  - TimeMajor: a sequence transposed to [T, N, F], as recurrent operators take it.
//  - RnnY / RnnYh / RnnTimeMajor / RnnSeq: the outputs of a recurrent operator (Y [T, 1, N, H],
//    Y_h [1, N, H]), Y squeezed to [T, N, H], and that transposed to [N, T, H]. They stay
//    symbolic until a consumer shows whether the last step or the whole sequence is used.
//  - StepRows: a sequence T x F viewed as one row per step ([N * T, F], how NetCanvas's own
//    export runs TimeDistributed as one Gemm); dims T, F. A Gemm on it is a TimeDistributed.
//  - Expr: a partial element-wise expression (the Erf form of GELU, an input scaling) that
//    becomes one layer when complete.

#include "graph/Graph.h"

#include <memory>
#include <string>
#include <vector>

namespace engine::onnximport {

enum class Layout {
    Flat,
    Image,
    ChwFlat,
    Nhwc,
    Raw4,
    TimeMajor,
    RnnY,
    RnnYh,
    RnnTimeMajor,
    RnnSeq,
    StepRows,
    Expr
};

/// Steps of x 0.5 (1 + erf(x / sqrt 2)) and of (x - shift) * scale on the graph input.
enum class ExprKind {
    None,
    ErfArgument, ///< x / sqrt 2
    Erf, ///< erf(x / sqrt 2)
    OnePlusErf, ///< 1 + erf(x / sqrt 2)
    HalfX, ///< 0.5 x
    TwiceGelu, ///< x (1 + erf(x / sqrt 2))
    Shifted ///< input - shift
};

struct Value {
    Layout layout = Layout::Flat;
    NodeId node = -1; ///< the engine node holding the values (Raw4: the flat source)
    std::vector<long> dims; ///< ONNX dims without the batch axis
    int recurrent = -1; ///< index of the recurrent layer for the Rnn* layouts
    ExprKind expr = ExprKind::None;
    std::shared_ptr<const Value> base; ///< x of an Expr
    std::vector<double> shift; ///< of ExprKind::Shifted

    long size() const
    {
        long n = 1;
        for (long d : dims)
            n *= d;
        return n;
    }
};

} // namespace engine::onnximport
