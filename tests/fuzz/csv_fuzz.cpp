// libFuzzer entry for the partner-file CSV reader; the invariants live in CsvFuzzOne (core/csv.cpp),
// which the unit tests also run. Build and run: see README.md in this folder.
#include <cstddef>
#include <cstdint>

#include "core/csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    andel::core::CsvFuzzOne(data, size);
    return 0;
}
