#pragma once
#include <string>
#include <vector>

#include "core/ledger/earning.hpp"

namespace andel::core {

// A receipt's lines and tenders as stored, packed in one column each (no row per line):
//   lines:   [["sku","category",quantity,amount_minor,discount_minor], ...]
//   tenders: [["kind",amount_minor], ...]
// Compact JSON, byte for byte what nlohmann::json's dump() writes for the same arrays (strings UTF-8 as they
// are, with '"', '\' and control characters escaped), written without building a JSON tree: a sale is
// packed inside the writer's transaction.
std::string PackLines(const std::vector<ReceiptLine>& lines);
std::string PackTenders(const std::vector<Tender>& tenders);

}  // namespace andel::core
