// The XML S3 sends and receives: ListObjectsV2 pages, `<Error>` documents, the UploadId of a
// new multipart upload, and escaping for the documents ferry writes. Documents are read with
// pugixml (entities, numeric references and CDATA decoded; XML namespaces are not interpreted,
// names are matched as written). Nothing here throws a library exception.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/net/object_store.h"

namespace ferry::s3 {

// Escapes `&`, `<`, `>`, `"` and `'` for element text.
std::string xml_escape(std::string_view text);

// The decoded text of the first element named `name` anywhere in `doc` (document order; an
// empty element gives ""). nullopt when there is none or `doc` is not well-formed XML.
std::optional<std::string> xml_text(std::string_view doc, std::string_view name);

// One page of a ListObjectsV2 response.
struct ListPage {
  std::vector<net::ObjectInfo> objects;  // keys as stored (the configured prefix included)
  bool truncated = false;
  std::string next_token;  // NextContinuationToken, when truncated
};
// Throws std::invalid_argument when the document is not well-formed XML, its root is not a
// ListBucketResult, or a Contents entry lacks its Key or has an unreadable Size.
ListPage parse_list_page(std::string_view doc);

// An S3 `<Error>` document's code and message (empty when absent).
struct ErrorDoc {
  std::string code;
  std::string message;
};
// nullopt when `doc` is not well-formed XML or its root element is not `<Error>`.
std::optional<ErrorDoc> parse_error(std::string_view doc);

}  // namespace ferry::s3
