// RSA decryption against keys and ciphertexts made by the openssl command-line tool.
#include "ferry/crypto/rsa.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>
#include <string>
#include <vector>

#include "ferry/base/error.h"
#include "ferry/crypto/base64.h"
#include "support/process.h"

namespace ferry::crypto {
namespace {

using ferry::testing::read_file;
using ferry::testing::run_command;
using ferry::testing::TempDir;
using ferry::testing::write_file;

const char kPassphrase[] = "Corr3ct-Horse-Battery";

void openssl(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run_command(argv);
  ASSERT_EQ(r.exit_code, 0) << args[0] << ": " << r.err;
}

// Keys shared by every test of the suite: made once, in SetUpTestSuite.
class RsaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const TempDir& d = *dir_;
    openssl({"genrsa", "-traditional", "-out", d / "pkcs1.pem", "2048"});
    openssl({"rsa", "-in", d / "pkcs1.pem", "-traditional", "-aes256", "-passout",
             std::string("pass:") + kPassphrase, "-out", d / "pkcs1_enc.pem"});
    openssl({"pkey", "-in", d / "pkcs1.pem", "-pubout", "-out", d / "pub1.pem"});
    openssl({"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out",
             d / "pkcs8.pem"});
    openssl({"pkey", "-in", d / "pkcs8.pem", "-aes256", "-passout",
             std::string("pass:") + kPassphrase, "-out", d / "pkcs8_enc.pem"});
    openssl({"pkey", "-in", d / "pkcs8.pem", "-pubout", "-out", d / "pub8.pem"});
    openssl({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
             d / "ec.pem"});
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string path(const std::string& name) { return *dir_ / name; }

