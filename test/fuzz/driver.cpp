// The libFuzzer entry point for one target, built only by `make fuzz`: compiled once per target
// with -DFERRY_FUZZ_TARGET=fuzz_<name> (see targets.h).
#include <cstddef>
#include <cstdint>

#include "fuzz/targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ferry::fuzz::FERRY_FUZZ_TARGET(data, size);
  return 0;
}
