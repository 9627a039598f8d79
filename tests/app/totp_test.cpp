#include "app/auth/totp.hpp"

#include <gtest/gtest.h>

#include <string>

namespace andel::app::auth {
namespace {

constexpr std::string_view kRfcSecret = "12345678901234567890";

struct RfcVector {
    int64_t time;
    const char* code;
};

// RFC 6238 Appendix B, SHA1 column.
constexpr RfcVector kRfcVectors[] = {
    {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
    {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
};

TEST(TotpCode, MatchesRfc6238Sha1VectorsWithEightDigits) {
    for (const auto& v : kRfcVectors) EXPECT_EQ(TotpCode(kRfcSecret, v.time, 8), v.code) << v.time;
}

TEST(TotpCode, SixDigitsAreTheTailOfTheRfcVectors) {
    for (const auto& v : kRfcVectors) EXPECT_EQ(TotpCode(kRfcSecret, v.time), std::string(v.code).substr(2));
}

TEST(TotpCode, RefusesNonsenseParameters) {
    EXPECT_THROW(TotpCode(kRfcSecret, 59, 0), std::invalid_argument);
    EXPECT_THROW(TotpCode(kRfcSecret, 59, 11), std::invalid_argument);
    EXPECT_THROW(TotpCode(kRfcSecret, 59, 6, 0), std::invalid_argument);
    EXPECT_THROW(TotpCode(kRfcSecret, -1), std::invalid_argument);
}

TEST(TotpVerify, AcceptsTheCurrentStepAndReturnsIt) {
    const int64_t now = 1111111111;  // step 37037037
    auto step = TotpVerify(kRfcSecret, "050471", now, std::nullopt);
    ASSERT_TRUE(step.has_value());
    EXPECT_EQ(*step, now / 30);
}

TEST(TotpVerify, AcceptsOneStepEitherSideAndRefusesTwo) {
    const int64_t now = 1'700'000'000;
    const int64_t step = now / 30;
    EXPECT_EQ(TotpVerify(kRfcSecret, TotpCode(kRfcSecret, now - 30), now, std::nullopt), step - 1);
    EXPECT_EQ(TotpVerify(kRfcSecret, TotpCode(kRfcSecret, now + 30), now, std::nullopt), step + 1);
    EXPECT_EQ(TotpVerify(kRfcSecret, TotpCode(kRfcSecret, now - 60), now, std::nullopt), std::nullopt);
    EXPECT_EQ(TotpVerify(kRfcSecret, TotpCode(kRfcSecret, now + 60), now, std::nullopt), std::nullopt);
}

TEST(TotpVerify, WindowZeroAcceptsOnlyTheCurrentStep) {
    const int64_t now = 1'700'000'000;
    EXPECT_TRUE(TotpVerify(kRfcSecret, TotpCode(kRfcSecret, now), now, std::nullopt, 0));
    EXPECT_FALSE(TotpVerify(kRfcSecret, TotpCode(kRfcSecret, now - 30), now, std::nullopt, 0));
}

TEST(TotpVerify, RefusesTheSameStepTwice) {
    const int64_t now = 1'700'000'000;
    const std::string code = TotpCode(kRfcSecret, now);
    auto first = TotpVerify(kRfcSecret, code, now, std::nullopt);
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(TotpVerify(kRfcSecret, code, now, first), std::nullopt);
    EXPECT_EQ(TotpVerify(kRfcSecret, code, now + 10, first), std::nullopt);
    // An older step inside the window is refused too once a later one was used.
    EXPECT_EQ(TotpVerify(kRfcSecret, TotpCode(kRfcSecret, now - 30), now, first), std::nullopt);
    // The next step's code is fine.
    EXPECT_EQ(TotpVerify(kRfcSecret, TotpCode(kRfcSecret, now + 30), now + 30, first), *first + 1);
}

TEST(TotpVerify, RefusesAnythingButSixAsciiDigits) {
    const int64_t now = 1111111111;
    EXPECT_FALSE(TotpVerify(kRfcSecret, "", now, std::nullopt));
    EXPECT_FALSE(TotpVerify(kRfcSecret, "50471", now, std::nullopt));
    EXPECT_FALSE(TotpVerify(kRfcSecret, "0504710", now, std::nullopt));
    EXPECT_FALSE(TotpVerify(kRfcSecret, "14050471", now, std::nullopt));
    EXPECT_FALSE(TotpVerify(kRfcSecret, " 050471", now, std::nullopt));
    EXPECT_FALSE(TotpVerify(kRfcSecret, "05047a", now, std::nullopt));
    EXPECT_FALSE(TotpVerify(kRfcSecret, "05047\xd9", now, std::nullopt));
    EXPECT_FALSE(TotpVerify(kRfcSecret, std::string_view("05047\0", 6), now, std::nullopt));
    EXPECT_FALSE(TotpVerify(kRfcSecret, "050472", now, std::nullopt));  // wrong digit
    EXPECT_TRUE(TotpVerify(kRfcSecret, "050471", now, std::nullopt));
}

TEST(TotpVerify, RefusesACodeForAnotherSecret) {
    const int64_t now = 1'700'000'000;
    EXPECT_FALSE(TotpVerify("another secret of 20b", TotpCode(kRfcSecret, now), now, std::nullopt));
}

TEST(TotpBase32, MatchesRfc4648Vectors) {
    EXPECT_EQ(Base32Encode(""), "");
    EXPECT_EQ(Base32Encode("f"), "MY");
    EXPECT_EQ(Base32Encode("fo"), "MZXQ");
    EXPECT_EQ(Base32Encode("foo"), "MZXW6");
    EXPECT_EQ(Base32Encode("foob"), "MZXW6YQ");
    EXPECT_EQ(Base32Encode("fooba"), "MZXW6YTB");
    EXPECT_EQ(Base32Encode("foobar"), "MZXW6YTBOI");
    EXPECT_EQ(Base32Decode("MZXW6YTBOI======"), "foobar");
    EXPECT_EQ(Base32Decode("MZXW6YQ="), "foob");
    EXPECT_EQ(Base32Decode("MY======"), "f");
}

TEST(TotpBase32, DecodesLowerCaseSpacesAndMissingPadding) {
    EXPECT_EQ(Base32Decode("mzxw 6ytb oi"), "foobar");
    EXPECT_EQ(Base32Decode("MZXW6YTBOI"), "foobar");
    EXPECT_EQ(Base32Decode(""), "");
}

TEST(TotpBase32, RefusesForeignCharactersAndImpossibleLengths) {
    EXPECT_EQ(Base32Decode("MZXW1"), std::nullopt);  // '1' is not in the alphabet
    EXPECT_EQ(Base32Decode("MZXW6YTB-OI"), std::nullopt);
    EXPECT_EQ(Base32Decode("M"), std::nullopt);
    EXPECT_EQ(Base32Decode("MZX"), std::nullopt);
    EXPECT_EQ(Base32Decode("MZXW6Y"), std::nullopt);
    EXPECT_EQ(Base32Decode("MY==MY"), std::nullopt);  // data after padding
}

TEST(TotpBase32, RoundTripsEveryLengthAndEveryByte) {
    std::string bytes;
    for (int i = 0; i < 300; ++i) {
        ASSERT_EQ(Base32Decode(Base32Encode(bytes)), bytes) << i;
        bytes.push_back(static_cast<char>((i * 151 + 7) & 0xff));
    }
}

TEST(TotpSecret, IsTwentyRandomBytesThatDiffer) {
    const std::string a = NewTotpSecret();
    const std::string b = NewTotpSecret();
    EXPECT_EQ(a.size(), 20u);
    EXPECT_EQ(b.size(), 20u);
    EXPECT_NE(a, b);
    EXPECT_EQ(Base32Encode(a).size(), 32u);
}

TEST(TotpProvisioningUri, NamesIssuerAccountAndParametersPercentEncoded) {
    EXPECT_EQ(TotpProvisioningUri("Andel Coop", "kari@example.no", "foobar"),
              "otpauth://totp/Andel%20Coop:kari%40example.no?secret=MZXW6YTBOI&issuer=Andel%20Coop"
              "&algorithm=SHA1&digits=6&period=30");
    EXPECT_EQ(TotpProvisioningUri("A&B", "x:y?", "f"),
              "otpauth://totp/A%26B:x%3Ay%3F?secret=MY&issuer=A%26B&algorithm=SHA1&digits=6&period=30");
}

}  // namespace
}  // namespace andel::app::auth
