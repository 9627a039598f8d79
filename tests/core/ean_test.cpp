// Barcodes of the catalogue (core::NormaliseEan) and category codes (core::CategorySlug).
#include "core/catalogue/ean.hpp"

#include <gtest/gtest.h>

namespace andel::core {
namespace {

TEST(EanTest, AcceptsGtinsWithTheirCheckDigitInOneForm) {
    EXPECT_EQ(NormaliseEan("5701234000013"), "5701234000013");
    EXPECT_EQ(NormaliseEan("57012346"), "57012346");             // EAN-8 stays 8 digits
    EXPECT_EQ(NormaliseEan("036000291452"), "0036000291452");    // UPC-A gains a leading zero
    EXPECT_EQ(NormaliseEan("05701234000013"), "5701234000013");  // GTIN-14, indicator 0
}

TEST(EanTest, RefusesWrongCheckDigitsLengthsLettersAndCases) {
    EXPECT_EQ(NormaliseEan("5701234000014"), std::nullopt);  // check digit 3, not 4
    EXPECT_EQ(NormaliseEan("570123400001"), std::nullopt);   // 12 digits, wrong check as UPC-A
    EXPECT_EQ(NormaliseEan("570123400001X"), std::nullopt);
    EXPECT_EQ(NormaliseEan(""), std::nullopt);
    EXPECT_EQ(NormaliseEan("1234567"), std::nullopt);         // 7 digits
    EXPECT_EQ(NormaliseEan("15701234000010"), std::nullopt);  // a case of goods (indicator 1)
    EXPECT_EQ(NormaliseEan(" 5701234000013"), std::nullopt);
}

TEST(EanTest, CategorySlugsAreAsciiAndReadable) {
    EXPECT_EQ(CategorySlug("Frugt & grønt"), "frugt-groent");
    EXPECT_EQ(CategorySlug("Mejeri, æg og ost"), "mejeri-aeg-og-ost");
    EXPECT_EQ(CategorySlug("Bröd & kakor"), "brod-kakor");
    EXPECT_EQ(CategorySlug("Øl/vin"), "oel-vin");
    EXPECT_EQ(CategorySlug("  --  "), "");
    EXPECT_EQ(CategorySlug("日本"), "");
    EXPECT_EQ(CategorySlug(std::string(100, 'a')).size(), 64u);
}

}  // namespace
}  // namespace andel::core
