// cake-conversions: one window per unit into a partial file, then one upload (see pipeline.h).
#include <spdlog/spdlog.h>

#include "cake/job_base.h"
#include "ferry/cake/checkpoint.h"
#include "ferry/cake/file_names.h"
#include "ferry/cake/pipeline.h"
#include "ferry/cake/range_reader.h"
#include "ferry/io/files.h"

namespace ferry::cake {
namespace {

using core::StepResult;

// Records go straight to the partial file; what follows its last checkpoint is cut off when it
// is opened again.
class PartialFileOutput : public RecordOutput {
 public:
  explicit PartialFileOutput(io::CheckpointedAppendFile& file) : file_(file) {}
  void append(std::string_view records) override { file_.append(records); }
  uint64_t size() const override { return file_.size(); }
  void truncate_to(uint64_t size) override { file_.truncate_to(size); }

 private:
  io::CheckpointedAppendFile& file_;
};

class ConversionsJob : public CakeJobBase {
 public:
  using CakeJobBase::CakeJobBase;

  StepResult step(state::Job& job) override {
    return guarded([&] { return step_unguarded(job); });
  }

 private:
  struct Paths {
    std::string name, part, final;
  };

  StepResult step_unguarded(state::Job& job) {
    auto job_range_or = job_range(job);
    if (!job_range_or) return StepResult::failed(job_range_or.failure());
    const TimeRange range = *job_range_or;
    Paths paths = paths_of(job);
    ConversionCheckpoint cp{range.start, 0, 0, false};
    if (!job.checkpoint.empty()) {
      auto parsed = parse_conversion_checkpoint(job.checkpoint);
      if (!parsed || parsed->next < range.start || parsed->next > range.end)
        return StepResult::failed(Failure::permanent(
            "cake: " + job_label(job) + " has an unreadable checkpoint '" + job.checkpoint + "'"));
      cp = *parsed;
    }
    if (cp.uploaded) {
      place_local(paths);
      return StepResult::done();
    }
    if (cp.next >= range.end) return finish(job, range, paths, cp);
    const TimePoint final_end = std::min(range.end, settled_until());
    if (cp.next >= final_end) return wait(job, range, cp);
    if (auto st = prepare(); !st) return StepResult::failed(st.failure());
    open_partial(job, range, final_end, paths, cp);
    return read_window(job, range, cp);
  }

  // Windows from cp.next on are not final yet: wait until the next whole window is.
  StepResult wait(const state::Job& job, const TimeRange& range, const ConversionCheckpoint& cp) {
    file_.reset();
    reader_.reset();
    TimePoint until = std::min(range.end, cp.next + settings_.conversion_window) + settings_.settle;
    spdlog::info("{}: conversions from {} are not final before {}; waiting", job_label(job),
                 format_iso8601(cp.next), format_iso8601(until));
    return StepResult::wait_until(until);
  }

  Paths paths_of(const state::Job& job) const {
    Paths p;
    p.name = conversion_file_name(*parse_date(job.from_date), *parse_date(job.to_date));
    p.part = conversions_partial_path(settings_, job);
    p.final = settings_.output_dir + "/" + p.name;
    return p;
  }

  int64_t windows_between(TimePoint a, TimePoint b) const {
    return std::chrono::duration_cast<Seconds>(b - a).count() / settings_.conversion_window.count();
  }
  int64_t total_windows(const TimeRange& r) const {
    auto s = std::chrono::duration_cast<Seconds>(r.end - r.start).count();
    auto w = settings_.conversion_window.count();
    return (s + w - 1) / w;
  }

  // Opens the partial file at the checkpoint: a new job's file gets the header; a file longer
  // than the checkpoint says is cut back; one shorter (lost) starts the job again from its first
  // day. The reader covers [cp.next, final_end).
  void open_partial(const state::Job& job, const TimeRange& range, TimePoint final_end,
                    const Paths& paths, ConversionCheckpoint& cp) {
    if (file_ && reader_ && job.checkpoint == committed_) return;
    reader_.reset();
    const bool fresh = job.checkpoint.empty();
    file_ = std::make_unique<io::CheckpointedAppendFile>(paths.part, fresh ? 0 : cp.bytes,
                                                         services_.env);
    if (file_->short_of_committed())
      spdlog::warn("{}: {} holds {} bytes, less than the {} checkpointed; starting over",
                   job_label(job), paths.part, file_->size(), cp.bytes);
    if (fresh || file_->short_of_committed()) {
      file_->restart();
      std::string header;
      append_header_row(Report::kConversions, header);
      file_->append(header);
      cp = ConversionCheckpoint{range.start, file_->sync(), 0, false};
    } else if (file_->cut_bytes() > 0) {
      spdlog::info("{}: cut {} bytes written after the last checkpoint off {}", job_label(job),
                   file_->cut_bytes(), paths.part);
    }
    reader_ = std::make_unique<RangeReader>(*client_, Report::kConversions, rules_, cp.next,
                                            final_end, policy(settings_.conversion_window));
    summary_start_ = cp.next;
    summary_ = {};
    summary_rows_ = 0;
  }

