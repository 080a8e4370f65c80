// The little XML reading S3 needs: element text by name, repeated elements, entity decoding.
// Not a general parser: S3 responses are flat, attribute-free below the root, and never nest an
// element inside one of the same name, which is what these functions rely on.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/net/object_store.h"

namespace ferry::s3 {

// Decodes the five predefined entities and numeric references (`&#38;`, `&#x26;`, encoded as
// UTF-8). An unknown or malformed reference is kept as written.
std::string xml_decode(std::string_view text);

// Escapes `&`, `<`, `>`, `"` and `'` for element text.
std::string xml_escape(std::string_view text);

// The raw inner text of each `<name>` or `<name attr="...">` element, in document order; a
// self-closing `<name/>` gives an empty string. Comments, CDATA and the declaration are not
// interpreted (S3 does not send them).
std::vector<std::string_view> xml_elements(std::string_view doc, std::string_view name);

// The decoded text of the first `<name>` element, or nullopt.
std::optional<std::string> xml_text(std::string_view doc, std::string_view name);

// One page of a ListObjectsV2 response.
struct ListPage {
  std::vector<net::ObjectInfo> objects;  // keys as stored (the configured prefix included)
  bool truncated = false;
  std::string next_token;  // NextContinuationToken, when truncated
};
// Throws std::invalid_argument when the document is not a ListBucketResult or an entry lacks
// its Key or has an unreadable Size.
ListPage parse_list_page(std::string_view doc);

// An S3 `<Error>` document's code and message (empty when absent).
struct ErrorDoc {
  std::string code;
  std::string message;
};
std::optional<ErrorDoc> parse_error(std::string_view doc);

}  // namespace ferry::s3
