// Restoring the question and answer texts WeNet stores JSON-encoded and with emoji short
// codes. Pure functions; they never throw except std::bad_alloc.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace ferry::wenet {

// The emoji (UTF-8) of GitHub's short code `name`, given without colons (`thumbsup`, `+1`);
// nullopt when gemoji has no such name. Case-sensitive, as the table is.
std::optional<std::string_view> emoji_for(std::string_view name);

// `text` with every `:name:` whose name gemoji knows replaced by its emoji. A name is one or
// more of `a-z A-Z 0-9 _ + -`; unknown names and lone colons stay as they are (`10:30` and
// `:nope:` are unchanged; in `:nope:smile:` the second colon may open `:smile:`).
std::string replace_short_codes(std::string_view text);

// A stored text as the reports print it:
//  1. when `text` parses as JSON (RFC 8259, surrounding blanks allowed) and the value is a
//     string, that string; when it is any other value (`true`, `null`, `1.50`, `[1]`), the
//     text as given: JSON literals stay JSON text (`true`, never Python's `True`); when it
//     does not parse, the text as given;
//  2. then emoji short codes replaced (replace_short_codes).
std::string restore_text(std::string_view text);

// A task as the task manager returns it, with restore_text applied to the string fields:
// `goal.name`; in `transactions[]`: `attributes.answer` of `answerTransaction`,
// `attributes.reason` of `bestAnswerTransaction`; in each transaction's `messages[]`:
// `attributes.question` of `QuestionToAnswerMessage`, `AnsweredQuestionMessage` and
// `AnsweredPickedMessage`, and `attributes.answer` of `AnsweredQuestionMessage`. Fields that
// are missing, null or not strings are left alone; anything that is not an object is returned
// unchanged.
nlohmann::json restore_task(nlohmann::json task);

// A logger message with `metadata.question` and `metadata.answer` restored when they are
// strings (null or missing metadata is left alone).
nlohmann::json restore_message(nlohmann::json message);

}  // namespace ferry::wenet
