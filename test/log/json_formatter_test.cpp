#include "log/json_formatter.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include "ferry/log/logging.h"

namespace ferry::log {
namespace {

std::string format(const std::string& message, spdlog::level::level_enum level) {
  spdlog::details::log_msg msg(spdlog::source_loc{}, "ferry", level,
                               spdlog::string_view_t(message.data(), message.size()));
  spdlog::memory_buf_t out;
  JsonFormatter().format(msg, out);
  return std::string(out.data(), out.size());
}

TEST(JsonFormatter, OneObjectPerLineWithTheKeysInOrder) {
  set_current_run_id(17);
  std::string line;
  {
    PipelineScope scope("cake");
    line = format("job 3 started", spdlog::level::warn);
  }
  set_current_run_id(0);
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["level"], "warning");
  EXPECT_EQ(j["pid"], ::getpid());
  EXPECT_EQ(j["run"], 17);
  EXPECT_EQ(j["pipeline"], "cake");
  EXPECT_EQ(j["message"], "job 3 started");
  std::string time = j["time"];
  ASSERT_EQ(time.size(), 29u) << time;  // 2026-12-02T01:22:46.123+01:00
  EXPECT_EQ(time[10], 'T');
  EXPECT_EQ(time[26], ':');
  EXPECT_LT(line.find("\"time\""), line.find("\"level\""));
  EXPECT_LT(line.find("\"pid\""), line.find("\"run\""));
  EXPECT_LT(line.find("\"pipeline\""), line.find("\"message\""));
}

TEST(JsonFormatter, OutsideARunAndBetweenUnitsTheyAreNull) {
  auto j = nlohmann::json::parse(format("idle", spdlog::level::info));
  EXPECT_TRUE(j["run"].is_null());
  EXPECT_TRUE(j["pipeline"].is_null());
  EXPECT_EQ(j["level"], "info");
}

TEST(JsonFormatter, ScopesNestAndRestore) {
  PipelineScope outer("matomo");
  {
    PipelineScope inner("wenet");
    EXPECT_EQ(current_pipeline(), "wenet");
  }
  EXPECT_EQ(current_pipeline(), "matomo");
}

TEST(JsonFormatter, MessagesAreEscapedAndBadUtf8Replaced) {
  std::string text = "quote \" backslash \\ newline \n tab \t bell \x07 caf\xC3\xA9 bad \xFF end";
  std::string line = format(text, spdlog::level::err);
  auto j = nlohmann::json::parse(line);  // throws on invalid JSON or UTF-8
  EXPECT_EQ(j["message"],
            "quote \" backslash \\ newline \n tab \t bell \x07 caf\xC3\xA9 bad \xEF\xBF\xBD end");
  EXPECT_NE(line.find("\\u0007"), std::string::npos) << line;
}

}  // namespace
}  // namespace ferry::log
