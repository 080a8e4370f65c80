// The operator's views written by the command line: the status page and the metrics file after
// every run, `ferry status --html FILE`, and the pipelines' sections in `ferry status`.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>

#include "cli/app_context.h"
#include "ferry/cli/app.h"
#include "ferry/io/files.h"
#include "ferry/ops/render.h"

namespace ferry::cli {
namespace {

// Writes `text` to `path` atomically, first sweeping temps of it a killed run left (the caller
// holds the run lock). A failure is logged, never thrown.
void write_after_run(const std::string& what, const std::string& path, const std::string& text) {
  try {
    std::filesystem::path p(path);
    const std::string dir = p.parent_path().empty() ? "." : p.parent_path().string();
    io::remove_stale_temps(io::Env::posix(), dir, p.filename().string());
    ops::write_view(path, text);
    spdlog::debug("{} written to {}", what, path);
  } catch (const std::exception& e) {
    spdlog::warn("{} not written to {}: {}", what, path, e.what());
  }
}

}  // namespace

void write_views_after_run(AppContext& ctx) {
  const std::string html = ctx.config().table("status").str("html_path");
  const std::string prom = ctx.config().table("metrics").str("textfile_path");
  if (html.empty() && prom.empty()) return;
  std::optional<ops::Snapshot> snap;
  try {
    snap = ops::read_snapshot(ctx.store(), ctx.pipelines(), ctx.wall_now(), version());
  } catch (const std::exception& e) {
    spdlog::warn("status page and metrics not written: the state could not be read: {}", e.what());
    return;
  }
  if (!html.empty()) write_after_run("status page", html, ops::render_html(*snap));
  if (!prom.empty()) write_after_run("metrics", prom, ops::render_metrics(*snap));
}

int write_status_html(AppContext& ctx, const std::string& file) {
  auto snap = ops::read_snapshot(ctx.store(), ctx.pipelines(), ctx.wall_now(), version());
  ops::write_view(file, ops::render_html(snap));
  std::cout << "status page written to " << file << "\n";
  return kExitOk;
}

void print_pipeline_sections(AppContext& ctx, std::ostream& out) {
  state::Store& store = ctx.store();
  for (const auto& p : ctx.pipelines()) {
    std::vector<core::StatusSection> sections;
    try {
      sections = p->status_sections(store, ctx.wall_now());
    } catch (const std::exception& e) {
      out << p->name() << ": its status could not be read: " << store.scrub(e.what()) << "\n";
      continue;
    }
    for (const auto& s : sections) {
      if (s.rows.empty()) continue;  // a pipeline not in use says nothing here
      out << "\n" << s.title << ":\n";
      std::vector<size_t> width(s.columns.size(), 0);
      auto widen = [&](const std::vector<std::string>& r) {
        for (size_t i = 0; i < r.size() && i < width.size(); ++i)
          width[i] = std::max(width[i], r[i].size());
      };
      widen(s.columns);
      for (const auto& r : s.rows) widen(r);
      auto line = [&](const std::vector<std::string>& r) {
        std::string text = " ";
        for (size_t i = 0; i < r.size() && i < width.size(); ++i)
          text += " " + r[i] + (i + 1 < r.size() ? std::string(width[i] - r[i].size(), ' ') : "");
        out << store.scrub(text) << "\n";
      };
      line(s.columns);
      for (const auto& r : s.rows) line(r);
    }
  }
}

}  // namespace ferry::cli
