#include "ferry/s3/xml.h"

#include <cstdint>
#include <stdexcept>

namespace ferry::s3 {
namespace {

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// The code point of a numeric reference body (`#38`, `#x26`), or nullopt.
std::optional<uint32_t> numeric_reference(std::string_view ref) {
  if (ref.size() < 2 || ref[0] != '#') return std::nullopt;
  bool hex = ref[1] == 'x' || ref[1] == 'X';
  std::string_view digits = ref.substr(hex ? 2 : 1);
  if (digits.empty() || digits.size() > 8) return std::nullopt;
  uint32_t cp = 0;
  for (char c : digits) {
    int v;
    if (c >= '0' && c <= '9')
      v = c - '0';
    else if (hex && c >= 'a' && c <= 'f')
      v = c - 'a' + 10;
    else if (hex && c >= 'A' && c <= 'F')
      v = c - 'A' + 10;
    else
      return std::nullopt;
    cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
  }
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  return cp;
}

bool is_name_end(char c) {
  return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

}  // namespace

std::string xml_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    size_t amp = text.find('&', i);
    if (amp == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, amp - i));
    size_t semi = text.find(';', amp);
    std::string_view ref =
        semi == std::string_view::npos ? std::string_view() : text.substr(amp + 1, semi - amp - 1);
    const char* named = ref == "amp"    ? "&"
                        : ref == "lt"   ? "<"
                        : ref == "gt"   ? ">"
                        : ref == "quot" ? "\""
                        : ref == "apos" ? "'"
                                        : nullptr;
    if (named) {
      out += named;
    } else if (auto cp = numeric_reference(ref)) {
      append_utf8(out, *cp);
    } else {
      out.push_back('&');
      i = amp + 1;
      continue;
    }
    i = semi + 1;
  }
  return out;
}

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

std::vector<std::string_view> xml_elements(std::string_view doc, std::string_view name) {
  std::vector<std::string_view> out;
  const std::string open = "<" + std::string(name);
  const std::string close = "</" + std::string(name) + ">";
  size_t pos = 0;
  while ((pos = doc.find(open, pos)) != std::string_view::npos) {
    size_t after = pos + open.size();
    if (after >= doc.size() || !is_name_end(doc[after])) {
      pos = after;
      continue;
    }
    size_t gt = doc.find('>', after);
    if (gt == std::string_view::npos) break;
    if (doc[gt - 1] == '/') {
      out.emplace_back();
      pos = gt + 1;
      continue;
    }
    size_t end = doc.find(close, gt + 1);
    if (end == std::string_view::npos) break;
    out.push_back(doc.substr(gt + 1, end - gt - 1));
    pos = end + close.size();
  }
  return out;
}

std::optional<std::string> xml_text(std::string_view doc, std::string_view name) {
  auto found = xml_elements(doc, name);
  if (found.empty()) return std::nullopt;
  return xml_decode(found.front());
}

ListPage parse_list_page(std::string_view doc) {
  auto roots = xml_elements(doc, "ListBucketResult");
  if (roots.empty()) throw std::invalid_argument("not a ListBucketResult document");
  std::string_view root = roots.front();
  ListPage page;
  for (std::string_view entry : xml_elements(root, "Contents")) {
    net::ObjectInfo info;
    auto key = xml_text(entry, "Key");
    auto size = xml_text(entry, "Size");
    if (!key) throw std::invalid_argument("a Contents entry has no Key");
    info.key = *key;
    if (!size || size->empty() || size->find_first_not_of("0123456789") != std::string::npos)
      throw std::invalid_argument("the Contents entry for " + info.key + " has no valid Size");
    info.size = std::stoull(*size);
    std::string etag = xml_text(entry, "ETag").value_or("");
    if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"')
      etag = etag.substr(1, etag.size() - 2);
    info.etag = etag;
    info.last_modified = xml_text(entry, "LastModified").value_or("");
    page.objects.push_back(std::move(info));
  }
  // Element text never holds a raw `<`, so these names cannot be matched inside a key.
  page.truncated = xml_text(root, "IsTruncated").value_or("false") == "true";
  page.next_token = xml_text(root, "NextContinuationToken").value_or("");
  return page;
}

std::optional<ErrorDoc> parse_error(std::string_view doc) {
  auto errors = xml_elements(doc, "Error");
  if (errors.empty()) return std::nullopt;
  return ErrorDoc{xml_text(errors.front(), "Code").value_or(""),
                  xml_text(errors.front(), "Message").value_or("")};
}

}  // namespace ferry::s3
