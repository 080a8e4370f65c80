#include <algorithm>
#include <set>
#include <stdexcept>

#include "ferry/config/config.h"

namespace ferry::config {

SectionSpec& SectionSpec::add(KeySpec spec) {
  if (find(spec.name))
    throw std::logic_error("config key declared twice: " + name_ + "." + spec.name);
  keys_.push_back(std::move(spec));
  return *this;
}

SectionSpec& SectionSpec::add_string(const std::string& key, std::string def, std::string help,
                                     std::vector<std::string> choices) {
  KeySpec k;
  k.name = key;
  k.type = ValueType::kString;
  k.default_value = std::move(def);
  k.help = std::move(help);
  k.choices = std::move(choices);
  return add(std::move(k));
}

SectionSpec& SectionSpec::add_int(const std::string& key, int64_t def, std::string help,
                                  int64_t min, int64_t max) {
  KeySpec k;
  k.name = key;
  k.type = ValueType::kInt;
  k.default_value = def;
  k.help = std::move(help);
  k.min_int = min;
  k.max_int = max;
  return add(std::move(k));
}

SectionSpec& SectionSpec::add_bool(const std::string& key, bool def, std::string help) {
  KeySpec k;
  k.name = key;
  k.type = ValueType::kBool;
  k.default_value = def;
  k.help = std::move(help);
  return add(std::move(k));
}

SectionSpec& SectionSpec::add_duration(const std::string& key, std::chrono::seconds def,
                                       std::string help) {
  KeySpec k;
  k.name = key;
  k.type = ValueType::kDuration;
  k.default_value = def;
  k.help = std::move(help);
  return add(std::move(k));
}

SectionSpec& SectionSpec::add_list(const std::string& key, std::vector<std::string> def,
                                   std::string help) {
  KeySpec k;
  k.name = key;
  k.type = ValueType::kStringList;
  k.default_value = std::move(def);
  k.help = std::move(help);
  return add(std::move(k));
}

SectionSpec& SectionSpec::add_path(const std::string& key, std::string def, std::string help,
                                   std::string example) {
  KeySpec k;
  k.name = key;
  k.type = ValueType::kString;
  k.default_value = std::move(def);
  k.help = std::move(help);
  k.is_path = true;
  k.example = std::move(example);
  return add(std::move(k));
}

SectionSpec& SectionSpec::add_secret(const std::string& key, std::string help) {
  KeySpec k;
  k.name = key;
  k.type = ValueType::kString;
  k.default_value = std::string();
  k.help = std::move(help);
  k.secret = true;
  return add(std::move(k));
}

const KeySpec* SectionSpec::find(const std::string& key) const {
  for (const auto& k : keys_)
    if (k.name == key) return &k;
  return nullptr;
}

SectionSpec& ConfigSchema::section(const std::string& name, SectionKind kind) {
  for (auto& s : sections_) {
    if (s->name() != name) continue;
    if (s->kind() != kind) throw std::logic_error("config section redeclared: " + name);
    return *s;
  }
  sections_.push_back(std::make_unique<SectionSpec>(name, kind));
  return *sections_.back();
}

const SectionSpec* ConfigSchema::find(const std::string& name) const {
  for (const auto& s : sections_)
    if (s->name() == name) return s.get();
  return nullptr;
}

}  // namespace ferry::config

namespace ferry::config {

std::vector<std::string> ConfigSchema::secret_key_names() const {
  std::set<std::string> names;
  for (const auto& section : sections_)
    for (const auto& k : section->keys())
      if (k.secret) names.insert(k.name);
  return {names.begin(), names.end()};
}

}  // namespace ferry::config
