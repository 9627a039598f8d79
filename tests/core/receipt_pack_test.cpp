// The packed lines and tenders of a stored receipt: exactly what nlohmann::json writes for the same arrays,
// so receipts stored before and after read the same (the readers parse the column as JSON).
#include "core/ledger/receipt_pack.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>

namespace andel::core {
namespace {

std::string AsNlohmannWrites(const std::vector<ReceiptLine>& lines) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& l : lines)
        j.push_back({l.sku, l.category, l.quantity, l.amount_minor, l.discount_minor});
    return j.dump();
}

std::string AsNlohmannWrites(const std::vector<Tender>& tenders) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& t : tenders) j.push_back({t.kind, t.amount_minor});
    return j.dump();
}

TEST(ReceiptPack, LinesAsNlohmannWritesThem) {
    std::vector<ReceiptLine> lines = {
        {"5701234567892", "groceries", 1, 2995, 0},
        {"2300000012345", "Frugt & grønt > Æbler", 1250, 3125, 125},  // weighed: grams; UTF-8 as it is
        {"say \"cheese\"", "back\\slash", -2, -1000, -100},           // a return line
        {"tab\there", "new\nline \x01 \x1f", 0, 0, 0},                // control characters escaped
        {"", "", std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min(), 7},
    };
    EXPECT_EQ(PackLines(lines), AsNlohmannWrites(lines));
    EXPECT_EQ(PackLines({lines[0]}), R"([["5701234567892","groceries",1,2995,0]])");
    EXPECT_EQ(PackLines({}), "[]");
}

TEST(ReceiptPack, TendersAsNlohmannWritesThem) {
    std::vector<Tender> tenders = {{"card", 4995}, {"cash_withdrawal", -20000}, {"bonus\"x", 0}};
    EXPECT_EQ(PackTenders(tenders), AsNlohmannWrites(tenders));
    EXPECT_EQ(PackTenders({{"card", 100}}), R"([["card",100]])");
    EXPECT_EQ(PackTenders({}), "[]");
}

}  // namespace
}  // namespace andel::core
