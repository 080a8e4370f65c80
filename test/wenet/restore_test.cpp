#include "ferry/wenet/restore.h"

#include <string_view>

#include <gtest/gtest.h>

#include "wenet/gemoji_table.h"

namespace ferry::wenet {
namespace {

const char* kThumbsUp = "\xF0\x9F\x91\x8D";
const char* kSmile = "\xF0\x9F\x98\x84";

TEST(WenetRestore, EmojiTableLookups) {
  EXPECT_EQ(emoji_for("thumbsup"), kThumbsUp);
  EXPECT_EQ(emoji_for("+1"), kThumbsUp);  // an alias of the same emoji
  EXPECT_EQ(emoji_for("smile"), kSmile);
  EXPECT_EQ(emoji_for("-1"), "\xF0\x9F\x91\x8E");
  EXPECT_EQ(emoji_for("zzz"), "\xF0\x9F\x92\xA4");  // near the end of the table
  EXPECT_EQ(emoji_for("100"), "\xF0\x9F\x92\xAF");
  EXPECT_EQ(emoji_for("Smile"), std::nullopt);
  EXPECT_EQ(emoji_for("no_such_emoji"), std::nullopt);
  EXPECT_EQ(emoji_for(""), std::nullopt);
}

TEST(WenetRestore, GeneratedTableSortedForBinarySearch) {
  ASSERT_GT(kGemojiCount, 1800u);
  for (std::size_t i = 1; i < kGemojiCount; ++i)
    EXPECT_LT(std::string_view(kGemojiTable[i - 1].name), std::string_view(kGemojiTable[i].name))
        << i;
  for (std::size_t i = 0; i < kGemojiCount; ++i)
    EXPECT_EQ(emoji_for(kGemojiTable[i].name), std::string_view(kGemojiTable[i].emoji));
}

TEST(WenetRestore, ShortCodesReplacedUnknownKept) {
  EXPECT_EQ(replace_short_codes("ok :thumbsup: :smile:!"),
            std::string("ok ") + kThumbsUp + " " + kSmile + "!");
  EXPECT_EQ(replace_short_codes(":+1::-1:"), std::string(kThumbsUp) + "\xF0\x9F\x91\x8E");
  EXPECT_EQ(replace_short_codes("at 10:30 :nope: here"), "at 10:30 :nope: here");
  EXPECT_EQ(replace_short_codes(":nope:smile:"), std::string(":nope") + kSmile);
  EXPECT_EQ(replace_short_codes("::"), "::");
  EXPECT_EQ(replace_short_codes(":smile"), ":smile");
  EXPECT_EQ(replace_short_codes(": smile :"), ": smile :");
  EXPECT_EQ(replace_short_codes("caf\xC3\xA9:"), "caf\xC3\xA9:");
}

TEST(WenetRestore, JsonStringDecoded) {
  EXPECT_EQ(restore_text("\"Where is the library?\""), "Where is the library?");
  EXPECT_EQ(restore_text(" \"line\\nbreak \\\"q\\\" \\u00e9\" "), "line\nbreak \"q\" \xC3\xA9");
  EXPECT_EQ(restore_text("\"Thanks :thumbsup:\""), std::string("Thanks ") + kThumbsUp);
  EXPECT_EQ(restore_text("\"\""), "");
}

TEST(WenetRestore, JsonLiteralsKeptAsJsonText) {
  EXPECT_EQ(restore_text("true"), "true");
  EXPECT_EQ(restore_text("false"), "false");
  EXPECT_EQ(restore_text("null"), "null");
  EXPECT_EQ(restore_text("42"), "42");
  EXPECT_EQ(restore_text("1.50"), "1.50");
  EXPECT_EQ(restore_text("[1, 2]"), "[1, 2]");
  EXPECT_EQ(restore_text("{\"a\": \":smile:\"}"), std::string("{\"a\": \"") + kSmile + "\"}");
}

TEST(WenetRestore, InvalidJsonAsIs) {
  EXPECT_EQ(restore_text("Where is it?"), "Where is it?");
  EXPECT_EQ(restore_text("\"unterminated"), "\"unterminated");
  EXPECT_EQ(restore_text("True"), "True");
  EXPECT_EQ(restore_text(""), "");
  EXPECT_EQ(restore_text("hi :smile: :unknown_code:"),
            std::string("hi ") + kSmile + " :unknown_code:");
}

TEST(WenetRestore, TaskFieldsRestored) {
  auto task = nlohmann::json::parse(R"({
    "id": "t1", "goal": {"name": "\"Q :smile:\"", "description": "\"kept\""},
    "transactions": [
      {"label": "answerTransaction", "attributes": {"answer": "\"A\"", "other": "\"kept\""}},
      {"label": "bestAnswerTransaction", "attributes": {"reason": "\"R\"", "transactionId": "x"},
       "messages": [
         {"label": "QuestionToAnswerMessage", "attributes": {"question": "\"Q1\"", "answer": "\"kept\""}},
         {"label": "AnsweredQuestionMessage", "attributes": {"question": "\"Q2\"", "answer": "\"A2\""}},
         {"label": "AnsweredPickedMessage", "attributes": {"question": "\"Q3\"", "answer": "\"kept\""}},
         {"label": "Other", "attributes": {"question": "\"kept\""}},
         {"label": "AnsweredQuestionMessage", "attributes": null}
       ]},
      {"label": "notAnswerTransaction", "attributes": {"answer": "\"kept\""}},
      {"label": "answerTransaction", "attributes": {"answer": null}},
      {"label": "answerTransaction"}
    ]})");
  auto r = restore_task(task);
  EXPECT_EQ(r["goal"]["name"], std::string("Q ") + kSmile);
  EXPECT_EQ(r["goal"]["description"], "\"kept\"");
  EXPECT_EQ(r["transactions"][0]["attributes"]["answer"], "A");
  EXPECT_EQ(r["transactions"][0]["attributes"]["other"], "\"kept\"");
  EXPECT_EQ(r["transactions"][1]["attributes"]["reason"], "R");
  const auto& m = r["transactions"][1]["messages"];
  EXPECT_EQ(m[0]["attributes"]["question"], "Q1");
  EXPECT_EQ(m[0]["attributes"]["answer"], "\"kept\"");
  EXPECT_EQ(m[1]["attributes"]["question"], "Q2");
  EXPECT_EQ(m[1]["attributes"]["answer"], "A2");
  EXPECT_EQ(m[2]["attributes"]["question"], "Q3");
  EXPECT_EQ(m[2]["attributes"]["answer"], "\"kept\"");
  EXPECT_EQ(m[3]["attributes"]["question"], "\"kept\"");
  EXPECT_TRUE(m[4]["attributes"].is_null());
  EXPECT_EQ(r["transactions"][2]["attributes"]["answer"], "\"kept\"");
  EXPECT_TRUE(r["transactions"][3]["attributes"]["answer"].is_null());
  EXPECT_EQ(restore_task(nlohmann::json("x")), nlohmann::json("x"));
  EXPECT_EQ(restore_task(nlohmann::json::parse(R"({"goal": null})")),
            nlohmann::json::parse(R"({"goal": null})"));
}

TEST(WenetRestore, MessageMetadataRestored) {
  auto m = restore_message(nlohmann::json::parse(
      R"({"type": "response", "metadata": {"question": "\"Q :+1:\"", "answer": "true", "x": "\"k\""}})"));
  EXPECT_EQ(m["metadata"]["question"], std::string("Q ") + kThumbsUp);
  EXPECT_EQ(m["metadata"]["answer"], "true");
  EXPECT_EQ(m["metadata"]["x"], "\"k\"");
  auto null_meta = nlohmann::json::parse(R"({"type": "request", "metadata": null})");
  EXPECT_EQ(restore_message(null_meta), null_meta);
  auto no_meta = nlohmann::json::parse(R"({"type": "request"})");
  EXPECT_EQ(restore_message(no_meta), no_meta);
}

}  // namespace
}  // namespace ferry::wenet
