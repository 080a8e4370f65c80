#include "ferry/s3/xml.h"

#include <pugixml.hpp>

#include <charconv>
#include <stdexcept>

namespace ferry::s3 {
namespace {

// Parses `doc` into `out`, keeping whitespace-only text (a key may be " "). Returns the
// parser's verdict; pugixml reports errors as values, never by throwing.
pugi::xml_parse_result load(pugi::xml_document& out, std::string_view doc) {
  return out.load_buffer(doc.data(), doc.size(), pugi::parse_default | pugi::parse_ws_pcdata,
                         pugi::encoding_utf8);
}

// All the text directly inside `node` (its text and CDATA children, in order).
std::string text_of(const pugi::xml_node& node) {
  std::string out;
  for (pugi::xml_node child : node.children())
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) out += child.value();
  return out;
}

std::optional<std::string> child_text(const pugi::xml_node& node, const char* name) {
  pugi::xml_node child = node.child(name);
  if (!child) return std::nullopt;
  return text_of(child);
}

net::ObjectInfo list_entry(const pugi::xml_node& entry) {
  net::ObjectInfo info;
  auto key = child_text(entry, "Key");
  if (!key) throw std::invalid_argument("a Contents entry has no Key");
  info.key = *key;
  std::string size = child_text(entry, "Size").value_or("");
  const char* end = size.data() + size.size();
  auto [ptr, ec] = std::from_chars(size.data(), end, info.size);
  if (ec != std::errc() || ptr != end)
    throw std::invalid_argument("the Contents entry for " + info.key + " has no valid Size");
  std::string etag = child_text(entry, "ETag").value_or("");
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"')
    etag = etag.substr(1, etag.size() - 2);
  info.etag = etag;
  info.last_modified = child_text(entry, "LastModified").value_or("");
  return info;
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::optional<std::string> xml_text(std::string_view doc, std::string_view name) {
  pugi::xml_document parsed;
  if (!load(parsed, doc)) return std::nullopt;
  pugi::xml_node found = parsed.find_node([name](const pugi::xml_node& node) {
    return node.type() == pugi::node_element && name == node.name();
  });
  if (!found) return std::nullopt;
  return text_of(found);
}

ListPage parse_list_page(std::string_view doc) {
  pugi::xml_document parsed;
  pugi::xml_parse_result result = load(parsed, doc);
  if (!result)
    throw std::invalid_argument(std::string("not well-formed XML (") + result.description() +
                                " at offset " + std::to_string(result.offset) + ")");
  pugi::xml_node root = parsed.document_element();
  if (std::string_view(root.name()) != "ListBucketResult")
    throw std::invalid_argument("not a ListBucketResult document");
  ListPage page;
  for (pugi::xml_node entry : root.children("Contents")) page.objects.push_back(list_entry(entry));
  page.truncated = child_text(root, "IsTruncated").value_or("false") == "true";
  page.next_token = child_text(root, "NextContinuationToken").value_or("");
  return page;
}

std::optional<ErrorDoc> parse_error(std::string_view doc) {
  pugi::xml_document parsed;
  if (!load(parsed, doc)) return std::nullopt;
  pugi::xml_node root = parsed.document_element();
  if (std::string_view(root.name()) != "Error") return std::nullopt;
  return ErrorDoc{child_text(root, "Code").value_or(""), child_text(root, "Message").value_or("")};
}

}  // namespace ferry::s3
