// RSA decryption of MindTrails `*RSA` cells (base64 of an RSA ciphertext) with the team's
// private key. OpenSSL 3 EVP interfaces only.
//
// Thread safety: an RsaPrivateKey is immutable after loading and may be shared by any number
// of threads. An RsaDecryptor holds per-thread OpenSSL state (an EVP_PKEY_CTX): use one per
// thread. decrypt_cell and decrypt_all may be called from any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

// OpenSSL types, declared here so that callers need not include OpenSSL headers.
typedef struct evp_pkey_st EVP_PKEY;
typedef struct evp_pkey_ctx_st EVP_PKEY_CTX;

namespace ferry::crypto {

// The RSA encryption padding the server used.
enum class Padding {
  // PKCS#1 v1.5 (Java `Cipher.getInstance("RSA")`, i.e. "RSA/ECB/PKCS1Padding"; the
  // MindTrails default and `openssl pkeyutl`'s default).
  kPkcs1,
  // OAEP with SHA-1 as the digest and SHA-1 for MGF1, empty label: Java's
  // "RSA/ECB/OAEPWithSHA-1AndMGF1Padding" and `openssl pkeyutl -pkeyopt rsa_padding_mode:oaep`.
  // (Java's "OAEPWithSHA-256AndMGF1Padding" keeps SHA-1 for MGF1 and is not this.)
  kOaep,
};

// Parses "pkcs1" or "oaep" (exact, lower case). Throws ferry::UsageError otherwise.
Padding parse_padding(std::string_view name);
// Returns "pkcs1" or "oaep".
const char* padding_name(Padding padding);

// An RSA private key, loaded once and then only read. Movable, not copyable.
class RsaPrivateKey {
 public:
  // Loads a PEM private key from `path`: PKCS#1 ("BEGIN RSA PRIVATE KEY", plain or with
  // legacy "Proc-Type: 4,ENCRYPTED" headers), PKCS#8 ("BEGIN PRIVATE KEY") or encrypted PKCS#8
  // ("BEGIN ENCRYPTED PRIVATE KEY"). `passphrase` is used only when the key is encrypted; it
  // is never prompted for on a terminal. Throws ferry::OperationError(kPermanent) when the
  // path is empty, the file cannot be read, the key is encrypted and no passphrase was given,
  // the passphrase is wrong, the PEM holds no private key, or the key is not RSA. The message
  // names the path and never contains the passphrase.
  static RsaPrivateKey load_pem_file(const std::string& path, const std::string& passphrase = {});

  // As load_pem_file, from PEM text in memory; `source` names it in error messages.
  static RsaPrivateKey load_pem(std::string_view pem, const std::string& passphrase,
                                const std::string& source);

  RsaPrivateKey(RsaPrivateKey&&) noexcept;
  RsaPrivateKey& operator=(RsaPrivateKey&&) noexcept;
  ~RsaPrivateKey();

  // The modulus size in bits (e.g. 2048) and in bytes (the ciphertext length, e.g. 256).
  int bits() const;
  size_t size_bytes() const;
  // Where the key came from (the path given to load_pem_file).
  const std::string& source() const { return source_; }
  // The OpenSSL key, for read-only use (never null).
  EVP_PKEY* get() const { return pkey_; }

 private:
  RsaPrivateKey(EVP_PKEY* pkey, std::string source);
  EVP_PKEY* pkey_ = nullptr;
  std::string source_;
};

// The outcome of decrypting one cell. A bad cell is an expected failure, not an exception.
struct DecryptResult {
  enum Status {
    kOk,             // `plaintext` holds the decrypted bytes
    kBadBase64,      // the cell is not strict base64 (see base64.h); `error` says why
    kBadCiphertext,  // base64 was fine but RSA decryption failed (wrong key, wrong padding,
                     // wrong length, corrupt data); `error` says why
  };
  Status status = kOk;
  std::string plaintext;
  std::string error;  // empty when kOk; one line otherwise, never key material

  bool ok() const { return status == kOk; }
};

// Decrypts cells with one key and padding, reusing one OpenSSL context. Not thread-safe:
// one per thread. The key must outlive the decryptor.
class RsaDecryptor {
 public:
  // Throws ferry::OperationError(kPermanent) if OpenSSL cannot set up the context.
  RsaDecryptor(const RsaPrivateKey& key, Padding padding);
  RsaDecryptor(RsaDecryptor&&) noexcept;
  RsaDecryptor& operator=(RsaDecryptor&&) noexcept;
  ~RsaDecryptor();

  // Decodes `base64_cell` and decrypts it. Never throws except std::bad_alloc; leaves
  // OpenSSL's error queue of this thread empty.
  DecryptResult decrypt(std::string_view base64_cell);
  // Decrypts raw ciphertext bytes (no base64). Status is kOk or kBadCiphertext.
  DecryptResult decrypt_bytes(std::string_view ciphertext);

 private:
  EVP_PKEY_CTX* ctx_ = nullptr;
  size_t key_bytes_ = 0;
  std::string buffer_;
};

// Decrypts one cell with a fresh context (convenient, slower than reusing an RsaDecryptor).
// Throws only as RsaDecryptor's constructor does.
DecryptResult decrypt_cell(const RsaPrivateKey& key, Padding padding, std::string_view base64_cell);

// Decrypts every cell, in parallel on `threads` threads (0 = std::thread::hardware_concurrency,
// at least 1), and returns one result per cell in input order. Small inputs (fewer than
// kParallelThreshold cells) and threads == 1 run on the calling thread. Bad cells give
// failed results, not exceptions; throws ferry::OperationError(kPermanent) only if OpenSSL
// cannot set up a context.
constexpr size_t kParallelThreshold = 64;
std::vector<DecryptResult> decrypt_all(const RsaPrivateKey& key, Padding padding,
                                       const std::vector<std::string>& cells, unsigned threads = 0);

}  // namespace ferry::crypto
