#pragma once

#include "data/Dataset.h"

namespace engine {

/// The data of a source as it comes (loadDatasetParts(), DatasetLoading.h): some sources have
/// their own test split.
struct SourceData {
    Dataset data; ///< every sample, or the training part when `test` is not empty
    Dataset test; ///< the source's predefined test split (Fashion-MNIST: 10,000 images) or empty
    Dataset validation; ///< the source's own validation split (only with splitInOrder)
    /// The source split its samples in time order itself (time series: data, then validation,
    /// then test, no window crossing a boundary). splitSourceData() then keeps the three parts
    /// as they are: no sample moves between them and validationFraction/testFraction are not
    /// used. The trainer may still shuffle inside the training part.
    bool splitInOrder = false;
};

} // namespace engine
