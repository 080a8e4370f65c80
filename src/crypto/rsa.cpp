#include "ferry/crypto/rsa.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <system_error>
#include <thread>
#include <utility>

#include "crypto/openssl_lib.h"
#include "ferry/base/error.h"
#include "ferry/crypto/base64.h"

namespace ferry::crypto {

namespace {

// Pops every queued OpenSSL error of this thread; returns the reason of the most recent one
// (e.g. "bad decrypt"), or `fallback` if the queue was empty.
std::string take_openssl_error(const std::string& fallback) {
  unsigned long code = 0, last = 0;
  while ((code = openssl().ERR_get_error()) != 0) last = code;
  if (last == 0) return fallback;
  const char* reason = openssl().ERR_reason_error_string(last);
  if (reason) return reason;
  char buf[256];
  openssl().ERR_error_string_n(last, buf, sizeof buf);
  return buf;
}

[[noreturn]] void fail_key(const std::string& source, const std::string& why) {
  throw OperationError(FailureKind::kPermanent,
                       "cannot load RSA private key " + source + ": " + why);
}

// Passed to the PEM reader as its callback's user data.
struct PassphraseState {
  const std::string* passphrase = nullptr;
  bool asked = false;
};

// The PEM password callback: hands over the configured passphrase, never prompts. Returning
// -1 when none was configured makes OpenSSL fail instead of reading from a terminal.
int passphrase_callback(char* buf, int size, int /*rwflag*/, void* user) {
  auto* state = static_cast<PassphraseState*>(user);
  state->asked = true;
  const std::string& pass = *state->passphrase;
  if (pass.empty() || pass.size() > static_cast<size_t>(size)) return -1;
  std::memcpy(buf, pass.data(), pass.size());
  return static_cast<int>(pass.size());
}

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail_key(path, std::strerror(errno));
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) fail_key(path, "is a directory, not a key file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) fail_key(path, "read error");
  return text.str();
}

}  // namespace

Padding parse_padding(std::string_view name) {
  if (name == "pkcs1") return Padding::kPkcs1;
  if (name == "oaep") return Padding::kOaep;
  throw UsageError("unknown RSA padding \"" + std::string(name) + "\" (use \"pkcs1\" or \"oaep\")");
}

const char* padding_name(Padding padding) {
  return padding == Padding::kOaep ? "oaep" : "pkcs1";
}

// ---- RsaPrivateKey ----

RsaPrivateKey::RsaPrivateKey(EVP_PKEY* pkey, std::string source)
    : pkey_(pkey), source_(std::move(source)) {}

RsaPrivateKey::RsaPrivateKey(RsaPrivateKey&& other) noexcept
    : pkey_(std::exchange(other.pkey_, nullptr)), source_(std::move(other.source_)) {}

RsaPrivateKey& RsaPrivateKey::operator=(RsaPrivateKey&& other) noexcept {
  if (this != &other) {
    openssl().EVP_PKEY_free(pkey_);
    pkey_ = std::exchange(other.pkey_, nullptr);
    source_ = std::move(other.source_);
  }
  return *this;
}

RsaPrivateKey::~RsaPrivateKey() {
  openssl().EVP_PKEY_free(pkey_);
}

int RsaPrivateKey::bits() const {
  return openssl().EVP_PKEY_get_bits(pkey_);
}

size_t RsaPrivateKey::size_bytes() const {
  return static_cast<size_t>(openssl().EVP_PKEY_get_size(pkey_));
}

RsaPrivateKey RsaPrivateKey::load_pem_file(const std::string& path, const std::string& passphrase) {
  if (path.empty()) fail_key("\"\"", "no key path configured (the path is empty)");
  return load_pem(read_whole_file(path), passphrase, path);
}

