#include "ferry/wenet/folder.h"
#include "ferry/base/text.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <streambuf>
#include <system_error>

#include "ferry/base/error.h"
#include "ferry/io/env.h"

namespace ferry::wenet {
namespace {

constexpr const char* kTempPrefix = ".tmp-";
constexpr const char* kOldPrefix = ".old-";

// Removes a folder tree; logs, never throws (what is left is removed by the next run).
void remove_tree(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) spdlog::warn("wenet: cannot remove {}: {}", path, ec.message());
}

bool is_dir(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec);
}

// An output buffer of 64 KiB in front of a WritableFile.
class FileBuf : public std::streambuf {
 public:
  explicit FileBuf(std::unique_ptr<io::WritableFile> file) : file_(std::move(file)), buf_(65536) {
    setp(buf_.data(), buf_.data() + buf_.size());
  }
  void drain() {
    if (pptr() > pbase()) file_->append(std::string_view(pbase(), pptr() - pbase()));
    setp(buf_.data(), buf_.data() + buf_.size());
  }
  io::WritableFile& file() { return *file_; }

 protected:
  int_type overflow(int_type ch) override {
    drain();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    if (n >= static_cast<std::streamsize>(buf_.size())) {
      drain();
      file_->append(std::string_view(s, static_cast<size_t>(n)));
      return n;
    }
    return std::streambuf::xsputn(s, n);
  }
  int sync() override {
    drain();
    return 0;
  }

 private:
  std::unique_ptr<io::WritableFile> file_;
  std::vector<char> buf_;
};

}  // namespace

class ReportFolder::Stream {
 public:
  explicit Stream(std::unique_ptr<io::WritableFile> file) : buf(std::move(file)), out(&buf) {
    out.exceptions(std::ios::badbit);  // a write that throws in the buffer is rethrown
  }
  FileBuf buf;
  std::ostream out;
};

ReportFolder::ReportFolder(io::Env& env, std::string output_dir, std::string name)
    : env_(env),
      output_dir_(std::move(output_dir)),
      temp_(output_dir_ + "/" + kTempPrefix + name),
      final_(output_dir_ + "/" + name),
      old_(output_dir_ + "/" + kOldPrefix + name) {
  env_.make_dirs(output_dir_);
  clean_leftovers(env_, output_dir_);
  env_.make_dirs(temp_);
}

ReportFolder::~ReportFolder() {
  open_.clear();
  if (!committed_) remove_tree(temp_);
}

std::ostream& ReportFolder::open(const std::string& file) {
  auto stream = std::make_unique<Stream>(env_.new_file(temp_ + "/" + file));
  std::ostream& out = stream->out;
  open_[file] = std::move(stream);
  order_.push_back(file);
  return out;
}

void ReportFolder::close(const std::string& file) {
  auto it = open_.find(file);
  if (it == open_.end()) return;
  it->second->out.flush();
  it->second->buf.drain();
  it->second->buf.file().sync();
  open_.erase(it);
}

std::string ReportFolder::commit() {
  if (!open_.empty())
    throw OperationError(FailureKind::kPermanent,
                         "wenet: " + open_.begin()->first + " is still open in " + temp_);
  env_.sync_dir(temp_);
  bool replace = is_dir(final_);
  if (replace) {
    env_.rename(final_, old_);
    env_.sync_dir(output_dir_);  // the earlier folder is aside for good before the new one comes
  }
  env_.rename(temp_, final_);
  env_.sync_dir(output_dir_);
  committed_ = true;
  if (replace) remove_tree(old_);
  return final_;
}

void clean_leftovers(io::Env& env, const std::string& output_dir) {
  for (const auto& entry : env.list_dir(output_dir)) {
    const std::string path = output_dir + "/" + entry;
    if (starts_with(entry, kTempPrefix)) {
      spdlog::info("wenet: removing {} left by an earlier run", path);
      remove_tree(path);
    } else if (starts_with(entry, kOldPrefix)) {
      const std::string name = entry.substr(std::string(kOldPrefix).size());
      if (!is_dir(output_dir + "/" + name)) {
        spdlog::warn("wenet: putting back {} (a run died while replacing it)", name);
        env.rename(path, output_dir + "/" + name);
        env.sync_dir(output_dir);
      } else {
        remove_tree(path);
      }
    }
  }
}

}  // namespace ferry::wenet