  // Encrypts `plain` with the openssl CLI and returns the base64 cell.
  static std::string cli_encrypt(const std::string& pub, const std::string& plain,
                                 bool oaep = false) {
    write_file(path("plain.txt"), plain);
    std::vector<std::string> argv{"openssl", "pkeyutl",         "-encrypt", "-pubin",
                                  "-inkey",  path(pub),         "-in",      path("plain.txt"),
                                  "-out",    path("cipher.bin")};
    if (oaep) argv.insert(argv.end(), {"-pkeyopt", "rsa_padding_mode:oaep"});
    auto r = run_command(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto b64 = run_command({"openssl", "base64", "-A", "-in", path("cipher.bin")});
    EXPECT_EQ(b64.exit_code, 0) << b64.err;
    return b64.out;
  }

  static TempDir* dir_;
};

TempDir* RsaTest::dir_ = nullptr;

// Encrypts with PKCS#1 v1.5 through the OpenSSL library: fast enough for hundreds of cells.
std::vector<std::string> library_encrypt(const std::string& pub_pem_path,
                                         const std::vector<std::string>& plains) {
  std::string pem = read_file(pub_pem_path);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pub(
      PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new(pub.get(), nullptr), &EVP_PKEY_CTX_free);
  EXPECT_GT(EVP_PKEY_encrypt_init(ctx.get()), 0);
  EXPECT_GT(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING), 0);
  std::vector<std::string> cells;
  for (const auto& plain : plains) {
    std::string out(static_cast<size_t>(EVP_PKEY_get_size(pub.get())), '\0');
    size_t len = out.size();
    EXPECT_GT(EVP_PKEY_encrypt(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len,
                               reinterpret_cast<const unsigned char*>(plain.data()), plain.size()),
              0);
    out.resize(len);
    cells.push_back(base64_encode(out));
  }
  return cells;
}

// Runs `load` and returns the OperationError's message, failing the test if none is thrown.
template <typename F>
std::string load_error(F load) {
  try {
    load();
  } catch (const OperationError& e) {
    EXPECT_EQ(e.kind(), FailureKind::kPermanent);
    return e.what();
  }
  ADD_FAILURE() << "no OperationError thrown";
  return {};
}

TEST_F(RsaTest, LoadsPkcs1AndPkcs8Keys) {
  EXPECT_NE(read_file(path("pkcs1.pem")).find("BEGIN RSA PRIVATE KEY"), std::string::npos);
  EXPECT_NE(read_file(path("pkcs8.pem")).find("BEGIN PRIVATE KEY"), std::string::npos);
  auto k1 = RsaPrivateKey::load_pem_file(path("pkcs1.pem"));
  auto k8 = RsaPrivateKey::load_pem_file(path("pkcs8.pem"));
  EXPECT_EQ(k1.bits(), 2048);
  EXPECT_EQ(k1.size_bytes(), 256u);
  EXPECT_EQ(k8.bits(), 2048);
  EXPECT_EQ(k8.source(), path("pkcs8.pem"));
  // A passphrase given for a key that is not encrypted is simply unused.
  EXPECT_NO_THROW(RsaPrivateKey::load_pem_file(path("pkcs1.pem"), kPassphrase));
}

TEST_F(RsaTest, LoadsEncryptedKeysWithPassphrase) {
  EXPECT_NE(read_file(path("pkcs8_enc.pem")).find("BEGIN ENCRYPTED PRIVATE KEY"),
            std::string::npos);
  EXPECT_NE(read_file(path("pkcs1_enc.pem")).find("Proc-Type: 4,ENCRYPTED"), std::string::npos);
  auto k8 = RsaPrivateKey::load_pem_file(path("pkcs8_enc.pem"), kPassphrase);
  auto k1 = RsaPrivateKey::load_pem_file(path("pkcs1_enc.pem"), kPassphrase);
  std::string cell = cli_encrypt("pub8.pem", "77");
  EXPECT_EQ(decrypt_cell(k8, Padding::kPkcs1, cell).plaintext, "77");
  cell = cli_encrypt("pub1.pem", "78");
  EXPECT_EQ(decrypt_cell(k1, Padding::kPkcs1, cell).plaintext, "78");
}

TEST_F(RsaTest, WrongPassphraseNamesPathNotPassphrase) {
  for (const char* name : {"pkcs8_enc.pem", "pkcs1_enc.pem"}) {
    std::string msg =
        load_error([&] { RsaPrivateKey::load_pem_file(path(name), "not-the-Passphrase"); });
    EXPECT_NE(msg.find(path(name)), std::string::npos) << msg;
    EXPECT_NE(msg.find("wrong passphrase"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("not-the-Passphrase"), std::string::npos) << msg;
    EXPECT_EQ(msg.find(kPassphrase), std::string::npos) << msg;
  }
}

TEST_F(RsaTest, EncryptedKeyWithoutPassphraseFailsWithoutPrompting) {
  std::string msg = load_error([&] { RsaPrivateKey::load_pem_file(path("pkcs8_enc.pem")); });
  EXPECT_NE(msg.find(path("pkcs8_enc.pem")), std::string::npos) << msg;
  EXPECT_NE(msg.find("no passphrase"), std::string::npos) << msg;
}

TEST_F(RsaTest, MissingAndEmptyPathsFailClearly) {
  std::string missing = path("nowhere/key.pem");
  std::string msg = load_error([&] { RsaPrivateKey::load_pem_file(missing); });
  EXPECT_NE(msg.find(missing), std::string::npos) << msg;
  EXPECT_NE(msg.find("No such file"), std::string::npos) << msg;
  msg = load_error([&] { RsaPrivateKey::load_pem_file(""); });
  EXPECT_NE(msg.find("path is empty"), std::string::npos) << msg;
  msg = load_error([&] { RsaPrivateKey::load_pem_file(dir_->path()); });  // a directory
  EXPECT_NE(msg.find(dir_->path() + ": is a directory"), std::string::npos) << msg;
}

TEST_F(RsaTest, RefusesFilesThatHoldNoRsaPrivateKey) {
  std::string msg = load_error([&] { RsaPrivateKey::load_pem_file(path("pub1.pem")); });
  EXPECT_NE(msg.find(path("pub1.pem")), std::string::npos) << msg;
  EXPECT_NE(msg.find("no private key"), std::string::npos) << msg;
  msg = load_error([&] { RsaPrivateKey::load_pem_file(path("ec.pem")); });
  EXPECT_NE(msg.find("not an RSA key"), std::string::npos) << msg;
  write_file(path("garbage.pem"), "hello, not a key\n");
  msg = load_error([&] { RsaPrivateKey::load_pem_file(path("garbage.pem")); });
  EXPECT_NE(msg.find(path("garbage.pem")), std::string::npos) << msg;
  write_file(path("broken.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
  msg = load_error([&] { RsaPrivateKey::load_pem_file(path("broken.pem")); });
  EXPECT_NE(msg.find(path("broken.pem")), std::string::npos) << msg;
}

TEST_F(RsaTest, DecryptsPkcs1v15CellsFromOpensslCli) {
  auto key = RsaPrivateKey::load_pem_file(path("pkcs1.pem"));
  for (const char* id : {"1", "123", "98765"}) {
    std::string cell = cli_encrypt("pub1.pem", id);
    EXPECT_EQ(cell.size(), 344u);
    auto r = decrypt_cell(key, Padding::kPkcs1, cell);
    ASSERT_EQ(r.status, DecryptResult::kOk) << r.error;
    EXPECT_EQ(r.plaintext, id);
    EXPECT_TRUE(r.error.empty());
  }
}

TEST_F(RsaTest, DecryptsOaepCellsAndPaddingMustMatch) {
  auto key = RsaPrivateKey::load_pem_file(path("pkcs8.pem"));
  std::string oaep = cli_encrypt("pub8.pem", "4242", true);
  auto r = decrypt_cell(key, Padding::kOaep, oaep);
  ASSERT_EQ(r.status, DecryptResult::kOk) << r.error;
  EXPECT_EQ(r.plaintext, "4242");
  EXPECT_EQ(decrypt_cell(key, Padding::kPkcs1, oaep).status, DecryptResult::kBadCiphertext);
  std::string pkcs1 = cli_encrypt("pub8.pem", "4242");
  EXPECT_EQ(decrypt_cell(key, Padding::kOaep, pkcs1).status, DecryptResult::kBadCiphertext);
}

TEST_F(RsaTest, WrongKeyGivesBadCiphertext) {
  auto other = RsaPrivateKey::load_pem_file(path("pkcs8.pem"));
  RsaDecryptor decryptor(other, Padding::kPkcs1);
  for (int i = 0; i < 5; ++i) {
    auto r = decryptor.decrypt(cli_encrypt("pub1.pem", std::to_string(100 + i)));
    EXPECT_EQ(r.status, DecryptResult::kBadCiphertext);
    EXPECT_TRUE(r.plaintext.empty());
    EXPECT_NE(r.error.find("RSA decryption failed"), std::string::npos) << r.error;
  }
  // The context stays usable after failures.
  auto own = library_encrypt(path("pub8.pem"), {"55"});
  EXPECT_EQ(decryptor.decrypt(own[0]).plaintext, "55");
}

TEST_F(RsaTest, BadBase64AndWrongLengthAreReported) {
  auto key = RsaPrivateKey::load_pem_file(path("pkcs1.pem"));
  RsaDecryptor decryptor(key, Padding::kPkcs1);
  std::string cell = cli_encrypt("pub1.pem", "9");
  auto r = decryptor.decrypt(cell.substr(0, 343));
  EXPECT_EQ(r.status, DecryptResult::kBadBase64);
  EXPECT_NE(r.error.find("not base64"), std::string::npos) << r.error;
  EXPECT_EQ(decryptor.decrypt(cell.substr(0, 100) + "\n" + cell.substr(100)).status,
            DecryptResult::kBadBase64);
  EXPECT_EQ(decryptor.decrypt("123").status, DecryptResult::kBadBase64);  // plain id
  r = decryptor.decrypt(cell.substr(0, 340));                             // valid base64, 255 bytes
  EXPECT_EQ(r.status, DecryptResult::kBadCiphertext);
  EXPECT_NE(r.error.find("255 bytes"), std::string::npos) << r.error;
  EXPECT_EQ(decryptor.decrypt("").status, DecryptResult::kBadCiphertext);
  std::string flipped;
  Base64Error base64_error;
  ASSERT_TRUE(base64_decode(cell, flipped, base64_error)) << base64_error.message;
  flipped[128] = static_cast<char>(flipped[128] ^ 0x01);
  EXPECT_EQ(decryptor.decrypt_bytes(flipped).status, DecryptResult::kBadCiphertext);
  EXPECT_EQ(decryptor.decrypt(cell).plaintext, "9");
}

TEST_F(RsaTest, DecryptAllKeepsInputOrderAcrossThreads) {
  auto key = RsaPrivateKey::load_pem_file(path("pkcs1.pem"));
  std::vector<std::string> plains;
  for (int i = 0; i < 500; ++i) plains.push_back(std::to_string(1000 + i * 7));
  auto cells = library_encrypt(path("pub1.pem"), plains);
  cells[13] = "not base64!";
  cells[250] = cli_encrypt("pub8.pem", "1");  // other key
  for (unsigned threads : {2u, 1u, 0u}) {
    auto results = decrypt_all(key, Padding::kPkcs1, cells, threads);
    ASSERT_EQ(results.size(), cells.size());
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i == 13) {
        EXPECT_EQ(results[i].status, DecryptResult::kBadBase64);
      } else if (i == 250) {
        EXPECT_EQ(results[i].status, DecryptResult::kBadCiphertext);
      } else {
        ASSERT_EQ(results[i].status, DecryptResult::kOk) << i << ": " << results[i].error;
        EXPECT_EQ(results[i].plaintext, plains[i]) << i;
      }
    }
  }
}

TEST_F(RsaTest, DecryptAllHandlesSmallAndEmptyInputs) {
  auto key = RsaPrivateKey::load_pem_file(path("pkcs1.pem"));
  EXPECT_TRUE(decrypt_all(key, Padding::kPkcs1, {}, 2).empty());
  auto cells = library_encrypt(path("pub1.pem"), {"5", "6", "7"});
  auto results = decrypt_all(key, Padding::kPkcs1, cells, 8);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].plaintext, "5");
  EXPECT_EQ(results[2].plaintext, "7");
}

TEST(RsaPaddingTest, ParsesNames) {
  EXPECT_EQ(parse_padding("pkcs1"), Padding::kPkcs1);
  EXPECT_EQ(parse_padding("oaep"), Padding::kOaep);
  EXPECT_STREQ(padding_name(Padding::kOaep), "oaep");
  EXPECT_STREQ(padding_name(Padding::kPkcs1), "pkcs1");
  EXPECT_THROW(parse_padding("OAEP"), UsageError);
  EXPECT_THROW(parse_padding(""), UsageError);
}

}  // namespace
}  // namespace ferry::crypto
