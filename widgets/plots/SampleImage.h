#pragma once

#include "core/Shape.h"
#include "core/Types.h"

#include <QImage>

namespace widgets {

/// Grey image of an H x W x C input (mean over channels unless C is 3), scaled to its range.
QImage inputImage(const engine::Matrix& samples, long column, const engine::Shape& shape);

} // namespace widgets
