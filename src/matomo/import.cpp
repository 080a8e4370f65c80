#include "ferry/matomo/import.h"

#include <cstdio>

#include "ferry/io/log_reader.h"
#include "ferry/matomo/sender.h"

namespace ferry::matomo {
namespace {

constexpr uint64_t kStopCheckEvery = 4096;

void count_invalid(ImportCounts& c, std::string_view reason, uint64_t line) {
  ++c.invalid;
  auto& r = c.invalid_by_reason[std::string(reason.empty() ? "invalid" : reason)];
  ++r.count;
  if (r.first_lines.size() < ImportCounts::kFirstLines) r.first_lines.push_back(line);
}

void count_hit(ImportCounts& c, const BuiltHit& h) {
  ++c.hits;
  switch (h.cls) {
    case HitClass::kPage:
      ++c.pages;
      break;
    case HitClass::kDownload:
      ++c.downloads;
      break;
    case HitClass::kStatic:
      ++c.statics;
      break;
    case HitClass::kRedirect:
      ++c.redirects;
      break;
    case HitClass::kError:
      ++c.errors;
      break;
  }
  if (h.bot) ++c.bots;
}

// Reads, parses and sends; the caller turns exceptions into failures.
class FileImport {
 public:
  FileImport(const std::string& path, const ImportOptions& options, Sender* sender)
      : path_(path), options_(options), sender_(sender) {}

  Status run() {
    io::LogReader reader(path_);
    if (sender_ && options_.resume_after > 0) sender_->pass(options_.resume_after);
    while (reader.next_member()) {
      ++counts_.members;
      LogParser parser(options_.format);
      std::string_view text;
      while (reader.next_line(text)) {
        if (auto st = line(parser, text); !st) return st;
      }
    }
    if (!sender_) return Status::ok();
    if (counts_.lines > options_.resume_after) sender_->pass(counts_.lines);
    if (auto st = sender_->flush(); !st) return fail(st.failure());
    return Status::ok();
  }

  const ImportCounts& counts() const { return counts_; }

 private:
  Status line(LogParser& parser, std::string_view text) {
    const uint64_t n = ++counts_.lines;
    if (n % kStopCheckEvery == 0 && options_.should_stop && options_.should_stop()) return stop();
    const bool send = sender_ && n > options_.resume_after;
    ParseResult r = parser.parse(text, parsed_);
    if (r.outcome != LineOutcome::kHit) {
      if (r.outcome == LineOutcome::kInvalid)
        count_invalid(counts_, r.reason, n);
      else if (r.outcome == LineOutcome::kHeader)
        ++counts_.headers;
      else
        ++counts_.empty;
      if (send) sender_->pass(n);
      return Status::ok();
    }
    hit_.clear();
    BuiltHit h = build_hit(parsed_, options_.hits, hit_);
    if (!h.kept) {
      ++counts_.switched_off;
      if (send) sender_->pass(n);
      return Status::ok();
    }
    count_hit(counts_, h);
    if (!send) return Status::ok();
    if (auto st = sender_->add(parsed_.ip, hit_, n); !st) return fail(st.failure());
    return Status::ok();
  }

  Status stop() {
    if (auto st = sender_ ? sender_->flush() : Status::ok(); !st) return fail(st.failure());
    return Failure::interrupted(path_ + ": stopped at line " + std::to_string(counts_.lines) +
                                " (what was sent is confirmed)");
  }

  Status fail(const Failure& f) const {
    return f.with_context(path_ + ": line " + std::to_string(counts_.lines) + ": ");
  }

  const std::string& path_;
  const ImportOptions& options_;
  Sender* sender_;
  ImportCounts counts_;
  LogLine parsed_;
  std::string hit_;
};

}  // namespace

Result<ImportCounts> import_file(const std::string& path, const ImportOptions& options,
                                 Sender* sender) {
  FileImport import(path, options, sender);
  try {
    if (auto st = import.run(); !st) return st.failure();
  } catch (const OperationError& e) {
    return Failure{e.kind(), e.what()};
  }
  return import.counts();
}

std::string format_summary(const ImportCounts& c, double seconds, bool dry_run) {
  std::string out;
  char buf[256];
  std::snprintf(buf, sizeof buf, "lines: %llu (%lld log%s)\n",
                static_cast<unsigned long long>(c.lines), static_cast<long long>(c.members),
                c.members == 1 ? "" : "s");
  out += buf;
  std::snprintf(buf, sizeof buf, "hits: %lld (%s)\n", static_cast<long long>(c.hits),
                dry_run ? "built, dry run: none sent" : "sent and confirmed");
  out += buf;
  std::snprintf(buf, sizeof buf, "invalid lines: %lld\n", static_cast<long long>(c.invalid));
  out += buf;
  for (const auto& [reason, r] : c.invalid_by_reason) {
    std::string lines;
    for (uint64_t l : r.first_lines) lines += (lines.empty() ? "" : ", ") + std::to_string(l);
    if (r.count > static_cast<int64_t>(r.first_lines.size())) lines += ", ...";
    out += "  " + reason + ": " + std::to_string(r.count) + " (line" +
           (r.first_lines.size() == 1 ? " " : "s ") + lines + ")\n";
  }
  std::snprintf(buf, sizeof buf,
                "skipped lines: %lld (headers %lld, empty %lld, classes switched off %lld)\n",
                static_cast<long long>(c.skipped()), static_cast<long long>(c.headers),
                static_cast<long long>(c.empty), static_cast<long long>(c.switched_off));
  out += buf;
  std::snprintf(buf, sizeof buf,
                "pages %lld, downloads %lld, static %lld, redirects %lld, errors %lld, bots %lld\n",
                static_cast<long long>(c.pages), static_cast<long long>(c.downloads),
                static_cast<long long>(c.statics), static_cast<long long>(c.redirects),
                static_cast<long long>(c.errors), static_cast<long long>(c.bots));
  out += buf;
  double rate = seconds > 0 ? static_cast<double>(c.lines) / seconds : 0;
  std::snprintf(buf, sizeof buf, "%.0f lines/s (%.3f s)\n", rate, seconds);
  out += buf;
  return out;
}

}  // namespace ferry::matomo
