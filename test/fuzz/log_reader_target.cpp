// LogReader's fuzz target, in its own file: the input is written to a file (LogReader reads
// paths) and read as lines, then as chunks.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "ferry/base/error.h"
#include "ferry/io/log_reader.h"
#include "fuzz/targets.h"

namespace ferry::fuzz {
namespace {

// A file of this process's own, rewritten for every input, removed at exit.
class InputFile {
 public:
  InputFile()
      : path_((std::filesystem::temp_directory_path() /
               ("ferry-fuzz-log-" + std::to_string(getpid()) + ".log.gz"))
                  .string()) {}
  ~InputFile() { std::remove(path_.c_str()); }
  const std::string& write(std::string_view bytes) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    require(static_cast<bool>(out), "cannot write " + path_);
    return path_;
  }

 private:
  std::string path_;
};

void check_progress(const io::LogReader& r, uint64_t& last) {
  require(r.compressed_bytes() >= last, "compressed_bytes went back");
  require(r.compressed_bytes() <= r.file_size(), "compressed_bytes beyond the file size");
  last = r.compressed_bytes();
}

// Reads every member line by line; checks the line contract.
void read_lines(const std::string& path) {
  io::LogReader r(path);
  uint64_t progress = 0;
  while (r.next_member()) {
    require(!r.member_name().empty(), "a member without a name");
    std::string_view line;
    for (uint64_t n = 1; r.next_line(line); ++n) {
      require(r.line_number() == n, "line_number does not count the lines");
      require(line.find('\n') == std::string_view::npos, "a line holds a newline");
      require(line.size() <= io::LogReader::kMaxLine, "a line longer than kMaxLine");
      require(!r.line_cut() || line.size() == io::LogReader::kMaxLine, "a cut line of odd size");
      check_progress(r, progress);
    }
  }
  require(r.compressed_bytes() == r.file_size(), "compressed_bytes short of the size at the end");
}

// Reads every member as chunks; a plain file's one member is the input itself.
void read_chunks(const std::string& path, std::string_view input) {
  io::LogReader r(path);
  std::string all;
  while (r.next_member()) {
    std::string_view chunk;
    while (r.next_chunk(chunk)) {
      require(!chunk.empty(), "an empty chunk");
      all.append(chunk);
    }
  }
  if (std::string(r.kind()) == "plain") require(all == input, "a plain file reads back changed");
}

}  // namespace

void fuzz_log_reader(const uint8_t* data, size_t size) {
  static InputFile file;
  std::string_view input = as_text(data, size);
  const std::string& path = file.write(input);
  for (int pass = 0; pass < 2; ++pass) {
    try {
      if (pass == 0) {
        read_lines(path);
      } else {
        read_chunks(path, input);
      }
    } catch (const OperationError& e) {
      require(!e.is_transient(), "a damaged file is a transient failure");
      require(std::string(e.what()).find(path) != std::string::npos,
              "an error that does not name the file");
    }
  }
}

}  // namespace ferry::fuzz
