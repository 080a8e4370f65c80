// Configuration: a schema of known keys, loaded from defaults < TOML file < FERRY_* environment
// < command-line flags, each value remembering where it came from.
//
// Every folder that owns keys declares them on a ConfigSchema before loading; a key or table
// the schema does not know is an error with file and line.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace ferry::config {

enum class ValueType { kString, kInt, kBool, kDuration, kStringList };

using Value =
    std::variant<std::string, int64_t, bool, std::chrono::seconds, std::vector<std::string>>;

struct KeySpec {
  std::string name;
  ValueType type = ValueType::kString;
  Value default_value;
  std::string help;                  // one line, used by `config show --help` and the docs
  std::vector<std::string> choices;  // allowed strings, when not empty
  bool secret = false;               // masked in `config show`, removed from logs and errors
  int64_t min_int = INT64_MIN;       // inclusive bounds for kInt
  int64_t max_int = INT64_MAX;
  // A file or folder: a relative value from the config file, or the default when a config file
  // was read, is resolved against that file's folder (see load()).
  bool is_path = false;
  std::string example;  // what `config example` shows instead of the default, when not empty
};

// How a section appears in TOML.
enum class SectionKind {
  kTable,        // [log]
  kNamedTables,  // [s3.NAME], any number of names, same keys
  kTableArray,   // [[mindtrails.server]], entries identified by their `name` key
};

class SectionSpec {
 public:
  SectionSpec(std::string name, SectionKind kind) : name_(std::move(name)), kind_(kind) {}
  SectionSpec& add_string(const std::string& key, std::string def, std::string help,
                          std::vector<std::string> choices = {});
  SectionSpec& add_int(const std::string& key, int64_t def, std::string help,
                       int64_t min = INT64_MIN, int64_t max = INT64_MAX);
  SectionSpec& add_bool(const std::string& key, bool def, std::string help);
  SectionSpec& add_duration(const std::string& key, std::chrono::seconds def, std::string help);
  SectionSpec& add_list(const std::string& key, std::vector<std::string> def, std::string help);
  // A string naming a file or folder (KeySpec::is_path). `example` is the value the generated
  // example file shows, which sits in config/ of the ferry folder (e.g. "../state").
  SectionSpec& add_path(const std::string& key, std::string def, std::string help,
                        std::string example);
  // A string whose value is a secret (password, key, token): masked in `config show`, removed
  // from every log line and error, and its name treated as secret in URLs it appears in.
  SectionSpec& add_secret(const std::string& key, std::string help);

  const std::string& name() const { return name_; }
  SectionKind kind() const { return kind_; }
  const std::vector<KeySpec>& keys() const { return keys_; }
  const KeySpec* find(const std::string& key) const;

 private:
  SectionSpec& add(KeySpec spec);
  std::string name_;
  SectionKind kind_;
  std::vector<KeySpec> keys_;
};

class ConfigSchema {
 public:
  // Returns the section, creating it on first use. Throws std::logic_error when the same name
  // is declared again with another kind.
  SectionSpec& section(const std::string& name, SectionKind kind = SectionKind::kTable);
  const SectionSpec* find(const std::string& name) const;
  const std::vector<std::unique_ptr<SectionSpec>>& sections() const { return sections_; }
  // The names of every key declared secret (`password`, `api_key`, …), sorted, once each.
  std::vector<std::string> secret_key_names() const;

 private:
  std::vector<std::unique_ptr<SectionSpec>> sections_;
};

struct Setting {
  Value value;
  ValueType type = ValueType::kString;
  std::string origin;  // "default", "config/ferry.toml:12", "env FERRY_LOG_DIR", "flag --state"
  bool secret = false;
  // A path key resolved against the config file's folder: the text as written (or defaulted)
  // before that, e.g. "state". Empty when the value was not resolved.
  std::string unresolved;
};

// One table's values: every key of its spec, defaulted where not given.
class Section {
 public:
  Section() = default;
  Section(std::string path) : path_(std::move(path)) {}

