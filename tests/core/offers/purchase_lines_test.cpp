// The receipt lines as the recommender reads them (core/offers/purchase_lines.hpp): the exact shape
// app::ReceiptService writes is scanned directly, anything else goes to nlohmann-json, and either way the
// result is what nlohmann-json's reading gives (checked against it on texts mutated at random).
#include "core/offers/purchase_lines.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

namespace andel::core {
namespace {

struct Line {
    std::string sku, category;
    int64_t quantity = 0;
    bool operator==(const Line&) const = default;
};

std::vector<Line> Read(PurchaseLinesReader& reader, std::string_view json) {
    std::vector<Line> out;
    for (const auto& l : reader.Read(json))
        out.push_back({std::string(l.sku), std::string(l.category), l.quantity});
    return out;
}

// What the job did before the reader: nlohmann-json's DOM, the same rules.
std::vector<Line> Reference(std::string_view json) {
    std::vector<Line> out;
    auto lines = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
    if (!lines.is_array()) return out;
    for (const auto& l : lines) {
        if (!l.is_array() || l.size() < 3 || !l[0].is_string() || !l[2].is_number_integer()) continue;
        out.push_back(
            {l[0].get<std::string>(), l[1].is_string() ? l[1].get<std::string>() : "", l[2].get<int64_t>()});
    }
    return out;
}

// As app::ReceiptService writes them.
std::string Written(const std::vector<std::tuple<std::string, std::string, int64_t>>& lines) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& [sku, category, quantity] : lines) out.push_back({sku, category, quantity, 2500, -100});
    return out.dump();
}

TEST(PurchaseLines, ReadsTheWrittenShapeDirectly) {
    PurchaseLinesReader reader;
    const auto json = Written({{"5700000000011", "groceries", 2}, {"5700000000172", "mælk", -1}});
    EXPECT_EQ(Read(reader, json),
              (std::vector<Line>{{"5700000000011", "groceries", 2}, {"5700000000172", "mælk", -1}}));
    EXPECT_TRUE(Read(reader, "[]").empty());
    EXPECT_EQ(reader.fallbacks(), 0);
}

TEST(PurchaseLines, UnusualWhitespaceIsStillTheExactShape) {
    PurchaseLinesReader reader;
    EXPECT_EQ(Read(reader, " \r\n[ [ \"a\" ,\n\"b\",\t2 ,0 , -0 ] ,[\"c\",\"\",1,0,0]]\n "),
              (std::vector<Line>{{"a", "b", 2}, {"c", "", 1}}));
    EXPECT_EQ(reader.fallbacks(), 0);
}

TEST(PurchaseLines, EscapedStringsGoToTheFallback) {
    PurchaseLinesReader reader;
    EXPECT_EQ(Read(reader, R"([["57\u0030","x\"y\\z",1,0,0],["a","b",3,0,0]])"),
              (std::vector<Line>{{"570", "x\"y\\z", 1}, {"a", "b", 3}}));
    EXPECT_EQ(reader.fallbacks(), 1);
    // The views of one call stay valid while it is used, also from the fallback.
    auto lines = reader.Read(R"([["\t","c",1,0,0],["d","e",2,0,0]])");
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0].sku, "\t");
    EXPECT_EQ(lines[1].category, "e");
}

TEST(PurchaseLines, OtherShapesFollowNlohmann) {
    PurchaseLinesReader reader;
    // Fewer fields: kept with three, left out with two.
    EXPECT_EQ(Read(reader, R"([["a","b",1],["c","d"]])"), (std::vector<Line>{{"a", "b", 1}}));
    // More fields, a category that is not a string, a sku that is not one, a quantity that is not an integer.
    EXPECT_EQ(Read(reader, R"([["a","b",1,0,0,7],["c",null,2,0,0],[1,"d",1,0,0],["e","f",1.5,0,0]])"),
              (std::vector<Line>{{"a", "b", 1}, {"c", "", 2}}));
    // Amounts of other types do not matter; a line that is not an array is left out.
    EXPECT_EQ(Read(reader, R"([["a","b",1,"x",null],{"sku":"c"},"d"])"), (std::vector<Line>{{"a", "b", 1}}));
    // Integers beyond 18 digits, exponents.
    EXPECT_EQ(Read(reader, R"([["a","b",1234567890123456789,0,0],["c","d",1e2,0,0]])"),
              (std::vector<Line>{{"a", "b", 1234567890123456789}}));
    // Not a JSON array: nothing.
    for (const char* bad :
         {"", "{}", "null", R"([["a","b",1,0,0]] x)", R"([["a","b",1,0,0])", R"([["a","b",01,0,0]])",
          "[[\"a\",\"\xC3\x28\",1,0,0]]", "[[\"a\",\"b\n\",1,0,0]]", R"([["a","b",1,0,0],])"})
        EXPECT_TRUE(Read(reader, bad).empty()) << bad;
    EXPECT_EQ(reader.fallbacks(), 13);
}

// Whatever the text, the reader gives what nlohmann-json gives: written lines with bytes changed, inserted
// or removed at random.
TEST(PurchaseLines, AgreesWithNlohmannOnMutatedTexts) {
    const std::vector<std::string> bases = {
        Written({{"5700000000011", "groceries", 2}, {"570000000017", "frugt og grønt", 1}, {"", "", 0}}),
        Written({{"a\"b", "x\\y", -3}, {"5700000000172", "kaffe", 12}})};
    const std::string alphabet =
        "[]{},:\"\\-+.0123456789eEtrufalsn \t\n\r\x01\x7f\xc3\xa6\xe2\x82\xac\xf0\x9f";
    std::mt19937_64 rng(42);
    PurchaseLinesReader reader;
    for (int i = 0; i < 20000; ++i) {
        std::string text = bases[static_cast<size_t>(i) % bases.size()];
        for (int edits = 1 + static_cast<int>(rng() % 3); edits > 0; --edits) {
            const size_t at = rng() % (text.size() + 1);
            const char c = alphabet[rng() % alphabet.size()];
            switch (rng() % 3) {
                case 0:
                    if (at < text.size()) text[at] = c;
                    break;
                case 1:
                    text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c);
                    break;
                default:
                    if (at < text.size()) text.erase(at, 1);
            }
        }
        ASSERT_EQ(Read(reader, text), Reference(text)) << text;
    }
    EXPECT_GT(reader.fallbacks(), 0);
    EXPECT_LT(reader.fallbacks(), 20000);
}

}  // namespace
}  // namespace andel::core
