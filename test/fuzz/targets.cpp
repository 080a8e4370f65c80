#include "fuzz/targets.h"

#include <openssl/err.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <string_view>

#include "cake/json_scanner.h"
#include "ferry/crypto/base64.h"
#include "ferry/crypto/rsa.h"
#include "ferry/io/csv.h"
#include "ferry/s3/xml.h"

namespace ferry::fuzz {
namespace {

// --- CAKE JSON ------------------------------------------------------------------------------

// Scans to the end; true when the input was one valid document. Checks that every token
// starts inside the input and that the scanner ends.
bool scan_all(std::string_view text, size_t max_depth) {
  cake::detail::JsonScanner s(text, max_depth);
  for (size_t steps = 0;; ++steps) {
    require(steps <= text.size() + 2, "the JSON scanner does not advance");
    cake::detail::JsonToken t = s.next();
    require(s.offset() <= text.size(), "a JSON token offset lies past the input");
    if (t == cake::detail::JsonToken::kEnd) return true;
    if (t == cake::detail::JsonToken::kError) {
      require(!s.error().empty(), "a JSON scan error without a message");
      require(s.next() == cake::detail::JsonToken::kError, "the JSON scanner resumes after an error");
      return false;
    }
  }
}

// nlohmann's verdict, ignoring the values; `overflow` for a number too large for a double.
struct AcceptSax : nlohmann::json_sax<nlohmann::json> {
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return false; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    overflow = e.id == 406;
    return false;
  }
  bool overflow = false;
};

// skip_value on the first token gives the same verdict as scanning token by token.
bool skip_all(std::string_view text) {
  cake::detail::JsonScanner s(text, std::numeric_limits<size_t>::max());
  cake::detail::JsonToken first = s.next();
  if (first == cake::detail::JsonToken::kError) return false;
  if (!s.skip_value(first)) return false;
  return s.next() == cake::detail::JsonToken::kEnd;
}

// --- CSV ------------------------------------------------------------------------------------

using Rows = std::vector<std::vector<std::string>>;

std::string write_rows(const Rows& rows) {
  std::string out;
  for (const auto& row : rows) io::append_csv_row(out, row);
  return out;
}

// Rows from raw bytes: fields end at NUL, rows at 0x01; every row has at least one field.
Rows split_rows(std::string_view text) {
  Rows rows(1, std::vector<std::string>(1));
  for (char c : text) {
    if (c == '\x01') {
      rows.emplace_back(1);
    } else if (c == '\0') {
      rows.back().emplace_back();
    } else {
      rows.back().back().push_back(c);
    }
  }
  return rows;
}

// --- RSA ------------------------------------------------------------------------------------

// A throwaway 1024-bit key made for these tests only (small, so decryption is quick).
constexpr const char* kTestKey = R"(-----BEGIN PRIVATE KEY-----
MIICdQIBADANBgkqhkiG9w0BAQEFAASCAl8wggJbAgEAAoGBAKb7KVUeY5i5pl3v
3LaCYgVkP+Mirrx4B3dLalZ49roEq68DUbCJiRuEZoUbWY224clp1zZe5a4XPeMD
CLGVNI+EMYHEuP/rh/Z44tkS80lgRD2w9DHz0yp9kvySLExKz5gYsce1iBvvQ9p6
vn4V10dOaEN3hdbalRhZjua7MuCtAgMBAAECgYAYuODiuFAYoYvvJn8wClfG4pPO
5iimwMKiN+kzik9FNUHR9JTYpVRGXbDsDiORJr2BG4mAhEZPIyPHg4B7AlM4mynQ
On76cpK76QCpJAQUCdLx7jP9fucAvB3arsCIkFn8/mZguKhU3vdFB/qBlrK+5YWL
IjuLsP5KkF+RtHF54QJBAM+FTfc7/uTRZQr2ug6NufGQ9X4wzYl2c06QsVQBTMQF
4nTkaCkZT+JFSEYhy74wk43gGO88vlCYvy3hfayB8EkCQQDN/WaVO6dBM2cJs9CW
WFB1FekOHlgtI5rKrtkQpotPUKcKG6ZwuofJ3u/wm36Sh9FSLyFvmVSS52KScB6F
/jVFAkB98wo+48rwVaZd4SFLc/lHBBP7YuNcaufQ50C5G5Db6DZpe7c8OoChdCtJ
ZXmjFRh5I2n+yX84q3xc/F6qNLMBAkBMGdYQRB2ihO8IMppZMP9oglO7l5JT+tdx
Ee+3qw/EmbNclKKE+yS3e9mBNrEoSW0Xw7nClQ8dxsYv+6QLNMNRAkB05c3oPmt0
Z+U92FA86FOB9Xezke4pImz3FmsXdo6xc7XvuYu9UNWjoMQGk78qpiIQI8qAJe+M
QfREnHzQQXmG
-----END PRIVATE KEY-----
)";

