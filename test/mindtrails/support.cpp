#include "mindtrails/support.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstdio>
#include <stdexcept>

#include "ferry/crypto/base64.h"
#include "ferry/net/fake_http.h"

namespace ferry::mindtrails::testing {
namespace {

using net::FakeHttpClient;
using nlohmann::json;

void openssl(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = ferry::testing::run_command(argv);
  if (r.exit_code != 0) throw std::runtime_error("openssl " + args[0] + ": " + r.err);
}

}  // namespace

KeyPair make_key(const std::string& dir, const std::string& name, bool pkcs8) {
  KeyPair k{dir + "/" + name, dir + "/" + name + ".pub"};
  if (pkcs8)
    openssl({"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", k.pem});
  else
    openssl({"genrsa", "-traditional", "-out", k.pem, "2048"});
  openssl({"pkey", "-in", k.pem, "-pubout", "-out", k.pub});
  return k;
}

TestKeys::TestKeys() {
  make_key(dir_.path(), "key.pem", false);
  openssl({"pkey", "-in", dir_ / "key.pem", "-out", dir_ / "key8.pem"});
  make_key(dir_.path(), "other.pem", false);
}

const TestKeys& TestKeys::get() {
  static const TestKeys keys;
  return keys;
}

std::string TestKeys::encrypt(const std::string& plain, const std::string& key) const {
  FILE* f = std::fopen(path(key + ".pub").c_str(), "r");
  if (!f) throw std::runtime_error("no public key " + key);
  EVP_PKEY* pub = PEM_read_PUBKEY(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(pub, nullptr);
  std::string out(EVP_PKEY_get_size(pub), '\0');
  size_t len = out.size();
  bool ok =
      ctx && EVP_PKEY_encrypt_init(ctx) == 1 &&
      EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
      EVP_PKEY_encrypt(ctx, reinterpret_cast<unsigned char*>(out.data()), &len,
                       reinterpret_cast<const unsigned char*>(plain.data()), plain.size()) == 1;
  EVP_PKEY_CTX_free(ctx);
  EVP_PKEY_free(pub);
  if (!ok) throw std::runtime_error("encryption failed");
  out.resize(len);
  return crypto::base64_encode(out);
}

FakeTable& FakeMindTrails::table(const std::string& name, bool deleteable) {
  if (!tables_.count(name)) order_.push_back(name);
  FakeTable& t = tables_[name];
  t.deleteable = deleteable;
  return t;
}

void FakeMindTrails::add(const std::string& name, int64_t id, int participant, bool secure,
                         json extra) {
  json row = {{"id", id}, {"date", "Mon, 01 Feb 2016 09:12:44 -0500"}, {"session", "PRE"}};
  if (secure)
    row["participantRSA"] = TestKeys::get().encrypt(std::to_string(participant));
  else
    row["participant"] = participant;
  for (auto& [k, v] : extra.items()) row[k] = v;
  if (!tables_.count(name)) table(name);
  tables_[name].rows.push_back(std::move(row));
}

std::set<int64_t> FakeMindTrails::ids(const std::string& name) const {
  std::set<int64_t> out;
  auto it = tables_.find(name);
  if (it != tables_.end())
    for (const auto& r : it->second.rows)
      if (r.contains("id")) out.insert(r["id"].get<int64_t>());
  return out;
}

size_t FakeMindTrails::row_count(const std::string& name) const {
  auto it = tables_.find(name);
  return it == tables_.end() ? 0 : it->second.rows.size();
}

net::HttpResponse FakeMindTrails::handle(const net::HttpRequest& request) {
  if (inject)
    if (auto r = inject(request)) return *r;
  bool authed = false;
  for (const auto& [k, v] : request.headers)
    if (k == "Authorization" && v == "Basic " + crypto::base64_encode("admin:pw")) authed = true;
  if (!authed) return FakeHttpClient::respond(401, R"({"message":"Bad credentials"})");
  std::string rest = request.url.substr(std::string(kBase).size());
  std::string query;
  if (auto q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  if (rest.empty()) {
    log.push_back("GET list");
    json list = json::array();
    for (const auto& n : order_)
      list.push_back(
          {{"name", n}, {"deleteable", tables_[n].deleteable}, {"size", tables_[n].rows.size()}});
    return FakeHttpClient::respond(200, list.dump());
  }
  rest = rest.substr(1);
  auto slash = rest.find('/');
  if (request.method == "DELETE" && slash != std::string::npos) {
    log.push_back("DELETE " + rest);
    return remove(rest.substr(0, slash), std::stoll(rest.substr(slash + 1)));
  }
  log.push_back("GET " + rest + "?" + query);
  int64_t above = 0;
  if (query.rfind("greaterThan=", 0) == 0) above = std::stoll(query.substr(12));
  return rows(rest, above);
}

net::HttpResponse FakeMindTrails::rows(const std::string& name, int64_t above) {
  auto it = tables_.find(name);
  if (it == tables_.end())
    return FakeHttpClient::respond(404, R"({"message":"We have no questionnaire by that name."})");
  json out = json::array();
  for (const auto& r : it->second.rows)
    if (!it->second.honours_greater_than || !r.contains("id") || r["id"].get<int64_t>() > above)
      out.push_back(r);
  return FakeHttpClient::respond(200, out.dump());
}

net::HttpResponse FakeMindTrails::remove(const std::string& name, int64_t id) {
  auto it = tables_.find(name);
  if (it == tables_.end())
    return FakeHttpClient::respond(404, R"({"message":"We have no questionnaire by that name."})");
  if (!it->second.deleteable || it->second.forbid_deletes) {
    ++forbidden_deletes;
    return FakeHttpClient::respond(
        403, R"({"message":"This data must remain on the server, and cannot be removed."})");
  }
  auto& rows = it->second.rows;
  for (auto r = rows.begin(); r != rows.end(); ++r)
    if (r->contains("id") && (*r)["id"].get<int64_t>() == id) {
      rows.erase(r);
      return FakeHttpClient::respond(200);
    }
  return FakeHttpClient::respond(404,
                                 R"({"message":"Questionnaire with that ID does not exist."})");
}

}  // namespace ferry::mindtrails::testing
