// Replays the kept fuzz corpus (test/fuzz/corpus/<target>/, grown by `make fuzz`) through
// every target, so each input that once found new code runs under `make test` and under the
// sanitizers.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fuzz/targets.h"
#include "support/process.h"

namespace ferry::fuzz {
namespace {

std::string corpus_dir(const std::string& target) {
  return testing::repo_root() + "/test/fuzz/corpus/" + target;
}

std::vector<std::string> target_names() {
  std::vector<std::string> names;
  for (const auto& t : targets()) names.push_back(t.name);
  return names;
}

class FuzzCorpus : public ::testing::TestWithParam<std::string> {};

TEST_P(FuzzCorpus, ReplaysEveryKeptInput) {
  const Target* target = nullptr;
  for (const auto& t : targets())
    if (GetParam() == t.name) target = &t;
  ASSERT_NE(target, nullptr);
  auto files = testing::list_dir(corpus_dir(GetParam()));
  ASSERT_FALSE(files.empty()) << "no seed inputs in " << corpus_dir(GetParam());
  for (const auto& name : files) {
    std::string data = testing::read_file(corpus_dir(GetParam()) + "/" + name);
    try {
      target->run(reinterpret_cast<const uint8_t*>(data.data()), data.size());
    } catch (const std::exception& e) {
      ADD_FAILURE() << corpus_dir(GetParam()) << "/" << name << ": " << e.what();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzCorpus, ::testing::ValuesIn(target_names()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace ferry::fuzz
