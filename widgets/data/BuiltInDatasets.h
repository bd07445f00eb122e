#pragma once
// The image datasets a user picks in one step (Fashion-MNIST from its Debian package, MNIST from
// a folder of the standard files), and the "a, b, c" text form of class names used by the
// inspector and the IDX import dialog.

#include "data/DatasetSpec.h"

#include <QString>

#include <string>
#include <vector>

namespace widgets {

/// The dataset spec for `source` "fashion-mnist" or "mnist": images H x W x 1 with pixels / 255,
/// every image unless `subset` > 0 (then the first `subset` of each part). `folder` holds the four
/// standard files; "" means kFashionMnistDir for Fashion-MNIST. Generator settings of `previous`
/// (seed, samples, ...) are kept so switching back restores them.
engine::DatasetSpec builtInImageSpec(const std::string& source, const QString& folder,
    const engine::DatasetSpec& previous, int subset = 0);

/// True for "fashion-mnist" and "mnist".
bool isBuiltInImageSource(const std::string& source);

/// Rich text explaining why the files of a Fashion-MNIST or MNIST spec are missing and how to
/// get them; "" when they are there or the spec uses another source.
QString missingBuiltInDataMessage(const engine::DatasetSpec& spec);

/// "T-shirt/top, Trouser" -> {"T-shirt/top", "Trouser"}: comma-separated, trimmed, empty
/// entries dropped.
std::vector<std::string> classNamesFromText(const QString& text);
/// The inverse: names joined by ", ".
QString classNamesText(const std::vector<std::string>& names);

} // namespace widgets
