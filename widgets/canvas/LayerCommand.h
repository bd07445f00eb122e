#pragma once

#include <nlohmann/json.hpp>

#include <QString>

namespace widgets {

/// A layer typed as words, the way one says it: "dense 64 relu", "conv 32 3x3 same",
/// "maxpool 2", "dropout 0.3", "lstm 32 return_sequences=true".
struct LayerCommand {
    QString type; ///< registry type, "" when the first word names no layer
    nlohmann::json attributes = nlohmann::json::object(); ///< the palette preset plus the words
    QString error; ///< why the words do not make a layer ("" when they do)
    QString summary; ///< the layer as the canvas will summarize it ("Dense 64, ReLU")
    bool ok() const { return !type.isEmpty() && error.isEmpty(); }
};

/// Reads `text`: the first word names the layer (a palette label or type, case-insensitive, or
/// a common short name: conv, fc, linear, pool, maxpool, avgpool, bn); then, in any order, a
/// whole number sets the first integer setting not yet given (units; filters, then kernel;
/// pool size), "3x3" or "3x5" the kernel or pool size, a decimal number the first real setting
/// (rate), a word one of the layer's choices (relu, same, ...), "name=value" or "name value"
/// any setting by name. Values are checked by the engine layer itself (Layer::setAttributes).
LayerCommand parseLayerCommand(const QString& text);

} // namespace widgets
