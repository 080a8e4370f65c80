// Decrypts the `*RSA` string cells of rows in place, in parallel (crypto::decrypt_all), with
// the order of rows and cells kept. A cell that fails keeps its ciphertext (as the old
// exporter did); the failures are returned so the caller counts and logs them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ferry/crypto/rsa.h"
#include "ferry/mindtrails/rows.h"

namespace ferry::mindtrails {

struct CellFailure {
  std::optional<int64_t> row_id;
  std::string field;
  std::string error;  // one line from crypto, never key material
};

struct DecryptStats {
  int64_t cells = 0;           // encrypted string cells seen
  int64_t decrypted = 0;       // replaced by their plaintext
  int64_t bad_base64 = 0;      // not base64: kept as they were
  int64_t bad_ciphertext = 0;  // base64 but RSA refused (wrong key, padding or data): kept
  std::vector<CellFailure> failures;

  int64_t failed() const { return bad_base64 + bad_ciphertext; }
};

// Decrypts every string cell whose field name ends in `RSA` in `rows`. `threads` as for
// crypto::decrypt_all (0 = every core). Throws OperationError only when OpenSSL cannot set up
// a context.
DecryptStats decrypt_rows(std::vector<Row>& rows, const crypto::RsaPrivateKey& key,
                          crypto::Padding padding, unsigned threads);

}  // namespace ferry::mindtrails
