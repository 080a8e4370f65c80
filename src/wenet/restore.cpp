#include "ferry/wenet/restore.h"

#include <algorithm>
#include <cstring>

#include "wenet/gemoji_table.h"

namespace ferry::wenet {

namespace {

bool short_code_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '+' || c == '-';
}

// Restores the string at `obj[key]` when `obj` is an object and the value a string.
void restore_field(nlohmann::json& obj, const char* key) {
  if (!obj.is_object()) return;
  auto it = obj.find(key);
  if (it != obj.end() && it->is_string()) *it = restore_text(it->get_ref<const std::string&>());
}

void restore_attributes(nlohmann::json& item, const char* key) {
  if (!item.is_object()) return;
  auto it = item.find("attributes");
  if (it != item.end()) restore_field(*it, key);
}

std::string label_of(const nlohmann::json& item) {
  if (!item.is_object()) return {};
  auto it = item.find("label");
  return it != item.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void restore_transaction_messages(nlohmann::json& transaction) {
  auto it = transaction.find("messages");
  if (it == transaction.end() || !it->is_array()) return;
  for (auto& message : *it) {
    std::string label = label_of(message);
    if (label == "QuestionToAnswerMessage" || label == "AnsweredQuestionMessage" ||
        label == "AnsweredPickedMessage")
      restore_attributes(message, "question");
    if (label == "AnsweredQuestionMessage") restore_attributes(message, "answer");
  }
}

}  // namespace

std::optional<std::string_view> emoji_for(std::string_view name) {
  const GemojiEntry* begin = kGemojiTable;
  const GemojiEntry* end = kGemojiTable + kGemojiCount;
  const GemojiEntry* it = std::lower_bound(
      begin, end, name,
      [](const GemojiEntry& e, std::string_view n) { return std::string_view(e.name) < n; });
  if (it == end || std::string_view(it->name) != name) return std::nullopt;
  return std::string_view(it->emoji);
}

std::string replace_short_codes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] != ':') {
      out.push_back(text[i++]);
      continue;
    }
    size_t j = i + 1;
    while (j < text.size() && short_code_char(text[j])) ++j;
    if (j < text.size() && text[j] == ':' && j > i + 1) {
      if (auto emoji = emoji_for(text.substr(i + 1, j - i - 1))) {
        out.append(*emoji);
        i = j + 1;
        continue;
      }
      out.append(text.substr(i, j - i));  // the closing colon may open the next code
      i = j;
      continue;
    }
    out.append(text.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string restore_text(std::string_view text) {
  nlohmann::json value = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (!value.is_discarded() && value.is_string())
    return replace_short_codes(value.get_ref<const std::string&>());
  return replace_short_codes(text);
}

nlohmann::json restore_task(nlohmann::json task) {
  if (!task.is_object()) return task;
  auto goal = task.find("goal");
  if (goal != task.end()) restore_field(*goal, "name");
  auto transactions = task.find("transactions");
  if (transactions == task.end() || !transactions->is_array()) return task;
  for (auto& transaction : *transactions) {
    if (!transaction.is_object()) continue;
    std::string label = label_of(transaction);
    if (label == "answerTransaction") restore_attributes(transaction, "answer");
    if (label == "bestAnswerTransaction") restore_attributes(transaction, "reason");
    restore_transaction_messages(transaction);
  }
  return task;
}

nlohmann::json restore_message(nlohmann::json message) {
  if (!message.is_object()) return message;
  auto metadata = message.find("metadata");
  if (metadata == message.end()) return message;
  restore_field(*metadata, "question");
  restore_field(*metadata, "answer");
  return message;
}

}  // namespace ferry::wenet
