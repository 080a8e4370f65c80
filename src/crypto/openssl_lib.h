// libcrypto (OpenSSL 3), loaded on first use instead of linked.
//
// Debian's libcrypto.so.3 is bound at load time (thousands of symbol bindings) and is the
// largest library ferry used to link: loading it cost an idle cron tick, which hashes and
// decrypts nothing, more page faults than all of ferry's own code. ferry therefore links no
// libcrypto: the first digest, base64 or RSA call dlopen()s libcrypto.so.3 and resolves the
// functions below. Include the OpenSSL headers for types and constants only, and call OpenSSL
// through openssl() (libcurl, when loaded, shares the same libcrypto).
#pragma once

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

namespace ferry::crypto {

// X(name) for each libcrypto function ferry calls.
// clang-format off
#define FERRY_OPENSSL_FUNCTIONS(X) \
  X(EVP_EncodeBlock) \
  X(EVP_DecodeBlock) \
  X(EVP_MD_CTX_new) \
  X(EVP_MD_CTX_free) \
  X(EVP_DigestInit_ex) \
  X(EVP_DigestUpdate) \
  X(EVP_DigestFinal_ex) \
  X(EVP_md5) \
  X(EVP_sha1) \
  X(EVP_sha256) \
  X(HMAC) \
  X(ERR_get_error) \
  X(ERR_reason_error_string) \
  X(ERR_error_string_n) \
  X(ERR_clear_error) \
  X(BIO_new_mem_buf) \
  X(BIO_free) \
  X(PEM_read_bio_PrivateKey_ex) \
  X(EVP_PKEY_free) \
  X(EVP_PKEY_get_bits) \
  X(EVP_PKEY_get_size) \
  X(EVP_PKEY_is_a) \
  X(EVP_PKEY_get0_type_name) \
  X(EVP_PKEY_CTX_new_from_pkey) \
  X(EVP_PKEY_CTX_free) \
  X(EVP_PKEY_decrypt_init) \
  X(EVP_PKEY_decrypt) \
  X(EVP_PKEY_CTX_set_rsa_padding) \
  X(EVP_PKEY_CTX_set_rsa_oaep_md) \
  X(EVP_PKEY_CTX_set_rsa_mgf1_md) \
  X(EVP_PKEY_CTX_set_params) \
  X(OSSL_PARAM_construct_uint) \
  X(OSSL_PARAM_construct_end)
// clang-format on

// Each member points at the libcrypto function of the same name and has its signature.
struct OpensslLib {
#define FERRY_OPENSSL_MEMBER(name) decltype(&::name) name = nullptr;
  FERRY_OPENSSL_FUNCTIONS(FERRY_OPENSSL_MEMBER)
#undef FERRY_OPENSSL_MEMBER
};

// libcrypto, loaded. The first call in the process, from any thread, loads libcrypto.so.3 and
// resolves every member; concurrent first callers wait, later calls only read the result.
// Throws OperationError(kPermanent) when the library or one of its functions cannot be loaded;
// the outcome is kept, so every later call throws the same.
const OpensslLib& openssl();

}  // namespace ferry::crypto