RsaPrivateKey RsaPrivateKey::load_pem(std::string_view pem, const std::string& passphrase,
                                      const std::string& source) {
  openssl().ERR_clear_error();
  if (pem.find("-----BEGIN") == std::string_view::npos)
    fail_key(source,
             "no PEM block found (expected \"BEGIN RSA PRIVATE KEY\" or "
             "\"BEGIN PRIVATE KEY\")");
  if (pem.find("PRIVATE KEY-----") == std::string_view::npos)
    fail_key(source, "the PEM holds no private key (a public key or certificate?)");
  std::unique_ptr<BIO, decltype(openssl().BIO_free)> bio(
      openssl().BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), openssl().BIO_free);
  if (!bio) fail_key(source, take_openssl_error("out of memory"));
  PassphraseState state{&passphrase, false};
  EVP_PKEY* raw = openssl().PEM_read_bio_PrivateKey_ex(bio.get(), nullptr, passphrase_callback,
                                                       &state, nullptr, nullptr);
  if (!raw) {
    std::string reason = take_openssl_error("unreadable PEM");
    if (state.asked && passphrase.empty())
      fail_key(source, "the key is encrypted and no passphrase was configured");
    if (state.asked) fail_key(source, "wrong passphrase or corrupt key (" + reason + ")");
    fail_key(source, "not a readable PEM private key (" + reason + ")");
  }
  RsaPrivateKey key(raw, source);
  if (!openssl().EVP_PKEY_is_a(raw, "RSA"))
    fail_key(source,
             std::string("not an RSA key (") + openssl().EVP_PKEY_get0_type_name(raw) + ")");
  openssl().ERR_clear_error();
  return key;
}

// ---- RsaDecryptor ----

RsaDecryptor::RsaDecryptor(const RsaPrivateKey& key, Padding padding)
    : key_bytes_(key.size_bytes()) {
  openssl().ERR_clear_error();
  ctx_ = openssl().EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr);
  bool ok = ctx_ && openssl().EVP_PKEY_decrypt_init(ctx_) > 0;
  if (ok && padding == Padding::kPkcs1) {
    ok = openssl().EVP_PKEY_CTX_set_rsa_padding(ctx_, RSA_PKCS1_PADDING) > 0;
    // OpenSSL 3.2+ answers a bad PKCS#1 v1.5 padding with random "implicit rejection" bytes
    // instead of an error; ferry must see the failure. Older versions ignore this parameter.
    unsigned int implicit_rejection = 0;
    OSSL_PARAM params[] = {
        openssl().OSSL_PARAM_construct_uint("rsa_pkcs1_implicit_rejection", &implicit_rejection),
        openssl().OSSL_PARAM_construct_end()};
    if (ok) openssl().EVP_PKEY_CTX_set_params(ctx_, params);
  } else if (ok) {
    ok = openssl().EVP_PKEY_CTX_set_rsa_padding(ctx_, RSA_PKCS1_OAEP_PADDING) > 0 &&
         openssl().EVP_PKEY_CTX_set_rsa_oaep_md(ctx_, openssl().EVP_sha1()) > 0 &&
         openssl().EVP_PKEY_CTX_set_rsa_mgf1_md(ctx_, openssl().EVP_sha1()) > 0;
  }
  if (!ok) {
    std::string reason = take_openssl_error("unknown OpenSSL error");
    openssl().EVP_PKEY_CTX_free(ctx_);
    throw OperationError(FailureKind::kPermanent,
                         "cannot set up RSA decryption with key " + key.source() + ": " + reason);
  }
  openssl().ERR_clear_error();
  buffer_.resize(key_bytes_);
}

RsaDecryptor::RsaDecryptor(RsaDecryptor&& other) noexcept
    : ctx_(std::exchange(other.ctx_, nullptr)),
      key_bytes_(other.key_bytes_),
      buffer_(std::move(other.buffer_)) {}

RsaDecryptor& RsaDecryptor::operator=(RsaDecryptor&& other) noexcept {
  if (this != &other) {
    openssl().EVP_PKEY_CTX_free(ctx_);
    ctx_ = std::exchange(other.ctx_, nullptr);
    key_bytes_ = other.key_bytes_;
    buffer_ = std::move(other.buffer_);
  }
  return *this;
}

