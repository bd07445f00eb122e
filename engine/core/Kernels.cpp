#include "core/Kernels.h"

namespace engine {

const ElementwiseKernels& kernels()
{
    static const ElementwiseKernels& table = [&]() -> const ElementwiseKernels& {
        switch (cpuSimdLevel()) {
        case SimdLevel::Avx512:
            return kernels_impl::avx512Table();
        case SimdLevel::Avx2:
            return kernels_impl::avx2Table();
        case SimdLevel::Baseline:
            break;
        }
        return kernels_impl::baselineTable();
    }();
    return table;
}

const ElementwiseKernels* const* runnableKernelTables(int& count)
{
    static const ElementwiseKernels* tables[3] {};
    count = 0;
    tables[count++] = &kernels_impl::baselineTable();
    if (int(cpuSimdLevel()) >= int(SimdLevel::Avx2))
        tables[count++] = &kernels_impl::avx2Table();
    if (int(cpuSimdLevel()) >= int(SimdLevel::Avx512))
        tables[count++] = &kernels_impl::avx512Table();
    return tables;
}

} // namespace engine
