#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "ferry/base/scrub.h"
#include "ferry/base/text.h"
#include "ferry/base/time.h"
#include "ferry/config/config.h"

extern char** environ;

namespace ferry::config {
namespace {

const Setting& lookup(const Section& s, const std::string& key, ValueType type) {
  auto it = s.values().find(key);
  if (it == s.values().end() || it->second.type != type)
    throw std::logic_error("config: " + s.path() + "." + key + " not declared with that type");
  return it->second;
}

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

void show_section(std::ostringstream& out, const Section& s, const std::string& header,
                  const Scrubber& scrub) {
  out << header << "\n";
  for (const auto& [key, setting] : s.values()) {
    // A secret quoted inside another value (a URL's query or user info) is masked too.
    std::string text = scrub(mask_url_password(value_text(setting.value, setting.type)));
    if (setting.secret && text != "\"\"") text = "\"********\"";
    out << key << " = " << text << "    # " << setting.origin << "\n";
  }
  out << "\n";
}

}  // namespace

const std::string& Section::str(const std::string& key) const {
  return std::get<std::string>(lookup(*this, key, ValueType::kString).value);
}
int64_t Section::integer(const std::string& key) const {
  return std::get<int64_t>(lookup(*this, key, ValueType::kInt).value);
}
bool Section::boolean(const std::string& key) const {
  return std::get<bool>(lookup(*this, key, ValueType::kBool).value);
}
std::chrono::seconds Section::duration(const std::string& key) const {
  return std::get<std::chrono::seconds>(lookup(*this, key, ValueType::kDuration).value);
}
const std::vector<std::string>& Section::list(const std::string& key) const {
  return std::get<std::vector<std::string>>(lookup(*this, key, ValueType::kStringList).value);
}
const Setting& Section::setting(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) throw std::logic_error("config: no key " + path_ + "." + key);
  return it->second;
}

const Section& Config::table(const std::string& name) const {
  auto it = tables_.find(name);
  if (it == tables_.end()) throw std::logic_error("config: table not declared: " + name);
  return it->second;
}

std::vector<std::string> Config::names(const std::string& section) const {
  std::vector<std::string> out;
  auto it = named_.find(section);
  if (it != named_.end())
    for (const auto& [name, _] : it->second) out.push_back(name);
  return out;
}

const Section* Config::named(const std::string& section, const std::string& name) const {
  auto it = named_.find(section);
  if (it == named_.end()) return nullptr;
  auto jt = it->second.find(name);
  return jt == it->second.end() ? nullptr : &jt->second;
}

const std::vector<Section>& Config::entries(const std::string& section) const {
  static const std::vector<Section> kNone;
  auto it = arrays_.find(section);
  return it == arrays_.end() ? kNone : it->second;
}

std::vector<std::string> Config::secret_values() const {
  std::vector<std::string> out;
  auto collect = [&](const Section& s) {
    for (const auto& [_, v] : s.values())
      if (v.secret && v.type == ValueType::kString && !std::get<std::string>(v.value).empty())
        out.push_back(std::get<std::string>(v.value));
  };
  for (const auto& [_, s] : tables_) collect(s);
  for (const auto& [_, m] : named_)
    for (const auto& [__, s] : m) collect(s);
  for (const auto& [_, v] : arrays_)
    for (const auto& s : v) collect(s);
  return out;
}

std::string Config::show() const {
  std::ostringstream out;
  out << "# config file: " << (file_.empty() ? "(none; defaults and environment)" : file_)
      << "\n\n";
  const Scrubber scrub(secret_values());
  for (const auto& [name, s] : tables_) show_section(out, s, "[" + name + "]", scrub);
  for (const auto& [section, m] : named_)
    for (const auto& [name, s] : m) show_section(out, s, "[" + section + "." + name + "]", scrub);
  for (const auto& [section, v] : arrays_)
    for (const auto& s : v) show_section(out, s, "[[" + section + "]]", scrub);
  return out.str();
}

