#pragma once
// The "trainingState" of a trained project file: what `netcanvas-train --resume` and the window
// need, beside the weights, to continue a run exactly (engine/training/TrainerState.h).
//
// {"epochsDone":10,"stepsDone":40,"samplesSeen":640,"shuffleRandom":"<generator state>",
//  "epochProgress":{"cursor":..,"batch":..,"lossSum":..,"samples":..,"correct":..},  (inside an
//  epoch) "layerRandom":{"4":"<generator state>"},
//  "optimizer":{"type":"adam","steps":40,"slots":{"first":{<weights>},"second":{<weights>}}},
//  "earlyStopping":{"bestLoss":0.12,"epochsWithoutImprovement":1,"bestWeights":{<weights>}}}

#include "training/TrainerState.h"

#include <nlohmann/json.hpp>

namespace engine {

nlohmann::json trainerStateToJson(const TrainerState& state);
/// Throws InputError whose where() is relative to the object ("optimizer.steps").
TrainerState trainerStateFromJson(const nlohmann::json& j);

} // namespace engine
