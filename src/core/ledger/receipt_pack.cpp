#include "core/ledger/receipt_pack.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

namespace andel::core {
namespace {

void AppendString(std::string& out, const std::string& s) {
    for (unsigned char c : s) {
        if (c < 0x20 || c == '"' || c == '\\') {
            out += nlohmann::json(s).dump();  // the rare string that needs escapes: as nlohmann writes it
            return;
        }
    }
    out += '"';
    out += s;
    out += '"';
}

void AppendInt(std::string& out, int64_t n) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
    out.append(buf, end);
}

}  // namespace

std::string PackLines(const std::vector<ReceiptLine>& lines) {
    std::string out = "[";
    out.reserve(lines.size() * 64 + 2);
    for (size_t i = 0; i < lines.size(); ++i) {
        const auto& l = lines[i];
        out += i ? ",[" : "[";
        AppendString(out, l.sku);
        out += ',';
        AppendString(out, l.category);
        out += ',';
        AppendInt(out, l.quantity);
        out += ',';
        AppendInt(out, l.amount_minor);
        out += ',';
        AppendInt(out, l.discount_minor);
        out += ']';
    }
    out += ']';
    return out;
}

std::string PackTenders(const std::vector<Tender>& tenders) {
    std::string out = "[";
    for (size_t i = 0; i < tenders.size(); ++i) {
        out += i ? ",[" : "[";
        AppendString(out, tenders[i].kind);
        out += ',';
        AppendInt(out, tenders[i].amount_minor);
        out += ']';
    }
    out += ']';
    return out;
}

}  // namespace andel::core
