// What the loader refuses before it reads values (see text_checks.h).
#include "config/text_checks.h"

#include <cstdio>
#include <fstream>
#include <iterator>

#include "ferry/base/error.h"

namespace ferry::config {

// TOML allows no control character but tab, LF and CR anywhere; toml++ aborts on some of them
// (an assertion in its key parser), so they are refused first, naming the line.
void refuse_unparsable_text(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t line = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i == 0 || text[i - 1] == '\n') {  // `[#...` or `[[ #...`: no key where one must be
      size_t j = text.find_first_not_of(" \t", i);
      if (j != std::string::npos && text[j] == '[') {
        j = text.find_first_not_of(" \t[", j);
        if (j != std::string::npos && text[j] == '#')
          throw UsageError(file + ":" + std::to_string(line) +
                           ": TOML syntax error: a table header needs a key before '#'");
      }
    }
    auto u = static_cast<unsigned char>(text[i]);
    if (u == '\n') ++line;
    if ((u < 0x20 && u != '\t' && u != '\n' && u != '\r') || u == 0x7f) {
      char code[8];
      std::snprintf(code, sizeof code, "U+%04X", u);
      throw UsageError(file + ":" + std::to_string(line) +
                       ": TOML syntax error: control character " + code + " is not allowed");
    }
  }
}

void refuse_unknown_variables(const std::map<std::string, std::string>& environment,
                              const std::set<std::string>& known,
                              const std::vector<std::string>& other_variables) {
  for (const auto& [name, value] : environment) {
    if (name.compare(0, 6, "FERRY_") != 0 || known.count(name)) continue;
    bool allowed = false;
    for (const auto& other : other_variables) {
      if (!other.empty() && other.back() == '*')
        allowed = allowed || name.compare(0, other.size() - 1, other, 0, other.size() - 1) == 0;
      else
        allowed = allowed || name == other;
    }
    if (allowed) continue;
    throw UsageError("environment " + name +
                     ": not a ferry setting (settings are FERRY_<SECTION>_<KEY>, e.g. "
                     "FERRY_LOG_DIR; an [s3.NAME] table or a [[...server]] entry must be in "
                     "the config file to be set from the environment)");
  }
}

}  // namespace ferry::config
