#include "core/membership/numbers.hpp"

#include <gtest/gtest.h>

#include <string>

namespace andel::core {
namespace {

// --- Member numbers (R_MEM_6): 7-digit body + GS1 mod-10 check digit (EAN-8) ------------------------

TEST(Numbers, Gs1CheckDigitOfKnownBodies_R_MEM_6) {
    EXPECT_EQ(Gs1CheckDigit("3321674"), '4');  // the demo member 33216744 (R_MEM_10)
    EXPECT_EQ(Gs1CheckDigit("1234567"), '0');  // 3*7+6+3*5+4+3*3+2+3*1 = 60
    EXPECT_EQ(Gs1CheckDigit("0000001"), '7');  // 3*1 = 3 -> 7
    EXPECT_EQ(Gs1CheckDigit("0000000"), '0');
    EXPECT_EQ(Gs1CheckDigit("9638507"), '4');  // EAN-8 example 96385074
}

TEST(Numbers, DemoMemberNumberIsValid_R_MEM_10) { EXPECT_TRUE(IsValidMemberNumber("33216744")); }

TEST(Numbers, MemberNumberFromBodyAppendsCheckDigit_R_MEM_6) {
    EXPECT_EQ(MemberNumberFromBody(3321674), "33216744");
    EXPECT_EQ(MemberNumberFromBody(1234567), "12345670");
    EXPECT_EQ(MemberNumberFromBody(1000000), "10000007");
    EXPECT_EQ(MemberNumberFromBody(9999999), "99999995");
    for (int64_t body : {1000000, 1234567, 3321674, 5555555, 9999999})
        EXPECT_TRUE(IsValidMemberNumber(MemberNumberFromBody(body))) << body;
}

TEST(Numbers, MemberNumberWithWrongCheckDigitIsRejected_R_MEM_6) {
    for (char c = '0'; c <= '9'; ++c) {
        std::string n = "3321674";
        n.push_back(c);
        EXPECT_EQ(IsValidMemberNumber(n), c == '4') << n;
    }
}

TEST(Numbers, MemberNumberCatchesSingleDigitTypoAndAdjacentSwap_R_MEM_6) {
    EXPECT_FALSE(IsValidMemberNumber("33216754"));  // 4 -> 5 in the body
    EXPECT_FALSE(IsValidMemberNumber("32316744"));  // 3,2 swapped
}

TEST(Numbers, MemberNumberOfWrongLengthIsRejected_R_MEM_6) {
    EXPECT_FALSE(IsValidMemberNumber(""));
    EXPECT_FALSE(IsValidMemberNumber("3321674"));
    EXPECT_FALSE(IsValidMemberNumber("033216744"));
    EXPECT_FALSE(IsValidMemberNumber("332167440"));
}

TEST(Numbers, MemberNumberWithNonDigitsIsRejected_R_MEM_6) {
    EXPECT_FALSE(IsValidMemberNumber("3321674a"));
    EXPECT_FALSE(IsValidMemberNumber("3321-744"));
    EXPECT_FALSE(IsValidMemberNumber(" 3321674"));
    EXPECT_FALSE(IsValidMemberNumber("3321674 "));
    EXPECT_FALSE(IsValidMemberNumber("+3321674"));
}

// --- Card numbers (R_CARD_1): "6047" + 11-digit serial + Luhn check digit ----------------------------

TEST(Numbers, LuhnCheckDigitOfKnownBodies_R_CARD_1) {
    EXPECT_EQ(LuhnCheckDigit("7992739871"), '3');       // the textbook example 79927398713
    EXPECT_EQ(LuhnCheckDigit("424242424242424"), '2');  // the well-known test card 4242424242424242
    EXPECT_EQ(LuhnCheckDigit("604700000000001"), '0');
    EXPECT_EQ(LuhnCheckDigit("604712345678901"), '7');
    EXPECT_EQ(LuhnCheckDigit("604700000000000"), '2');
}

TEST(Numbers, CardNumberFromSerial_R_CARD_1) {
    EXPECT_EQ(CardNumberFromSerial(0), "6047000000000002");
    EXPECT_EQ(CardNumberFromSerial(1), "6047000000000010");
    EXPECT_EQ(CardNumberFromSerial(12345678901), "6047123456789017");
    for (int64_t serial : {0LL, 1LL, 42LL, 12345678901LL, 99999999999LL}) {
        std::string card = CardNumberFromSerial(serial);
        EXPECT_EQ(card.size(), 16u) << card;
        EXPECT_TRUE(IsValidCardNumber(card)) << card;
    }
}

TEST(Numbers, CardNumberWithWrongCheckDigitIsRejected_R_CARD_1) {
    EXPECT_TRUE(IsValidCardNumber("6047123456789017"));
    for (char c = '0'; c <= '9'; ++c) {
        std::string n = "604712345678901";
        n.push_back(c);
        EXPECT_EQ(IsValidCardNumber(n), c == '7') << n;
    }
    EXPECT_FALSE(IsValidCardNumber("6047123456789107"));  // adjacent swap
}

TEST(Numbers, CardNumberNeedsPrefix6047_R_CARD_1) {
    // Luhn-valid 16-digit numbers with another prefix.
    EXPECT_FALSE(IsValidCardNumber("4242424242424242"));
    std::string other = "604800000000000";
    other.push_back(LuhnCheckDigit(other));
    EXPECT_FALSE(IsValidCardNumber(other));
}

TEST(Numbers, CardNumberOfWrongLengthIsRejected_R_CARD_1) {
    EXPECT_FALSE(IsValidCardNumber(""));
    EXPECT_FALSE(IsValidCardNumber("604712345678901"));
    EXPECT_FALSE(IsValidCardNumber("60471234567890170"));
    std::string seventeen = "6047123456789012";
    seventeen.push_back(LuhnCheckDigit(seventeen));
    EXPECT_FALSE(IsValidCardNumber(seventeen));
}

TEST(Numbers, CardNumberWithNonDigitsIsRejected_R_CARD_1) {
    EXPECT_FALSE(IsValidCardNumber("6047 1234 5678 9"));
    EXPECT_FALSE(IsValidCardNumber("604712345678901x"));
    EXPECT_FALSE(IsValidCardNumber("6047-12345678901"));
}

TEST(Numbers, AllDigits) {
    EXPECT_TRUE(AllDigits("0123456789"));
    EXPECT_FALSE(AllDigits(""));
    EXPECT_FALSE(AllDigits("12 3"));
    EXPECT_FALSE(AllDigits("-1"));
    EXPECT_FALSE(AllDigits("１"));  // a full-width digit is not an ASCII digit
}

}  // namespace
}  // namespace andel::core