RsaDecryptor::~RsaDecryptor() {
  openssl().EVP_PKEY_CTX_free(ctx_);
}

DecryptResult RsaDecryptor::decrypt(std::string_view base64_cell) {
  DecryptResult result;
  std::string ciphertext;
  Base64Error error;
  if (!base64_decode(base64_cell, ciphertext, error)) {
    result.status = DecryptResult::kBadBase64;
    result.error = "not base64: " + error.message;
    return result;
  }
  return decrypt_bytes(ciphertext);
}

DecryptResult RsaDecryptor::decrypt_bytes(std::string_view ciphertext) {
  DecryptResult result;
  if (ciphertext.size() != key_bytes_) {
    result.status = DecryptResult::kBadCiphertext;
    result.error = "ciphertext is " + std::to_string(ciphertext.size()) + " bytes; the key takes " +
                   std::to_string(key_bytes_);
    return result;
  }
  size_t out_len = buffer_.size();
  int rc = openssl().EVP_PKEY_decrypt(
      ctx_, reinterpret_cast<unsigned char*>(buffer_.data()), &out_len,
      reinterpret_cast<const unsigned char*>(ciphertext.data()), ciphertext.size());
  if (rc <= 0) {
    result.status = DecryptResult::kBadCiphertext;
    result.error = "RSA decryption failed (wrong key or padding?): " +
                   take_openssl_error("unknown OpenSSL error");
    return result;
  }
  result.plaintext.assign(buffer_.data(), out_len);
  return result;
}

DecryptResult decrypt_cell(const RsaPrivateKey& key, Padding padding,
                           std::string_view base64_cell) {
  RsaDecryptor decryptor(key, padding);
  return decryptor.decrypt(base64_cell);
}

// ---- decrypt_all ----

namespace {

// Cells a worker claims at a time: small enough to balance, large enough to keep the shared
// counter cold.
constexpr size_t kChunk = 16;

// Decrypts chunks of `cells` claimed from `next` until none are left.
void drain(RsaDecryptor& decryptor, const std::vector<std::string>& cells,
           std::vector<DecryptResult>& results, std::atomic<size_t>& next) {
  while (true) {
    size_t begin = next.fetch_add(kChunk, std::memory_order_relaxed);
    if (begin >= cells.size()) return;
    size_t end = std::min(cells.size(), begin + kChunk);
    for (size_t i = begin; i < end; ++i) results[i] = decryptor.decrypt(cells[i]);
  }
}

}  // namespace

std::vector<DecryptResult> decrypt_all(const RsaPrivateKey& key, Padding padding,
                                       const std::vector<std::string>& cells, unsigned threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  size_t max_useful = (cells.size() + kChunk - 1) / kChunk;
  if (threads > max_useful) threads = static_cast<unsigned>(std::max<size_t>(1, max_useful));
  std::vector<DecryptResult> results(cells.size());
  RsaDecryptor own(key, padding);
  std::atomic<size_t> next{0};
  if (threads == 1 || cells.size() < kParallelThreshold) {
    drain(own, cells, results, next);
    return results;
  }
  // Contexts are made here so that a setup failure throws on the calling thread.
  std::vector<RsaDecryptor> decryptors;
  for (unsigned t = 1; t < threads; ++t) decryptors.emplace_back(key, padding);
  std::vector<std::thread> workers;
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto work = [&](RsaDecryptor& decryptor) {
    try {
      drain(decryptor, cells, results, next);
    } catch (...) {  // std::bad_alloc: stop claiming work and report it after the join
      std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      next.store(cells.size());
    }
  };
  for (auto& decryptor : decryptors) {
    try {
      workers.emplace_back(work, std::ref(decryptor));
    } catch (const std::system_error&) {
      break;  // no more threads available: the ones running (and this one) do the work
    }
  }
  work(own);
  for (auto& worker : workers) worker.join();
  if (failure) std::rethrow_exception(failure);
  return results;
}

}  // namespace ferry::crypto