namespace {

// One `key = value    # help` line of the example; `prefix` comments it out.
std::string example_line(const KeySpec& k, const std::string& prefix) {
  std::string help = k.help;
  if (!k.choices.empty()) {
    help += " (";
    for (size_t i = 0; i < k.choices.size(); ++i) help += (i ? ", " : "") + k.choices[i];
    help += ")";
  }
  const std::string value =
      k.example.empty() ? value_text(k.default_value, k.type) : value_text(k.example, k.type);
  return prefix + k.name + " = " + value + "    # " + help + "\n";
}

}  // namespace

std::string example_toml(const ConfigSchema& schema) {
  std::ostringstream out;
  out << "# ferry configuration: every key with its default value.\n"
         "# Generated by `ferry config example`; copy to config/ferry.toml and edit.\n"
         "# Relative paths are resolved against this file's folder: the paths below assume it is\n"
         "# in config/ of the ferry folder (a path key left out defaults to a folder beside it).\n"
         "# Precedence: defaults < this file < environment FERRY_<SECTION>_<KEY> < flags.\n"
         "# Durations are strings such as \"90s\", \"5m\", \"1h\", \"7d\".\n"
         "# Secrets (password, secret_access_key, session_token, api_key, token_auth, apikey,\n"
         "# passphrase) can be left empty here and given through the environment.\n"
         "# Tables that name an S3 target or a server are commented out: uncomment and fill in\n"
         "# the ones you use. As it stands, this file passes `ferry config check` and a run does\n"
         "# nothing.\n";
  for (const auto& spec : schema.sections()) {
    std::string prefix;
    switch (spec->kind()) {
      case SectionKind::kTable:
        out << "\n[" << spec->name() << "]\n";
        break;
      case SectionKind::kNamedTables:
        out << "\n# Any number of [" << spec->name() << ".NAME] tables; environment: FERRY_"
            << env_name(spec->name() + ".NAME", "KEY").substr(6) << "\n# [" << spec->name()
            << ".NAME]\n";
        prefix = "# ";
        break;
      case SectionKind::kTableArray:
        out << "\n# Repeat the [[" << spec->name()
            << "]] block once per entry; environment: " << env_name(spec->name() + ".<name>", "KEY")
            << "\n# [[" << spec->name() << "]]\n";
        prefix = "# ";
        break;
    }
    for (const auto& k : spec->keys()) out << example_line(k, prefix);
  }
  return out.str();
}

std::string where_written(const Section& s, const std::string& file) {
  std::string best;
  long best_line = 0;
  const std::string prefix = file + ":";
  for (const auto& [key, setting] : s.values()) {
    if (file.empty() || setting.origin.compare(0, prefix.size(), prefix) != 0) {
      if (best.empty() && setting.origin != "default") best = setting.origin;
      continue;
    }
    long line = std::atol(setting.origin.c_str() + prefix.size());
    if (best_line == 0 || line < best_line) {
      best_line = line;
      best = setting.origin;
    }
  }
  return best.empty() ? file : best;
}

std::string value_text(const Value& v, ValueType type) {
  switch (type) {
    case ValueType::kString:
      return quote(std::get<std::string>(v));
    case ValueType::kInt:
      return std::to_string(std::get<int64_t>(v));
    case ValueType::kBool:
      return std::get<bool>(v) ? "true" : "false";
    case ValueType::kDuration:
      return quote(format_duration(std::get<std::chrono::seconds>(v)));
    case ValueType::kStringList: {
      std::string out = "[";
      const auto& items = std::get<std::vector<std::string>>(v);
      for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + quote(items[i]);
      return out + "]";
    }
  }
  return "";
}

std::string env_name(const std::string& path, const std::string& key) {
  std::string out = "FERRY_";
  for (char c : path + "_" + key) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    else
      out.push_back('_');
  }
  return out;
}

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> out;
  for (char** e = environ; e && *e; ++e) {
    std::string kv(*e);
    auto eq = kv.find('=');
    if (eq == std::string::npos) continue;
    out[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return out;
}

}  // namespace ferry::config
