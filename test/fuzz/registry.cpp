// The list of fuzz targets, for the corpus test (the libFuzzer drivers call one target each).
#include "fuzz/targets.h"

namespace ferry::fuzz {

const std::vector<Target>& targets() {
  static const std::vector<Target> all = {
      {"config_load", fuzz_config_load}, {"cake_json", fuzz_cake_json}, {"s3_xml", fuzz_s3_xml},
      {"csv", fuzz_csv},                 {"base64", fuzz_base64},       {"rsa", fuzz_rsa},
      {"matomo_log", fuzz_matomo_log},
      {"log_reader", fuzz_log_reader},
  };
  return all;
}

}  // namespace ferry::fuzz
