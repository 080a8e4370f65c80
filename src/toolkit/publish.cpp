#include "ferry/toolkit/publish.h"

#include "ferry/crypto/hash.h"
#include "ferry/net/object_store.h"

namespace ferry::toolkit {

Result<state::JobOutput> publish_output(net::ObjectStore& store, const OutputFile& file,
                                        TimePoint wall_now) {
  const std::string what = "upload of " + file.name + " to S3 target '" + file.target + "': ";
  try {
    crypto::FileDigests digests = crypto::file_digests(file.path);
    store.put_file(file.key, file.path);
    state::JobOutput out;
    out.name = file.name;
    out.path = file.local_path;
    out.s3_target = file.target;
    out.s3_key = file.key;
    net::ObjectLocation at = store.location();
    out.s3_endpoint = at.endpoint;
    out.s3_region = at.region;
    out.s3_bucket = at.bucket;
    out.s3_object_key = at.prefix + file.key;
    out.size = static_cast<int64_t>(digests.bytes);
    out.sha256 = crypto::hex_encode(digests.sha256);
    out.rows = file.rows;
    out.link = store.presign_get(file.key, file.link_expires, wall_now);
    out.link_expires_at = format_iso8601(wall_now + file.link_expires);
    return out;
  } catch (const OperationError& e) {
    return Failure{e.kind(), what + e.what()};
  } catch (const UsageError& e) {
    return Failure::permanent(what + e.what());
  }
}

}  // namespace ferry::toolkit
