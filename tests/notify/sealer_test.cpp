// Sealer: authenticated encryption at rest for message bodies and TOTP seeds (R_PRIV_5).
#include "notify/sealer.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace andel::notify {
namespace {

const std::string kSecret = "a deployment secret of at least thirty-two characters";
const std::string kOtherSecret = "another deployment secret, also long enough to use";

TEST(Sealer, RoundTrips) {
    Sealer sealer(kSecret);
    for (const std::string& text :
         std::vector<std::string>{"", "x", "Din loginkode til Andel er 493817. Den gælder i 5 minutter.",
                                  std::string(10'000, 'z')}) {
        auto sealed = sealer.Seal(text);
        EXPECT_EQ(sealed.rfind("v1.", 0), 0u);
        auto opened = sealer.Open(sealed);
        ASSERT_TRUE(opened.has_value());
        EXPECT_EQ(*opened, text);
    }
}

TEST(Sealer, SealedFormIsUrlSafeAndFreshEachTime) {
    Sealer sealer(kSecret);
    auto a = sealer.Seal("same text");
    auto b = sealer.Seal("same text");
    EXPECT_NE(a, b);  // a random nonce per seal
    EXPECT_EQ(a.find_first_of("+/="), std::string::npos);
}

TEST(Sealer, PlaintextIsNotInTheSealedForm_R_PRIV_5) {
    Sealer sealer(kSecret);
    const std::string code = "493817";
    auto sealed = sealer.Seal("Your Andel login code is " + code + ".");
    EXPECT_EQ(sealed.find(code), std::string::npos);
    EXPECT_EQ(sealed.find("login"), std::string::npos);
}

TEST(Sealer, RefusesTamperedText) {
    Sealer sealer(kSecret);
    auto sealed = sealer.Seal("Your Andel login code is 493817.");
    for (size_t i = 3; i < sealed.size(); ++i) {
        std::string tampered = sealed;
        tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
        EXPECT_FALSE(sealer.Open(tampered).has_value()) << "position " << i;
    }
    EXPECT_FALSE(sealer.Open(sealed.substr(0, sealed.size() - 1)).has_value());
    EXPECT_FALSE(sealer.Open(sealed + "A").has_value());
}

TEST(Sealer, RefusesAnotherKey) {
    auto sealed = Sealer(kSecret).Seal("secret");
    EXPECT_FALSE(Sealer(kOtherSecret).Open(sealed).has_value());
    EXPECT_TRUE(Sealer(kSecret).Open(sealed).has_value());  // the key is derived the same way every time
}

TEST(Sealer, RefusesBadFormats) {
    Sealer sealer(kSecret);
    auto sealed = sealer.Seal("secret");
    EXPECT_FALSE(sealer.Open("").has_value());
    EXPECT_FALSE(sealer.Open("v1.").has_value());
    EXPECT_FALSE(sealer.Open("v1.!!!!").has_value());
    EXPECT_FALSE(sealer.Open("v2." + sealed.substr(3)).has_value());
    EXPECT_FALSE(sealer.Open(sealed.substr(3)).has_value());
    EXPECT_FALSE(sealer.Open("v1.AAAA").has_value());  // shorter than nonce + tag
}

TEST(Sealer, RefusesAShortSecret) {
    EXPECT_THROW(Sealer(std::string(31, 'k')), std::invalid_argument);
    EXPECT_NO_THROW(Sealer(std::string(32, 'k')));
}

}  // namespace
}  // namespace andel::notify
