// The core's `ferry doctor` checks: folders, free space, the state file, alert mail, S3.
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "ferry/base/bytes.h"
#include "ferry/base/error.h"
#include "ferry/config/config.h"
#include "ferry/core/doctor.h"
#include "ferry/net/mailer.h"
#include "ferry/net/object_store.h"
#include "ferry/net/redact.h"

namespace ferry::core {
namespace {

bool is_dir(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// `path` itself when it exists, else its nearest existing parent ("" when none).
std::string nearest_existing(std::string path) {
  while (!path.empty() && !exists(path)) {
    size_t slash = path.find_last_of('/');
    if (slash == std::string::npos) return exists(".") ? "." : "";
    path = slash == 0 ? "/" : path.substr(0, slash);
  }
  return path;
}

// "" when this process may create files in the folder `dir`, else why not.
std::string writable_reason(const std::string& dir) {
  if (!is_dir(dir)) return dir + " is not a folder";
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    return "cannot create files in " + dir + ": " + std::strerror(errno);
  return "";
}

}  // namespace

uint64_t statvfs_free_bytes(const std::string& dir) {
  std::string at = nearest_existing(dir);
  struct statvfs st {};
  if (at.empty() || ::statvfs(at.c_str(), &st) != 0)
    throw OperationError(FailureKind::kPermanent, "cannot read the free space of " + dir + ": " +
                                                      std::strerror(at.empty() ? ENOENT : errno));
  return static_cast<uint64_t>(st.f_bavail) * static_cast<uint64_t>(st.f_frsize);
}

DoctorCheck writable_folder_check(const std::string& what, const std::string& dir,
                                  bool may_be_missing, const std::string& missing) {
  DoctorCheck c;
  c.name = what + " " + dir + " writable";
  c.run = [dir, may_be_missing, missing]() -> std::string {
    if (exists(dir)) return writable_reason(dir);
    if (!may_be_missing) return dir + " is " + missing;
    std::string parent = nearest_existing(dir);
    if (parent.empty()) return dir + " is missing and so are its parents";
    std::string why = writable_reason(parent);
    return why.empty() ? "" : dir + " is missing and cannot be created: " + why;
  };
  return c;
}

DoctorCheck free_space_check(const std::string& what, const std::string& dir, uint64_t min_free,
                             FreeBytes free_bytes) {
  DoctorCheck c;
  c.name = "free space in " + what + " " + dir;
  c.warning_only = true;
  c.run = [dir, min_free, free_bytes = std::move(free_bytes)]() -> std::string {
    uint64_t free = free_bytes(dir);
    if (free >= min_free) return "";
    return format_byte_size(free) + " free, under [doctor] min_free " + format_byte_size(min_free);
  };
  return c;
}

namespace {

DoctorCheck state_file_check(const std::string& dir, const DoctorServices& services) {
  DoctorCheck c;
  const std::string path = dir + "/ferry.db";
  c.name = "state " + path + " integrity_check";
  c.run = [path, &services]() -> std::string {
    if (!exists(path)) {
      if (exists(path + "-wal"))
        return "missing, but its write-ahead log " + path +
               "-wal is there: restore ferry.db (e.g. from a `ferry backup` copy)";
      return "no state here: create it with `ferry init` (or check state.dir and --config)";
    }
    return services.state_integrity(path);
  };
  return c;
}

DoctorCheck mail_check(const config::Config& config, const DoctorServices& services) {
  const auto& a = config.table("alerts");
  std::string url = net::redact_url(a.str("smtp_url"));
  if (a.list("to").empty())
    return skipped_check("alert mail " + url, "[alerts] to is empty: no alert mail is sent");
  DoctorCheck c;
  c.name = "alert mail " + url +
           (a.str("username").empty() ? " connect" : " connect and login as " + a.str("username"));
  c.run = [&services]() -> std::string {
    services.mailer()->verify();
    return "";
  };
  return c;
}

DoctorCheck s3_check(const std::string& target, const DoctorServices& services) {
  DoctorCheck c;
  c.name = "s3." + target + " lists a key";
  c.run = [target, &services]() -> std::string {
    auto store = services.object_store(target);
    store->list_first("", 1);
    return "";
  };
  return c;
}

}  // namespace

std::vector<DoctorCheck> core_doctor_checks(const config::Config& config,
                                            const DoctorServices& services) {
  const std::string& state_dir = config.table("state").str("dir");
  const std::string& log_dir = config.table("log").str("dir");
  uint64_t min_free = doctor_min_free(config);
  const std::string& state_url = config.table("state").str("url");
  std::vector<DoctorCheck> out;
  if (state_url.empty()) {
    out.push_back(writable_folder_check("state folder", state_dir, false,
                                        "missing: create the state with `ferry init`"));
    out.push_back(state_file_check(state_dir, services));
  } else {  // the folder holds only ferry.lock, made by the first run
    out.push_back(writable_folder_check("state folder", state_dir, true));
    DoctorCheck db;
    db.name = "state " + state_url + " answers";
    db.run = [state_url, &services] { return services.state_database(state_url); };
    out.push_back(db);
  }
  out.push_back(writable_folder_check("log folder", log_dir, true));
  // The status page and metrics file are written into folders runs do not create.
  const std::pair<const char*, const char*> views[] = {{"status", "html_path"},
                                                       {"metrics", "textfile_path"}};
  for (const auto& [section, key] : views) {
    const std::string& file = config.table(section).str(key);
    if (file.empty()) continue;
    std::string folder = std::filesystem::path(file).parent_path().string();
    out.push_back(writable_folder_check(std::string(section) + "." + key + " folder",
                                        folder.empty() ? "." : folder, false,
                                        "missing: runs write " + file + " into it"));
  }
  out.push_back(free_space_check("state folder", state_dir, min_free, services.free_bytes));
  out.push_back(free_space_check("log folder", log_dir, min_free, services.free_bytes));
  out.push_back(mail_check(config, services));
  for (const auto& target : config.names("s3")) out.push_back(s3_check(target, services));
  return out;
}

}  // namespace ferry::core
