#include "core/ledger/receipt_pack.hpp"

#include "core/json_text.hpp"

namespace andel::core {

std::string PackLines(const std::vector<ReceiptLine>& lines) {
    std::string out = "[";
    out.reserve(lines.size() * 64 + 2);
    for (size_t i = 0; i < lines.size(); ++i) {
        const auto& l = lines[i];
        out += i ? ",[" : "[";
        AppendJsonString(out, l.sku);
        out += ',';
        AppendJsonString(out, l.category);
        out += ',';
        AppendJsonInt(out, l.quantity);
        out += ',';
        AppendJsonInt(out, l.amount_minor);
        out += ',';
        AppendJsonInt(out, l.discount_minor);
        out += ']';
    }
    out += ']';
    return out;
}

std::string PackTenders(const std::vector<Tender>& tenders) {
    std::string out = "[";
    for (size_t i = 0; i < tenders.size(); ++i) {
        out += i ? ",[" : "[";
        AppendJsonString(out, tenders[i].kind);
        out += ',';
        AppendJsonInt(out, tenders[i].amount_minor);
        out += ']';
    }
    out += ']';
    return out;
}

}  // namespace andel::core
