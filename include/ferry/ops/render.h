// Rendering a Snapshot (snapshot.h): the self-contained status page and the Prometheus
// textfile, and writing either atomically.
#pragma once

#include <string>
#include <string_view>

#include "ferry/io/env.h"
#include "ferry/ops/snapshot.h"

namespace ferry::ops {

// `text` safe inside HTML text and double-quoted attributes: & < > " ' become entities.
std::string html_escape(std::string_view text);

// A Prometheus label value as it goes between the quotes: `\` `"` and newline escaped.
std::string prom_label_escape(std::string_view text);

// Whether `name` is a valid metric or label name ([a-zA-Z_:][a-zA-Z0-9_:]*; no ':' for labels).
bool valid_metric_name(std::string_view name);
bool valid_label_name(std::string_view name);

// The status page: one HTML document with inline CSS, no script and nothing external, readable
// on a phone. Every value is escaped; only http(s) URLs become links.
std::string render_html(const Snapshot& s);

// The metrics file in the Prometheus text format (HELP and TYPE for every family, one family's
// lines together, ending in a newline): the core's families, then the pipelines'. A pipeline's
// family with an invalid name, type or label name, or a name already given, is left out.
std::string render_metrics(const Snapshot& s);

// The core's families alone (render_metrics writes these, then the pipelines').
std::vector<core::MetricFamily> core_metrics(const Snapshot& s);

// Writes `text` to `path` through a temp file in the same folder, fsync and rename: a reader
// sees the old file or the new one, whole. Throws OperationError naming the path.
void write_view(const std::string& path, std::string_view text, io::Env& env = io::Env::posix());

}  // namespace ferry::ops
