// `ferry_bench rsa`: how fast crypto::decrypt_all decrypts MindTrails-style cells (base64 of
// a PKCS#1 v1.5 ciphertext of a participant id), on one thread and on several.
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench/benches.h"
#include "ferry/crypto/base64.h"
#include "ferry/crypto/rsa.h"

namespace ferry::bench {

namespace {

using crypto::Padding;
using crypto::RsaPrivateKey;

struct Options {
  size_t rows = 20000;
  unsigned threads = 0;  // 0 = every core
  std::string key_path;  // empty = generate a 2048-bit key here
  double openssl_rate = 0;
};

bool parse_options(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (i + 1 >= argc) return false;
    const char* value = argv[++i];
    if (arg == "--rows") {
      o.rows = std::strtoul(value, nullptr, 10);
    } else if (arg == "--threads") {
      o.threads = static_cast<unsigned>(std::strtoul(value, nullptr, 10));
    } else if (arg == "--key") {
      o.key_path = value;
    } else if (arg == "--openssl-rate") {
      o.openssl_rate = std::strtod(value, nullptr);
    } else {
      return false;
    }
  }
  return o.rows > 0;
}

// A fresh 2048-bit key, as unencrypted PKCS#8 PEM text.
std::string generate_key_pem() {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(EVP_RSA_gen(2048), &EVP_PKEY_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!pkey || !bio ||
      !PEM_write_bio_PrivateKey(bio.get(), pkey.get(), nullptr, nullptr, 0, nullptr, nullptr))
    throw std::runtime_error("cannot generate an RSA key");
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

// `rows` cells, each the base64 PKCS#1 v1.5 encryption of a distinct decimal id.
std::vector<std::string> make_cells(const RsaPrivateKey& key, size_t rows) {
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr), &EVP_PKEY_CTX_free);
  if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) <= 0 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) <= 0)
    throw std::runtime_error("cannot set up RSA encryption");
  std::vector<std::string> cells;
  cells.reserve(rows);
  std::string out(key.size_bytes(), '\0');
  for (size_t i = 0; i < rows; ++i) {
    std::string plain = std::to_string(100000 + i);
    size_t len = out.size();
    if (EVP_PKEY_encrypt(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len,
                         reinterpret_cast<const unsigned char*>(plain.data()), plain.size()) <= 0)
      throw std::runtime_error("RSA encryption failed");
    cells.push_back(crypto::base64_encode(std::string_view(out.data(), len)));
  }
  return cells;
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

struct Measure {
  double rate = 0;        // decryptions per second of wall time
  double cores_used = 0;  // CPU seconds per wall second
};

// Decrypts every cell on `threads` threads; checks each plaintext.
Measure measure(const RsaPrivateKey& key, const std::vector<std::string>& cells, unsigned threads) {
  double cpu0 = cpu_seconds();
  auto t0 = std::chrono::steady_clock::now();
  auto results = crypto::decrypt_all(key, Padding::kPkcs1, cells, threads);
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double cpu = cpu_seconds() - cpu0;
  for (size_t i = 0; i < results.size(); ++i) {
    if (!results[i].ok() || results[i].plaintext != std::to_string(100000 + i))
      throw std::runtime_error("cell " + std::to_string(i) +
                               " did not decrypt: " + results[i].error);
  }
  return {static_cast<double>(cells.size()) / wall, cpu / wall};
}

}  // namespace

int rsa_bench_main(int argc, char** argv) {
  Options o;
  if (!parse_options(argc, argv, o)) {
    std::fprintf(stderr,
                 "usage: ferry_bench rsa [--rows N] [--threads N] [--key PEM] "
                 "[--openssl-rate OPS]\n");
    return 2;
  }
  unsigned threads = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  try {
    auto key = o.key_path.empty() ? RsaPrivateKey::load_pem(generate_key_pem(), "", "generated")
                                  : RsaPrivateKey::load_pem_file(o.key_path);
    auto cells = make_cells(key, o.rows);
    std::printf("rsa: %zu cells, %d-bit key, PKCS#1 v1.5, %u hardware threads\n", cells.size(),
                key.bits(), std::thread::hardware_concurrency());
    measure(key, std::vector<std::string>(cells.begin(), cells.begin() + 200), 1);  // warm-up
    Measure one = measure(key, cells, 1);
    Measure many = measure(key, cells, threads);
    std::printf("rsa: 1 thread:   %8.0f decryptions/s (%.2f cores busy)\n", one.rate,
                one.cores_used);
    std::printf("rsa: %u threads:  %8.0f decryptions/s (%.2f cores busy, %.0f per thread)\n",
                threads, many.rate, many.cores_used, many.rate / threads);
    if (o.openssl_rate > 0) {
      std::printf("rsa: openssl speed rsa2048 private ops/s (1 core): %.0f\n", o.openssl_rate);
      std::printf("rsa: ratio 1 thread / openssl:            %5.1f%%\n",
                  100 * one.rate / o.openssl_rate);
      std::printf("rsa: ratio per core, %u threads / openssl: %5.1f%% (goal >= 90%%)\n", threads,
                  100 * many.rate / threads / o.openssl_rate);
      // Other processes on the machine take CPU from the threads; rate per busy core (CPU
      // seconds actually spent) shows ferry's own efficiency.
      std::printf("rsa: ratio per busy core (%.2f) / openssl:  %5.1f%%\n", many.cores_used,
                  100 * many.rate / many.cores_used / o.openssl_rate);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rsa bench: %s\n", e.what());
    return 1;
  }
  return 0;
}

}  // namespace ferry::bench
