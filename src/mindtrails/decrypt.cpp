#include "ferry/mindtrails/decrypt.h"

namespace ferry::mindtrails {

DecryptStats decrypt_rows(std::vector<Row>& rows, const crypto::RsaPrivateKey& key,
                          crypto::Padding padding, unsigned threads) {
  std::vector<Cell*> targets;
  std::vector<const Row*> owners;
  std::vector<std::string> fields;
  std::vector<std::string> cells;
  for (auto& row : rows)
    for (auto& [name, cell] : row.fields)
      if (cell.kind == CellKind::kString && is_encrypted_field(name)) {
        targets.push_back(&cell);
        owners.push_back(&row);
        fields.push_back(name);
        cells.push_back(cell.text);
      }
  DecryptStats stats;
  stats.cells = static_cast<int64_t>(cells.size());
  if (cells.empty()) return stats;
  auto results = crypto::decrypt_all(key, padding, cells, threads);
  for (size_t i = 0; i < results.size(); ++i) {
    auto& r = results[i];
    if (r.ok()) {
      targets[i]->text = std::move(r.plaintext);
      ++stats.decrypted;
      continue;
    }
    if (r.status == crypto::DecryptResult::kBadBase64)
      ++stats.bad_base64;
    else
      ++stats.bad_ciphertext;
    stats.failures.push_back({owners[i]->id, fields[i], r.error});
  }
  return stats;
}

}  // namespace ferry::mindtrails
