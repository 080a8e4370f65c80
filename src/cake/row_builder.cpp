#include "cake/row_builder.h"

#include <cstring>
#include <memory>
#include <unordered_map>

#include "ferry/cake/dates.h"
#include "ferry/io/csv.h"

namespace ferry::cake::detail {

struct FieldNode {
  std::string name;
  std::string path;
  size_t id = 0;    // index in the tree, for RowBuilder's key order
  int column = -1;  // a leaf when >= 0
  CellKind kind = CellKind::kText;
  std::vector<std::unique_ptr<FieldNode>> children;
  std::unordered_map<std::string_view, const FieldNode*> index;  // views into children's names

  const FieldNode* find(std::string_view key) const {
    auto it = index.find(key);
    return it == index.end() ? nullptr : it->second;
  }
  FieldNode& child(const std::string& child_name) {
    for (auto& c : children)
      if (c->name == child_name) return *c;
    children.push_back(std::make_unique<FieldNode>());
    FieldNode& c = *children.back();
    c.name = child_name;
    c.path = path.empty() ? child_name : path + "." + child_name;
    index[c.name] = &c;
    return c;
  }
};

struct FieldTree {
  FieldNode root;
  size_t nodes = 0;
  size_t columns = 0;
  int click_date = -1;  // conversions: the columns the computed one depends on
  int conversion_date = -1;
  int computed = -1;
};

namespace {

void number_nodes(FieldNode& node, size_t& next) {
  node.id = next++;
  for (auto& c : node.children) number_nodes(*c, next);
}

FieldTree build_tree(Report report) {
  FieldTree tree;
  const auto& specs = column_specs(report);
  tree.columns = specs.size();
  for (size_t col = 0; col < specs.size(); ++col) {
    std::string path = specs[col].path;
    if (specs[col].kind == CellKind::kClickToConversion) {
      tree.computed = static_cast<int>(col);
      continue;
    }
    FieldNode* node = &tree.root;
    size_t start = 0;
    for (;;) {
      size_t dot = path.find('.', start);
      node = &node->child(path.substr(start, dot - start));
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    node->column = static_cast<int>(col);
    node->kind = specs[col].kind;
    if (report == Report::kConversions && path == "click_date") tree.click_date = node->column;
    if (path == "event_conversion_date") tree.conversion_date = node->column;
  }
  tree.nodes = 0;
  number_nodes(tree.root, tree.nodes);
  return tree;
}

const FieldTree& tree_for(Report report) {
  static const FieldTree clicks = build_tree(Report::kClicks);
  static const FieldTree conversions = build_tree(Report::kConversions);
  return report == Report::kClicks ? clicks : conversions;
}

// A value for messages: quoted, cut (on a UTF-8 boundary) after about 40 bytes.
std::string shown(std::string_view v) {
  if (v.size() <= 40) return "\"" + std::string(v) + "\"";
  size_t cut = 40;
  while (cut > 0 && (static_cast<unsigned char>(v[cut]) & 0xC0) == 0x80) --cut;
  return "\"" + std::string(v.substr(0, cut)) + "...\"";
}

// a == b, inline: keys are short, and a call to memcmp per key costs more than the compare.
bool same_key(std::string_view a, const std::string& b) {
  size_t n = a.size();
  if (n != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  for (; n >= 8; n -= 8, p += 8, q += 8) {
    uint64_t x, y;
    std::memcpy(&x, p, 8);
    std::memcpy(&y, q, 8);
    if (x != y) return false;
  }
  for (; n > 0; --n)
    if (*p++ != *q++) return false;
  return true;
}

}  // namespace

RowBuilder::RowBuilder(Report report, const CellRules& rules)
    : tree_(tree_for(report)), rules_(rules), cells_(tree_.columns), seen_(tree_.nodes) {}

// CAKE writes the keys of every row in the same order: the key at the same place in the
// object as last time is compared first, and the index is searched only when it differs.
const FieldNode* RowBuilder::lookup(const FieldNode& node, size_t place, std::string_view key) {
  constexpr size_t kMaxPlaces = 256;  // keys remembered per object
  auto& seen = seen_[node.id];
  if (place < seen.size() && same_key(key, seen[place].key)) return seen[place].node;
  const FieldNode* found = node.find(key);
  if (place < seen.size())
    seen[place] = SeenKey{std::string(key), found};
  else if (place == seen.size() && place < kMaxPlaces)
    seen.push_back(SeenKey{std::string(key), found});
  return found;
}

bool RowBuilder::read_row(JsonScanner& s) {
  for (auto& c : cells_) c.clear();
  click_ms_.reset();
  conversion_ms_.reset();
  error_.clear();
  if (!read_object(s, tree_.root)) return false;
  if (tree_.computed >= 0)
    cells_[static_cast<size_t>(tree_.computed)] =
        click_to_conversion_time(click_ms_, conversion_ms_);
  return true;
}

bool RowBuilder::read_object(JsonScanner& s, const FieldNode& node) {
  for (size_t place = 0;; ++place) {
    JsonToken t = s.next();
    if (t == JsonToken::kEndObject) return true;
    if (t != JsonToken::kKey) return false;  // only kError can come here
    const FieldNode* child = lookup(node, place, s.text());
    t = s.next();
    if (t == JsonToken::kError) return false;
    if (child && child->column >= 0) {
      if (!set_leaf(s, *child, t)) return false;
    } else if (child && t == JsonToken::kBeginObject) {
      if (!read_object(s, *child)) return false;
    } else if (!s.skip_value(t)) {
      return false;  // unknown field, or a value where an object belongs
    }
  }
}

bool RowBuilder::set_leaf(JsonScanner& s, const FieldNode& leaf, JsonToken t) {
  std::string& cell = cells_[static_cast<size_t>(leaf.column)];
  cell.clear();
  if (t == JsonToken::kNull) return true;
  if (t == JsonToken::kBeginObject || t == JsonToken::kBeginArray) return s.skip_value(t);
  switch (leaf.kind) {
    case CellKind::kText:
      if (t == JsonToken::kString) {
        cell.assign(s.text());
      } else if (t == JsonToken::kNumber) {
        append_plain_number(cell, s.text());
      } else {
        cell = t == JsonToken::kTrue ? "True" : "False";
      }
      return true;
    case CellKind::kCurrency: {
      if (t != JsonToken::kString && t != JsonToken::kNumber) return true;
      auto it = rules_.currencies.find(std::string(s.text()));
      if (it != rules_.currencies.end()) cell = it->second;
      return true;
    }
    case CellKind::kDate: {
      if (t != JsonToken::kString) return bad_value(s, leaf, t);
      if (s.text().empty()) return true;
      auto ms = parse_cake_date(s.text());
      if (!ms) return bad_value(s, leaf, t);
      append_cake_date(cell, *ms, rules_.zone);
      if (leaf.column == tree_.click_date) click_ms_ = ms;
      if (leaf.column == tree_.conversion_date) conversion_ms_ = ms;
      return true;
    }
    case CellKind::kClickToConversion:
      break;
  }
  return true;
}

bool RowBuilder::bad_value(JsonScanner& s, const FieldNode& leaf, JsonToken t) {
  std::string value = t == JsonToken::kString ? shown(s.text())
                      : t == JsonToken::kNumber
                          ? std::string(s.text())
                          : std::string(t == JsonToken::kTrue ? "true" : "false");
  error_ = leaf.path + " " + value + " is not a /Date(ms)/ value";
  error_offset_ = s.offset();
  return false;
}

void RowBuilder::append_csv(std::string& out) const {
  io::append_csv_row(out, cells_);
}

}  // namespace ferry::cake::detail
