// Secrets a server repeats back: the real bin/ferry against the CAKE stand-in in its "echo"
// mode (a bad-key reply that quotes the request, as JSON and as a form) and a real SMTP server.
// No form of the key may reach the state file (database and WAL), the mail, the logs or any
// command's output.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "e2e/ferry_fixture.h"
#include "ferry/net/curl_http.h"
#include "support/requirements.h"
#include "support/smtp_server.h"

namespace ferry::testing {
namespace {

using namespace std::chrono_literals;

// Changes under URL-encoding (`/`, `+`, `"`, `\`, space) and under JSON-escaping (`"`, `\`).
const std::string kKey = "e2e/echo+key\"q\\7f 3a";

// The forms the key takes in a request, and the heads a cut message could leave.
const std::vector<std::string> kForms = {
    kKey,
    "e2e%2Fecho%2Bkey%22q%5C7f+3a",        // form-encoded (Python's urlencode)
    "e2e%2Fecho%2Bkey%22q%5C7f%203a",      // percent-encoded
    "e2e/echo+key\\\"q\\\\7f 3a",          // JSON-escaped
    "e2e\\/echo+key\\\"q\\\\7f 3a",        // JSON-escaped with `\/`
    "e2e/echo+key\\\\\\\"q\\\\\\\\7f 3a",  // JSON-escaped twice
    "e2e/echo",
    "e2e%2Fecho",
    "e2e\\/echo"};

// How many of `text`'s bytes start one of the key's forms (grep -c counts lines; 0 either way).
int occurrences(const std::string& text) {
  int n = 0;
  for (const auto& form : kForms)
    for (size_t p = text.find(form); p != std::string::npos; p = text.find(form, p + 1)) ++n;
  return n;
}

// `grep -c -F` of every form on `path`; 0 for a file that does not exist.
int grep_count(const std::string& path) {
  if (!file_exists(path)) return 0;
  int total = 0;
  for (const auto& form : kForms) {
    RunResult r = run_command({"grep", "-c", "-a", "-F", "-e", form, path});
    total += r.out.empty() ? 0 : std::stoi(r.out);
  }
  return total;
}

TEST(SecretsE2E, AKeyTheServerEchoesReachesNoStateMailLogOrOutput) {
  FERRY_REQUIRE(SmtpServer::missing());
  TempDir dir;
  int cake_port = free_port();
  Child cake({system_python(), repo_root() + "/test/standins/cake_server.py", "--port",
              std::to_string(cake_port), "--api-key", "the-right-key"},
             {}, "", dir / "cake.log");
  ASSERT_TRUE(wait_for_port(cake_port, 10s)) << read_file(dir / "cake.log");
  int smtp_port = free_port();
  SmtpServer smtp(smtp_port, dir / "smtp.log");
  ASSERT_TRUE(smtp.ready()) << smtp.log();
  std::string cake_url = "http://127.0.0.1:" + std::to_string(cake_port);
  auto http = net::make_curl_http_client();
  net::HttpRequest fault;
  fault.method = "POST";
  fault.url = cake_url + "/_control";
  fault.body.data = R"({"mode":"echo","count":5})";
  ASSERT_EQ(http->send(fault).status, 200);
  // The stand-in does repeat the key, in its JSON-escaped and form-encoded forms.
  net::HttpRequest probe;
  probe.method = "POST";
  probe.url = cake_url + "/api/1/get.asmx/Currencies";
  probe.body.data = nlohmann::json{{"api_key", kKey}}.dump();
  net::HttpResponse echoed = http->send(probe);
  EXPECT_EQ(echoed.status, 401);
  EXPECT_NE(echoed.body.find(kForms[5]), std::string::npos) << echoed.body;
  EXPECT_NE(echoed.body.find(kForms[1]), std::string::npos) << echoed.body;

  FerryEnv f("[alerts]\nsmtp_url = \"smtp://127.0.0.1:" + std::to_string(smtp_port) +
             "\"\nto = [\"ops@example.org\"]\n[cake]\nadmin_url = \"" + cake_url +
             "\"\n[s3.reports]\nendpoint = \"http://127.0.0.1:9\"\nbucket = \"b\"\n"
             "path_style = true\naccess_key_id = \"id\"\nsecret_access_key = \"unused-secret\"\n");
  f.env["FERRY_CAKE_API_KEY"] = kKey;
  RunResult q = f.run({"queue", "cake-clicks", "--from", "10-01-2016", "--to", "10-01-2016"});
  ASSERT_EQ(q.exit_code, 0) << q.err;
  std::string id = q.out.substr(0, q.out.find('\n'));
  RunResult run = f.run({"run"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  ASSERT_TRUE(smtp.wait_messages(1)) << smtp.log();

  // The reason is kept, the key is not.
  std::string error = f.sql("SELECT error FROM jobs WHERE id = " + id);
  EXPECT_NE(error.find("HTTP 401 Invalid API Key: request was"), std::string::npos) << error;
  EXPECT_NE(error.find("********"), std::string::npos) << error;
  EXPECT_EQ(occurrences(error), 0) << error;
  EXPECT_EQ(f.sql("SELECT status FROM jobs WHERE id = " + id), "failed");

  std::vector<RunResult> outputs = {f.run({"jobs"}), f.run({"jobs", "--json"}), f.run({"job", id}),
                                    f.run({"status"}), f.run({"run"})};
  for (const auto& r : outputs) {
    EXPECT_EQ(occurrences(r.out), 0) << r.out;
    EXPECT_EQ(occurrences(r.err), 0) << r.err;
  }
  EXPECT_NE(outputs[0].out.find("Invalid API Key"), std::string::npos) << outputs[0].out;
  EXPECT_NE(smtp.log().find("Invalid API Key: request was"), std::string::npos) << smtp.log();
  EXPECT_EQ(occurrences(smtp.log()), 0) << smtp.log();
  EXPECT_EQ(occurrences(f.all_logs()), 0) << f.all_logs();
  ASSERT_TRUE(f.state_exists());
  for (const auto& file : f.state_files()) EXPECT_EQ(grep_count(file), 0) << file;
}

}  // namespace
}  // namespace ferry::testing
