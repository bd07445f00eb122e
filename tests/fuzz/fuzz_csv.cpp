// CSV datasets (engine/CsvReader.*): the bytes, less the last few that choose the reader's
// options (delimiter, header, target column, task, row limit), are a .csv file read as the
// "csv" dataset source reads it.

#include "FuzzSupport.h"
#include "data/CsvReader.h"

#include <fuzzer/FuzzedDataProvider.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    FuzzedDataProvider input(data, size);
    engine::CsvOptions options;
    options.delimiter = input.PickValueInArray({'\0', ',', ';', '\t'});
    const int header = input.ConsumeIntegralInRange(0, 2);
    if (header > 0)
        options.header = header == 1;
    const char* const targets[] = {"", "-1", "0", "1", "label", "species"};
    const std::string target = input.PickValueInArray(targets);
    if (!target.empty())
        options.targets = {target};
    options.task = input.PickValueInArray({"auto", "classification", "regression"});
    options.limit = input.ConsumeIntegralInRange(0, 3);
    const auto file = fuzz::writeInputFile("data.csv", input.ConsumeRemainingBytesAsString());
    fuzz::expectOnlyInputErrors("readCsv", [&] { engine::readCsv(file, options); });
    return 0;
}
