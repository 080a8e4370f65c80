// Fuzz targets: one plain function per input format ferry reads. Each takes arbitrary bytes,
// feeds them to the code under test and checks properties that must hold for every input.
// Expected rejections (a parse error, a bad cell) are caught inside; anything else escapes:
// a broken property throws Finding, a library bug throws what it throws or crashes. The
// libFuzzer drivers (test/fuzz/driver.cpp, `make fuzz`) call these, and the FuzzCorpus unit
// test replays every file of test/fuzz/corpus/<name>/ through them under `make test`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::fuzz {

// A property that should hold did not; the message says which.
class Finding : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// For target bodies: the input as text, and a property check that throws Finding.
inline std::string_view as_text(const uint8_t* data, size_t size) {
  return size ? std::string_view(reinterpret_cast<const char*>(data), size) : std::string_view();
}
inline void require(bool ok, const std::string& what) {
  if (!ok) throw Finding(what);
}

// TOML text as a config file: load() with every pipeline's keys either succeeds or throws
// UsageError; a loaded config can be shown.
void fuzz_config_load(const uint8_t* data, size_t size);
// The CAKE JSON scanner: always ends (kEnd or kError) within the input, and accepts exactly
// what nlohmann accepts (numbers too large for a double aside); skip_value agrees with next().
void fuzz_cake_json(const uint8_t* data, size_t size);
// The S3 XML reader: list pages, error documents and xml_text never throw anything but
// std::invalid_argument from parse_list_page; xml_escape round-trips through xml_text.
void fuzz_s3_xml(const uint8_t* data, size_t size);
// CSV: parse_csv throws only std::runtime_error; parsed rows written again parse the same;
// rows made from the input (fields split at NUL, rows at 0x01) survive write then parse.
void fuzz_csv(const uint8_t* data, size_t size);
// Base64: decode never throws; what decodes re-encodes to the same length and decodes the
// same; encode then decode gives the input back.
void fuzz_base64(const uint8_t* data, size_t size);
// RSA with a fixed test key, both paddings: decrypting arbitrary bytes, as raw ciphertext and
// as base64 cells, never throws, always says why it failed, and leaves OpenSSL's error queue
// empty.
void fuzz_rsa(const uint8_t* data, size_t size);
// Matomo log lines (the input split at newlines) through a parser of every format and one that
// detects: never throws, an invalid line always has a reason, a hit's fields are clean (no `-`
// values, lower-case host and extension, a time in years 1..9999), and its built hit is always
// a JSON object (with a _cvar that is JSON too), whatever bytes the line holds.
void fuzz_matomo_log(const uint8_t* data, size_t size);
// LogReader on the bytes as a file (plain, gzip, bzip2, ZIP or garbage): reads every member as
// lines and as chunks without crashing or hanging; only OperationError (permanent, naming the
// file) escapes; lines hold no newline and at most kMaxLine bytes; progress never goes back; a
// plain file reads back as itself.
void fuzz_log_reader(const uint8_t* data, size_t size);

struct Target {
  const char* name;  // also the corpus folder test/fuzz/corpus/<name>
  void (*run)(const uint8_t* data, size_t size);
};
// Every target, in the order `make fuzz` runs them.
const std::vector<Target>& targets();

}  // namespace ferry::fuzz
