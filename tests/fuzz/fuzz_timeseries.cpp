// Time series CSV (engine/TimeSeriesCsv.*): the bytes, less the last few that choose the
// options (window, horizon, validation and test fractions, scaling, columns), are a .csv file
// read and cut into forecasting windows as the "timeseries" dataset source does.

#include "FuzzSupport.h"
#include "data/TimeSeriesCsv.h"

#include <fuzzer/FuzzedDataProvider.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    FuzzedDataProvider input(data, size);
    engine::TimeSeriesOptions options;
    options.window = input.ConsumeIntegralInRange(1, 12);
    options.horizon = input.ConsumeIntegralInRange(1, 3);
    options.validation = input.PickValueInArray({0.0, 0.2, 0.5});
    options.test = input.PickValueInArray({0.0, 0.1, 0.3});
    options.scaling = input.PickValueInArray({"none", "standardize", "minmax"});
    const char* const columns[] = {"", "-1", "0", "1", "temperature"};
    const std::string inputColumn = input.PickValueInArray(columns);
    if (!inputColumn.empty())
        options.inputs = {inputColumn};
    const std::string targetColumn = input.PickValueInArray(columns);
    if (!targetColumn.empty())
        options.targets = {targetColumn};
    options.delimiter = input.PickValueInArray({'\0', ',', ';', '\t'});
    const int header = input.ConsumeIntegralInRange(0, 2);
    if (header > 0)
        options.header = header == 1;
    const auto file = fuzz::writeInputFile("series.csv", input.ConsumeRemainingBytesAsString());
    fuzz::expectOnlyInputErrors("readTimeSeries", [&] { engine::readTimeSeries(file, options); });
    return 0;
}
