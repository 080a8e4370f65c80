// Publishing a finished output file: upload it to an S3 target, record its digests and a
// presigned download link as a job output. Every pipeline whose outputs go to S3 uses this, so
// `ferry link` and `ferry job` work the same for all of them.
#pragma once

#include <cstdint>
#include <string>

#include "ferry/base/error.h"
#include "ferry/base/time.h"
#include "ferry/state/jobs.h"

namespace ferry {
namespace net {
class ObjectStore;
}

namespace toolkit {

struct OutputFile {
  std::string path;        // the finished local file to upload
  std::string name;        // the output's name (file name), unique within its job
  std::string target;      // the `[s3.NAME]` the store was opened for
  std::string key;         // object key inside the target
  int64_t rows = 0;        // data rows in the file, as the pipeline counted them
  std::string local_path;  // where the file stays after publishing; "" when it is removed
  Seconds link_expires{86400};
};

// Uploads `file.path` to `file.key` in `store`, and returns the job output to record: size and
// sha256 of the bytes uploaded, where it went (the store's location() and the whole key), and
// a GET link valid `link_expires` from `wall_now` (the wall
// clock, never the run's pinned clock). A failure keeps the kind of the S3 error (throttling
// and 5xx transient; 403, 404 and a missing file permanent) and names the output and target.
Result<state::JobOutput> publish_output(net::ObjectStore& store, const OutputFile& file,
                                        TimePoint wall_now);

}  // namespace toolkit
}  // namespace ferry