  // Accessors throw std::logic_error for a key the schema does not declare with that type:
  // a programming error, not an operator's.
  const std::string& str(const std::string& key) const;
  int64_t integer(const std::string& key) const;
  bool boolean(const std::string& key) const;
  std::chrono::seconds duration(const std::string& key) const;
  const std::vector<std::string>& list(const std::string& key) const;
  const Setting& setting(const std::string& key) const;

  const std::string& path() const { return path_; }  // "log", "s3.reports", "mindtrails.server[0]"
  std::map<std::string, Setting>& values() { return values_; }
  const std::map<std::string, Setting>& values() const { return values_; }

 private:
  std::string path_;
  std::map<std::string, Setting> values_;
};

class Config {
 public:
  // A plain table; throws std::logic_error when not declared.
  const Section& table(const std::string& name) const;
  // Names given for a kNamedTables section, sorted.
  std::vector<std::string> names(const std::string& section) const;
  // One named table; nullptr when the file does not define it.
  const Section* named(const std::string& section, const std::string& name) const;
  // Entries of a kTableArray section, in file order.
  const std::vector<Section>& entries(const std::string& section) const;

  // Every non-empty secret value, for the Scrubber of logs, state, output and mail.
  std::vector<std::string> secret_values() const;
  // `section.key = value    # origin` lines, secrets masked as "********"; in other values, a
  // URL's password and any secret value (in the forms Scrubber knows) are masked too.
  std::string show() const;
  // The config file read, or "" when only defaults and environment were used.
  const std::string& file() const { return file_; }

 private:
  friend class Loader;
  std::string file_;
  std::map<std::string, Section> tables_;
  std::map<std::string, std::map<std::string, Section>> named_;
  std::map<std::string, std::vector<Section>> arrays_;
};

// A value set on the command line: `section.key` and its text, with the flag's name.
struct FlagOverride {
  std::string path;  // e.g. "state.dir"
  std::string text;
  std::string flag;  // e.g. "--state"
};

struct LoadOptions {
  std::string file;                                // path of the TOML file
  bool file_required = false;                      // false: a missing file means defaults only
  std::map<std::string, std::string> environment;  // only FERRY_* names are read
  std::vector<FlagOverride> flags;
  // FERRY_* names that are not settings but are read elsewhere (FERRY_CONFIG, FERRY_NOW); a
  // trailing '*' allows every name with that prefix. Any other FERRY_* name that is not a key
  // of the schema (or of a named table or entry the file defines) is a UsageError.
  std::vector<std::string> other_variables;
};

// Loads and validates. Throws UsageError naming file:line (or the variable or flag) for a
// syntax error, an unknown table or key, a wrong type, a bad duration or a value out of range.
// Relative path keys (KeySpec::is_path) set in the file, and their defaults when a file was read,
// become absolute, resolved against the file's folder; without a file, and when they come from
// the environment or a flag, they stay relative to the current directory.
Config load(const ConfigSchema& schema, const LoadOptions& options);

// A commented TOML file documenting every key of `schema` with its default value. Named tables
// are shown once as `[SECTION.NAME]`, arrays of tables once as `[[SECTION]]`.
std::string example_toml(const ConfigSchema& schema);

// Where the table `s` was written: the origin of the first line of `file` that sets one of its
// keys; else the environment variable that sets one; else `file`.
std::string where_written(const Section& s, const std::string& file);

// Text of a value as TOML would write it (strings quoted, lists bracketed, secrets not masked).
std::string value_text(const Value& v, ValueType type);

// The environment variable that overrides `key` of the section at `path` (`s3.reports`,
// `mindtrails.server.<name>`): FERRY_S3_REPORTS_BUCKET.
std::string env_name(const std::string& path, const std::string& key);

// The whole process environment (FERRY_*, AWS_*, HOME, ...).
std::map<std::string, std::string> process_environment();

}  // namespace ferry::config