void check_decrypt(const crypto::DecryptResult& r, const char* what) {
  require(r.ok() == r.error.empty(), std::string(what) + ": error text and status disagree");
  require(ERR_peek_error() == 0, std::string(what) + ": OpenSSL's error queue is not empty");
}

}  // namespace

void fuzz_cake_json(const uint8_t* data, size_t size) {
  std::string_view text = as_text(data, size);
  scan_all(text, 512);
  bool ok = scan_all(text, std::numeric_limits<size_t>::max());
  require(skip_all(text) == ok, "skip_value and next() disagree");
  // nlohmann takes a NUL byte for the end of its input and ignores what follows; JSON allows
  // NUL nowhere, so the scanner must refuse it, and nlohmann judges the text before it only.
  size_t nul = text.find('\0');
  if (nul != std::string_view::npos) {
    require(!ok, "the JSON scanner accepts a NUL byte");
    return;
  }
  AcceptSax sax;
  bool oracle = nlohmann::json::sax_parse(text.begin(), text.end(), &sax);
  require(sax.overflow || ok == oracle, ok ? "the JSON scanner accepts what nlohmann rejects"
                                           : "the JSON scanner rejects what nlohmann accepts");
}

void fuzz_s3_xml(const uint8_t* data, size_t size) {
  std::string_view text = as_text(data, size);
  try {
    s3::parse_list_page(text);
  } catch (const std::invalid_argument&) {
  }
  s3::parse_error(text);
  s3::xml_text(text, "UploadId");
  // Text without NUL (ends a C string) or CR (XML turns CR LF into LF) survives escaping.
  if (text.find('\0') == std::string_view::npos && text.find('\r') == std::string_view::npos) {
    auto back = s3::xml_text("<a>" + s3::xml_escape(text) + "</a>", "a");
    require(back && *back == text, "xml_escape does not round-trip through xml_text");
  }
}

void fuzz_csv(const uint8_t* data, size_t size) {
  std::string_view text = as_text(data, size);
  try {
    Rows rows = io::parse_csv(text);
    require(io::parse_csv(write_rows(rows)) == rows, "parsed CSV rows do not survive a rewrite");
  } catch (const std::runtime_error&) {
  }
  Rows rows = split_rows(text);
  require(io::parse_csv(write_rows(rows)) == rows, "CSV rows do not survive write then parse");
}

void fuzz_base64(const uint8_t* data, size_t size) {
  std::string_view text = as_text(data, size);
  std::string out, again;
  crypto::Base64Error error;
  if (crypto::base64_decode(text, out, error)) {
    std::string encoded = crypto::base64_encode(out);
    require(encoded.size() == text.size(), "decoded base64 re-encodes to another length");
    require(crypto::base64_decode(encoded, again, error) && again == out,
            "re-encoded base64 decodes differently");
  } else {
    require(!error.message.empty(), "a base64 error without a message");
  }
  require(crypto::base64_decode(crypto::base64_encode(text), again, error) && again == text,
          "base64 encode then decode changes the bytes");
}

void fuzz_rsa(const uint8_t* data, size_t size) {
  static const crypto::RsaPrivateKey key = crypto::RsaPrivateKey::load_pem(kTestKey, "", "test key");
  static crypto::RsaDecryptor pkcs1(key, crypto::Padding::kPkcs1);
  static crypto::RsaDecryptor oaep(key, crypto::Padding::kOaep);
  std::string_view bytes = as_text(data, size);
  std::string cell = crypto::base64_encode(bytes);
  for (crypto::RsaDecryptor* d : {&pkcs1, &oaep}) {
    check_decrypt(d->decrypt_bytes(bytes), "decrypt_bytes");
    check_decrypt(d->decrypt(bytes), "decrypt of the raw bytes");
    check_decrypt(d->decrypt(cell), "decrypt of their base64");
  }
}

}  // namespace ferry::fuzz
