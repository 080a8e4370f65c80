// Masking secrets in text that may quote them: error replies that repeat the request, URLs,
// JSON documents. One Scrubber is built from the configured secret values and applied where
// text enters the state file and where it leaves the process (output, mail, logs).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ferry {

// Replaces every occurrence of each secret with `********`, in whichever form it appears:
//   - as is;
//   - URL-encoded: any byte as `%HH` (either case), a space also as `+`;
//   - JSON-escaped: `\"`, `\\`, `\/`, `\b \f \n \r \t`, and an ASCII byte as `\uHHHH` (either
//     case); `"` and `\` also escaped twice (`\\\"`, `\\\\`), as a JSON request quoted inside a
//     JSON error reply carries them.
// The forms may mix within one occurrence. Occurrences that overlap (two secrets sharing
// characters, or one secret inside another) become a single mask; occurrences that only touch
// stay two masks. Secrets shorter than kMinLength characters are not masked: masking every
// `ab` would ruin the text and tell the reader the secret anyway.
class Scrubber {
 public:
  static constexpr size_t kMinLength = 3;

  Scrubber() = default;
  explicit Scrubber(const std::vector<std::string>& secrets) { add(secrets); }

  // Adds more values to mask (duplicates and too-short ones are ignored).
  void add(const std::vector<std::string>& secrets);
  // `text` with every secret masked.
  std::string operator()(std::string_view text) const;
  // True when nothing is masked.
  bool empty() const { return secrets_.empty(); }

 private:
  std::vector<std::string> secrets_;
};

}  // namespace ferry
