#pragma once
// The decision-boundary picture of a plane: the grid of points a network is evaluated at and
// the picture made of its answers. Shared by the training worker (2-D inputs, the trainer's own
// graph) and the boundary view (planes through inputs of more features, its own copy).

#include "training/TrainingSnapshot.h"

namespace engine {
class Graph;
}

namespace widgets {

/// The centres of `frame`'s size x size cells, 2 x size^2, row by row from yMin (the order of
/// GridImage::values).
engine::Matrix planeGridPoints(const GridImage& frame);

/// The picture of `frame` from the network's answers at planeGridPoints(frame), after the loss's
/// output transform (`shown`: outputs x size^2): for several classes the predicted class, for
/// binary classification P(class 1), for regression the first output on the scale
/// [targetMin, targetMax] (the training targets' range).
BoundaryGrid boundaryFromOutputs(const GridImage& frame, const engine::Matrix& shown,
    bool classification, double targetMin, double targetMax);

/// The Playground's neuron thumbnails after `graph` ran forward on planeGridPoints(frame): each
/// node's output (not the network's output or loss) with 1..maxUnits units, one thumbSize x
/// thumbSize GridImage per unit, sampled at every (frame.size / thumbSize)-th grid cell.
std::vector<NeuronImages> neuronImagesOf(
    const engine::Graph& graph, const GridImage& frame, int thumbSize, int maxUnits);

} // namespace widgets
