// Loads the TOML file and overlays environment and flags. The only file that includes toml++.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <stdexcept>

namespace ferry::config {
// toml++ checks some of its parser's expectations with assert(), which input it should reject
// can break (fuzzing found `[#` as a table header): here a broken expectation throws instead,
// and parse_file() reports it as a syntax error rather than the process aborting.
struct TomlAssertion : std::logic_error {
  using std::logic_error::logic_error;
};
[[noreturn]] inline void toml_assertion_failed(const char* expr) { throw TomlAssertion(expr); }
}  // namespace ferry::config
#define TOML_ASSERT(expr) \
  ((expr) ? static_cast<void>(0) : ::ferry::config::toml_assertion_failed(#expr))
#include <toml++/toml.h>

#include "ferry/base/error.h"
#include "ferry/base/text.h"
#include "ferry/base/time.h"
#include "config/text_checks.h"
#include "ferry/config/config.h"

namespace ferry::config {

class Loader {
 public:
  Loader(const ConfigSchema& schema, const LoadOptions& options)
      : schema_(schema), options_(options) {}

  Config load();

 private:
  void parse_file();
  void walk(const toml::table& table, const std::string& path, const SectionSpec* spec,
            Section* section);
  void enter_section(const SectionSpec& spec, const toml::node& node, const std::string& path);
  void set_from_toml(const KeySpec& key, const toml::node& node, const std::string& path,
                     Section& section);
  void check_entry_names();
  void overlay_environment();
  void overlay_section_env(const SectionSpec& spec, const std::string& env_path, Section& s);
  void apply_flags();
  void resolve_paths();
  void resolve_section_paths(const SectionSpec& spec, Section& s, const std::string& base);
  Value parse_text(const KeySpec& key, const std::string& text, const std::string& where);
  void check(const KeySpec& key, const Value& v, const std::string& where);
  Section defaults(const SectionSpec& spec, const std::string& path);
  bool is_prefix_of_section(const std::string& path) const;
  std::string at(const toml::source_region& src) const {
    return options_.file + ":" + std::to_string(src.begin.line);
  }

  const ConfigSchema& schema_;
  const LoadOptions& options_;
  Config config_;
  std::set<std::string> known_env_;  // every FERRY_* name a setting answers to
};

namespace {

const char* type_word(ValueType t) {
  switch (t) {
    case ValueType::kString:
      return "a string";
    case ValueType::kInt:
      return "an integer";
    case ValueType::kBool:
      return "true or false";
    case ValueType::kDuration:
      return "a duration string such as \"90s\", \"5m\", \"1h\", \"7d\"";
    case ValueType::kStringList:
      return "a list of strings";
  }
  return "?";
}

const char* node_word(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    default:
      return "a date/time";
  }
}

// True when `path` exists. Throws UsageError when it exists but is not a readable file.
bool config_file_present(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return false;
    throw UsageError("cannot read config file " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) throw UsageError("config file " + path + " is not a regular file");
  if (::access(path.c_str(), R_OK) != 0)
    throw UsageError("cannot read config file " + path + ": " + std::strerror(errno));
  return true;
}

}  // namespace

Section Loader::defaults(const SectionSpec& spec, const std::string& path) {
  Section s(path);
  for (const auto& k : spec.keys())
    s.values()[k.name] = Setting{k.default_value, k.type, "default", k.secret, ""};
  return s;
}

bool Loader::is_prefix_of_section(const std::string& path) const {
  for (const auto& s : schema_.sections())
    if (s->name().compare(0, path.size() + 1, path + ".") == 0) return true;
  return false;
}

Config Loader::load() {
  for (const auto& spec : schema_.sections())
    if (spec->kind() == SectionKind::kTable)
      config_.tables_[spec->name()] = defaults(*spec, spec->name());
  if (!options_.file.empty() && config_file_present(options_.file)) {
    config_.file_ = options_.file;
    parse_file();
  } else if (options_.file_required) {
    throw UsageError("config file " + options_.file + " does not exist");
  }
  check_entry_names();
  overlay_environment();
  refuse_unknown_variables(options_.environment, known_env_, options_.other_variables);
  apply_flags();
  resolve_paths();
  return std::move(config_);
}

void Loader::parse_file() {
  refuse_unparsable_text(options_.file);
  toml::table root;
  try {
    root = toml::parse_file(options_.file);
  } catch (const TomlAssertion& e) {
    throw UsageError(options_.file + ": TOML syntax error: the parser rejected the file (" +
                     e.what() + ")");
  } catch (const toml::parse_error& e) {
    throw UsageError(at(e.source()) + ": TOML syntax error: " + std::string(e.description()));
  }
  walk(root, "", nullptr, nullptr);
}

void Loader::walk(const toml::table& table, const std::string& path, const SectionSpec* spec,
                  Section* section) {
  for (const auto& [key, node] : table) {
    std::string name(key.str());
    std::string full = path.empty() ? name : path + "." + name;
    if (const SectionSpec* sub = schema_.find(full)) {
      enter_section(*sub, node, full);
    } else if (spec && spec->find(name)) {
      set_from_toml(*spec->find(name), node, path, *section);
    } else if (node.is_table() && is_prefix_of_section(full)) {
      walk(*node.as_table(), full, nullptr, nullptr);
    } else if (node.is_table() || node.is_array_of_tables()) {
      throw UsageError(at(key.source()) + ": unknown table [" + full + "]");
    } else {
      throw UsageError(at(key.source()) + ": unknown key '" + name + "'" +
                       (path.empty() ? std::string(" at top level") : " in [" + path + "]"));
    }
  }
}

void Loader::enter_section(const SectionSpec& spec, const toml::node& node,
                           const std::string& path) {
  switch (spec.kind()) {
    case SectionKind::kTable:
      if (!node.is_table())
        throw UsageError(at(node.source()) + ": [" + path + "] must be a table");
      walk(*node.as_table(), path, &spec, &config_.tables_[path]);
      return;
    case SectionKind::kNamedTables: {
      if (!node.is_table())
        throw UsageError(at(node.source()) + ": [" + path + "] must be a table");
      for (const auto& [name, child] : *node.as_table()) {
        std::string sub = path + "." + std::string(name.str());
        if (!child.is_table())
          throw UsageError(at(name.source()) + ": expected a table [" + sub + "], got " +
                           node_word(child));
        auto& named = config_.named_[path];
        auto it = named.emplace(std::string(name.str()), defaults(spec, sub)).first;
        walk(*child.as_table(), sub, &spec, &it->second);
      }
      return;
    }
    case SectionKind::kTableArray: {
      if (!node.is_array_of_tables())
        throw UsageError(at(node.source()) + ": " + path + " must be written as [[" + path + "]]");
      auto& entries = config_.arrays_[path];
      for (const auto& item : *node.as_array()) {
        std::string sub = path + "[" + std::to_string(entries.size()) + "]";
        entries.push_back(defaults(spec, sub));
        walk(*item.as_table(), sub, &spec, &entries.back());
      }
      return;
    }
  }
}

void Loader::set_from_toml(const KeySpec& key, const toml::node& node, const std::string& path,
                           Section& section) {
  std::string where = at(node.source());
  std::string what = where + ": " + path + "." + key.name;
  Value v;
  bool ok = true;
  switch (key.type) {
    case ValueType::kString:
      ok = node.is_string();
      if (ok) v = std::string(node.as_string()->get());
      break;
    case ValueType::kInt:
      ok = node.is_integer();
      if (ok) v = node.as_integer()->get();
      break;
    case ValueType::kBool:
      ok = node.is_boolean();
      if (ok) v = node.as_boolean()->get();
      break;
    case ValueType::kDuration:
      ok = node.is_string();
      if (ok) v = parse_text(key, node.as_string()->get(), what);
      break;
    case ValueType::kStringList: {
      ok = node.is_array() && node.as_array()->is_homogeneous(toml::node_type::string);
      if (node.is_array() && node.as_array()->empty()) ok = true;
      std::vector<std::string> items;
      if (ok)
        for (const auto& item : *node.as_array()) items.emplace_back(item.as_string()->get());
      v = std::move(items);
      break;
    }
  }
  if (!ok) throw UsageError(what + " must be " + type_word(key.type) + ", not " + node_word(node));
  check(key, v, what);
  section.values()[key.name] = Setting{std::move(v), key.type, where, key.secret, ""};
}

Value Loader::parse_text(const KeySpec& key, const std::string& text, const std::string& where) {
  switch (key.type) {
    case ValueType::kString:
      return text;
    case ValueType::kInt:
      if (auto n = parse_int64(text)) return *n;
      throw UsageError(where + " must be an integer, not '" + text + "'");
    case ValueType::kBool:
      if (text == "true" || text == "1" || text == "yes") return true;
      if (text == "false" || text == "0" || text == "no") return false;
      throw UsageError(where + " must be true or false, not '" + text + "'");
    case ValueType::kDuration: {
      auto d = parse_duration(text);
      if (!d)
        throw UsageError(where + ": bad duration '" + text +
                         "' (use a number and a unit: 90s, 5m, 1h, 7d, or 1h30m)");
      return *d;
    }
    case ValueType::kStringList: {
      std::vector<std::string> items;
      size_t start = 0;
      while (!text.empty() && start <= text.size()) {
        size_t comma = text.find(',', start);
        if (comma == std::string::npos) comma = text.size();
        items.push_back(trim(text.substr(start, comma - start)));
        start = comma + 1;
      }
      return items;
    }
  }
  return text;
}

void Loader::check(const KeySpec& key, const Value& v, const std::string& where) {
  if (key.type == ValueType::kInt) {
    int64_t n = std::get<int64_t>(v);
    if (n < key.min_int || n > key.max_int)
      throw UsageError(where + " = " + std::to_string(n) + " is out of range [" +
                       std::to_string(key.min_int) + ", " + std::to_string(key.max_int) + "]");
  }
  if (key.type == ValueType::kString && !key.choices.empty()) {
    const auto& s = std::get<std::string>(v);
    std::string list;
    for (const auto& c : key.choices) {
      if (c == s) return;
      list += (list.empty() ? "" : ", ") + c;
    }
    throw UsageError(where + " = '" + s + "' is not one of: " + list);
  }
}

// Entries of an array of tables are told apart (and named in the environment) by `name`.
void Loader::check_entry_names() {
  for (const auto& [section, entries] : config_.arrays_) {
    const SectionSpec* spec = schema_.find(section);
    if (!spec || !spec->find("name")) continue;
    std::map<std::string, std::string> seen;
    for (const auto& e : entries) {
      const Setting& name = e.values().at("name");
      const auto& text = std::get<std::string>(name.value);
      if (text.empty())
        throw UsageError(where_written(e, options_.file) + ": an entry of [[" + section +
                         "]] has no name");
      auto [it, fresh] = seen.emplace(text, name.origin);
      if (!fresh)
        throw UsageError(name.origin + ": [[" + section + "]] name '" + text +
                         "' is used twice (first at " + it->second + ")");
    }
  }
}

void Loader::overlay_section_env(const SectionSpec& spec, const std::string& env_path, Section& s) {
  for (const auto& key : spec.keys()) {
    std::string name = env_name(env_path, key.name);
    known_env_.insert(name);
    auto it = options_.environment.find(name);
    if (it == options_.environment.end()) continue;
    std::string where = "environment " + name;
    Value v = parse_text(key, it->second, where);
    check(key, v, where);
    s.values()[key.name] = Setting{std::move(v), key.type, "env " + name, key.secret, ""};
  }
}

void Loader::overlay_environment() {
  for (const auto& spec : schema_.sections()) {
    const std::string& name = spec->name();
    switch (spec->kind()) {
      case SectionKind::kTable:
        overlay_section_env(*spec, name, config_.tables_[name]);
        break;
      case SectionKind::kNamedTables:
        for (auto& [target, s] : config_.named_[name])
          overlay_section_env(*spec, name + "." + target, s);
        break;
      case SectionKind::kTableArray:
        for (auto& s : config_.arrays_[name]) {
          auto it = s.values().find("name");
          if (it == s.values().end() || it->second.type != ValueType::kString) continue;
          overlay_section_env(*spec, name + "." + std::get<std::string>(it->second.value), s);
        }
        break;
    }
  }
}

void Loader::apply_flags() {
  for (const auto& f : options_.flags) {
    auto dot = f.path.rfind('.');
    const SectionSpec* spec = schema_.find(f.path.substr(0, dot));
    const KeySpec* key = spec ? spec->find(f.path.substr(dot + 1)) : nullptr;
    if (!key || spec->kind() != SectionKind::kTable)
      throw std::logic_error("flag " + f.flag + " maps to undeclared key " + f.path);
    Value v = parse_text(*key, f.text, "flag " + f.flag);
    check(*key, v, "flag " + f.flag);
    config_.tables_[spec->name()].values()[key->name] =
        Setting{std::move(v), key->type, "flag " + f.flag, key->secret, ""};
  }
}

void Loader::resolve_section_paths(const SectionSpec& spec, Section& s, const std::string& base) {
  for (const auto& key : spec.keys()) {
    if (!key.is_path) continue;
    auto it = s.values().find(key.name);
    if (it == s.values().end()) continue;
    Setting& setting = it->second;
    if (setting.origin.rfind("env ", 0) == 0 || setting.origin.rfind("flag ", 0) == 0) continue;
    auto& text = std::get<std::string>(setting.value);
    if (text.empty() || std::filesystem::path(text).is_absolute()) continue;
    setting.unresolved = text;
    text = (std::filesystem::path(base) / text).lexically_normal().string();
    if (text.size() > 1 && text.back() == '/') text.pop_back();
  }
}

void Loader::resolve_paths() {
  if (config_.file_.empty()) return;
  std::error_code ec;
  auto file = std::filesystem::absolute(config_.file_, ec);
  if (ec) throw UsageError("cannot resolve the folder of config file " + config_.file_);
  const std::string base = file.parent_path().string();
  for (const auto& spec : schema_.sections()) {
    const std::string& name = spec->name();
    switch (spec->kind()) {
      case SectionKind::kTable:
        resolve_section_paths(*spec, config_.tables_[name], base);
        break;
      case SectionKind::kNamedTables:
        for (auto& [target, s] : config_.named_[name]) resolve_section_paths(*spec, s, base);
        break;
      case SectionKind::kTableArray:
        for (auto& s : config_.arrays_[name]) resolve_section_paths(*spec, s, base);
        break;
    }
  }
}

Config load(const ConfigSchema& schema, const LoadOptions& options) {
  return Loader(schema, options).load();
}

}  // namespace ferry::config
