// The classes of a hit, with import_logs.py's lists: static and download extensions, the file
// robots.txt, and the lower-case user-agent substrings that mark a bot.
#include <algorithm>
#include <bitset>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "ferry/matomo/hits.h"
#include "matomo/hit_classes.h"

namespace ferry::matomo {
namespace {

constexpr std::string_view kStaticExtensions[] = {
    "gif", "jpg",  "jpeg",  "png",   "bmp", "ico", "svg", "svgz", "ttf", "otf",
    "eot", "woff", "woff2", "class", "swf", "css", "js",  "xml",  "webp"};

constexpr std::string_view kDownloadExtensions[] = {
    "7z",  "aac",     "arc", "arj",  "asf",  "asx",  "avi",   "bin",  "csv",    "deb",  "dmg",
    "doc", "docx",    "exe", "flac", "flv",  "gz",   "gzip",  "hqx",  "ibooks", "jar",  "json",
    "mpg", "mp2",     "mp3", "mp4",  "mpeg", "mov",  "movie", "msi",  "msp",    "odb",  "odf",
    "odg", "odp",     "ods", "odt",  "ogg",  "ogv",  "pdf",   "phps", "ppt",    "pptx", "qt",
    "qtm", "ra",      "ram", "rar",  "rpm",  "rtf",  "sea",   "sit",  "tar",    "tbz",  "bz2",
    "tgz", "torrent", "txt", "wav",  "webm", "wma",  "wmv",   "wpd",  "xls",    "xlsx", "xml",
    "xsd", "z",       "zip", "azw3", "epub", "mobi", "apk",   "md5",  "sig"};

// import_logs.py's EXCLUDED_USER_AGENTS.
constexpr std::string_view kBotMarkers[] = {"adsbot-google",
                                            "ask jeeves",
                                            "baidubot",
                                            "bot-",
                                            "bot/",
                                            "ccooter/",
                                            "crawl",
                                            "curl",
                                            "echoping",
                                            "exabot",
                                            "feed",
                                            "googlebot",
                                            "ia_archiver",
                                            "java/",
                                            "libwww",
                                            "mediapartners-google",
                                            "msnbot",
                                            "netcraftsurvey",
                                            "panopta",
                                            "pingdom.com_bot_",
                                            "robot",
                                            "spider",
                                            "surveybot",
                                            "twiceler",
                                            "voilabot",
                                            "yahoo",
                                            "yandex",
                                            "zabbix",
                                            "googlestackdrivermonitoring"};

// An extension of up to 8 bytes as one number (0 for longer ones: in no list).
uint64_t pack(std::string_view ext) {
  if (ext.empty() || ext.size() > 8) return 0;
  uint64_t v = 0;
  std::memcpy(&v, ext.data(), ext.size());
  return v;
}

struct ExtensionSet {
  std::vector<uint64_t> keys;
  template <size_t N>
  explicit ExtensionSet(const std::string_view (&list)[N]) {
    for (auto e : list) keys.push_back(pack(e));
    std::sort(keys.begin(), keys.end());
  }
  bool has(std::string_view ext) const {
    uint64_t k = pack(ext);
    return k != 0 && std::binary_search(keys.begin(), keys.end(), k);
  }
};

const ExtensionSet& static_set() {
  static const ExtensionSet s(kStaticExtensions);
  return s;
}
const ExtensionSet& download_set() {
  static const ExtensionSet s(kDownloadExtensions);
  return s;
}

// The first two (lower-case) bytes of every marker, so most positions of a user agent are
// passed over with one table look-up.
struct BotTables {
  unsigned char lower[256];
  std::bitset<65536> pairs;
  BotTables() {
    for (int c = 0; c < 256; ++c)
      lower[c] = static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    for (auto m : kBotMarkers)
      pairs.set(static_cast<unsigned char>(m[0]) << 8 | static_cast<unsigned char>(m[1]));
  }
};
const BotTables& bot_tables() {
  static const BotTables t;
  return t;
}

bool marker_at(const BotTables& t, std::string_view ua, size_t i) {
  for (auto m : kBotMarkers) {
    if (m.size() > ua.size() - i) continue;
    size_t k = 0;
    while (k < m.size() &&
           t.lower[static_cast<unsigned char>(ua[i + k])] == static_cast<unsigned char>(m[k])) {
      ++k;
    }
    if (k == m.size()) return true;
  }
  return false;
}

bool scan_for_bot(std::string_view ua) {
  const BotTables& t = bot_tables();
  for (size_t i = 0; i + 1 < ua.size(); ++i) {
    unsigned pair = t.lower[static_cast<unsigned char>(ua[i])] << 8 |
                    t.lower[static_cast<unsigned char>(ua[i + 1])];
    if (t.pairs[pair] && marker_at(t, ua, i)) return true;
  }
  return false;
}

uint64_t hash_bytes(std::string_view v) {
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ v.size();
  size_t i = 0;
  for (; i + 8 <= v.size(); i += 8) {
    uint64_t x;
    std::memcpy(&x, v.data() + i, 8);
    h = (h ^ x) * 0xFF51AFD7ED558CCDULL;
    h ^= h >> 32;
  }
  uint64_t x = 0;
  std::memcpy(&x, v.data() + i, v.size() - i);
  h = (h ^ x) * 0xC4CEB9FE1A85EC53ULL;
  return h ^ (h >> 29);
}

// A log has few distinct user agents: the verdicts of recent ones are kept per thread.
struct BotCache {
  static constexpr size_t kSlots = 256, kMaxLength = 240;
  struct Slot {
    uint8_t size = 0;
    bool used = false, bot = false;
    char text[kMaxLength];
  };
  Slot slots[kSlots];
};

}  // namespace

bool is_bot(std::string_view ua) {
  if (ua.size() < 2) return false;
  if (ua.size() > BotCache::kMaxLength) return scan_for_bot(ua);
  thread_local BotCache cache;
  BotCache::Slot& slot = cache.slots[hash_bytes(ua) % BotCache::kSlots];
  if (slot.used && slot.size == ua.size() && std::memcmp(slot.text, ua.data(), ua.size()) == 0) {
    return slot.bot;
  }
  slot.used = true;
  slot.size = static_cast<uint8_t>(ua.size());
  std::memcpy(slot.text, ua.data(), ua.size());
  slot.bot = scan_for_bot(ua);
  return slot.bot;
}

namespace detail {

LineFlags line_flags(const LogLine& line) {
  LineFlags f;
  int lead = line.status;
  while (lead >= 10) lead /= 10;
  f.error = lead == 4 || lead == 5;
  f.redirect = lead == 3 && line.status != 304;
  size_t slash = line.path.rfind('/');
  std::string_view file = slash == std::string_view::npos ? line.path : line.path.substr(slash + 1);
  f.is_static = static_set().has(line.extension) || file == "robots.txt";
  f.download = download_set().has(line.extension);
  f.bot = is_bot(line.user_agent);
  return f;
}

HitClass class_of(const LineFlags& f) {
  if (f.error) return HitClass::kError;
  if (f.redirect) return HitClass::kRedirect;
  if (f.is_static) return HitClass::kStatic;
  if (f.download) return HitClass::kDownload;
  return HitClass::kPage;
}

}  // namespace detail

HitClass classify(const LogLine& line) {
  return detail::class_of(detail::line_flags(line));
}

std::string_view hit_class_name(HitClass c) {
  switch (c) {
    case HitClass::kPage:
      return "page";
    case HitClass::kDownload:
      return "download";
    case HitClass::kStatic:
      return "static";
    case HitClass::kRedirect:
      return "redirect";
    case HitClass::kError:
      return "error";
  }
  return "page";
}

}  // namespace ferry::matomo