  StepResult read_window(const state::Job& job, const TimeRange& range, ConversionCheckpoint& cp) {
    int64_t rows_before = reader_->rows();
    PartialFileOutput output(*file_);
    auto st = reader_->read_window(output);
    if (!st) {
      file_.reset();  // what it holds past the checkpoint is cut off when it is opened again
      reader_.reset();
      return StepResult::failed(st.failure());
    }
    cp.bytes = file_->sync();
    cp.next = reader_->covered_until();
    cp.rows += reader_->rows() - rows_before;
    committed_ = format_checkpoint(cp);
    state::JobStore(services_.store)
        .commit_unit(job.id, committed_, windows_between(range.start, cp.next),
                     total_windows(range), {}, services_.wall.now());
    log_summary(job, reader_->rows() - rows_before, cp.next >= range.end);
    return StepResult::more();
  }

  // One info line per hour read (or less, at the end): rows, windows and calls.
  void log_summary(const state::Job& job, int64_t rows, bool last) {
    summary_rows_ += rows;
    TimePoint until = reader_->covered_until();
    if (!last && until - summary_start_ < std::chrono::hours(1)) return;
    const auto& now = reader_->stats();
    spdlog::info("{}: [{}, {}): {} rows in {} windows, {} calls ({} splits, {} pages, {} timeouts)",
                 job_label(job), format_iso8601(summary_start_), format_iso8601(until),
                 summary_rows_, now.windows - summary_.windows, now.calls - summary_.calls,
                 now.splits - summary_.splits, now.pages - summary_.pages,
                 now.timeouts - summary_.timeouts);
    summary_start_ = until;
    summary_ = now;
    summary_rows_ = 0;
  }

  StepResult finish(const state::Job& job, const TimeRange& range, const Paths& paths,
                    ConversionCheckpoint cp) {
    file_.reset();
    reader_.reset();
    bool lost = services_.env.file_size(paths.part) < 0;
    if (!lost)  // cuts off what a window written after the last checkpoint left
      lost = io::CheckpointedAppendFile(paths.part, cp.bytes, services_.env).short_of_committed();
    if (lost) {
      spdlog::warn("{}: {} is missing or shorter than checkpointed; starting over", job_label(job),
                   paths.part);
      state::JobStore(services_.store)
          .commit_unit(job.id, "", 0, total_windows(range), {}, services_.wall.now());
      return StepResult::more();
    }
    state::JobOutput output;
    if (auto st = publish(paths.part, paths.name, cp.rows, settings_.keep_local ? paths.final : "",
                          &output);
        !st)
      return StepResult::failed(st.failure());
    cp.uploaded = true;
    int64_t total = total_windows(range);
    state::JobStore(services_.store)
        .commit_unit(job.id, format_checkpoint(cp), total, total, {output}, services_.wall.now());
    spdlog::info("{}: {}: {} rows, {} bytes, uploaded to {}", job_label(job), paths.name, cp.rows,
                 output.size, output.s3_key);
    place_local(paths);
    return StepResult::done();
  }

  // After the upload is recorded: the partial file becomes the local copy, or goes.
  void place_local(const Paths& paths) {
    io::Env& env = services_.env;
    if (env.file_size(paths.part) < 0) return;
    if (settings_.keep_local) {
      env.rename(paths.part, paths.final);
      env.sync_dir(settings_.output_dir);
    } else {
      env.remove(paths.part);
    }
  }

  std::unique_ptr<io::CheckpointedAppendFile> file_;
  std::unique_ptr<RangeReader> reader_;
  std::string committed_;  // the checkpoint this handler last committed
  TimePoint summary_start_;
  WindowPlanner::Stats summary_;
  int64_t summary_rows_ = 0;
};

}  // namespace

std::string conversions_partial_path(const CakeSettings& settings, const state::Job& job) {
  auto from = parse_date(job.from_date), to = parse_date(job.to_date);
  std::string name = from && to ? conversion_file_name(*from, *to) : "";
  return settings.output_dir + "/.partial/job-" + std::to_string(job.id) + "-" + name;
}

void remove_conversions_partial(const CakeSettings& settings, io::Env& env, const state::Job& job) {
  std::string path = conversions_partial_path(settings, job);
  try {
    if (env.remove(path)) spdlog::info("cake: job {} was cancelled; removed {}", job.id, path);
  } catch (const OperationError& e) {
    spdlog::warn("cake: job {} was cancelled; could not remove {}: {}", job.id, path, e.what());
  }
}

std::unique_ptr<core::JobHandler> make_conversions_job(core::Services& services,
                                                       CakeSettings settings, const Timer* timer) {
  return std::make_unique<ConversionsJob>(services, std::move(settings), timer);
}

}  // namespace ferry::cake
