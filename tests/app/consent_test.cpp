// Consents per purpose with their history (R_PRIV_2), on SQLite and PostgreSQL: nothing is consented until
// the member says so; giving and withdrawing are both recorded with when, the channel and the text's
// version; the member's export holds them (R_PRIV_4).
#include "app/privacy/consent.hpp"

#include <gtest/gtest.h>

#include "app/privacy/data_export.hpp"
#include "app/service_test_support.hpp"
#include "http/test_app.hpp"
#include "test_support.hpp"

namespace andel::app {
namespace {

using core::ErrorCode;
using test::Fails;
using test::IsOk;

class ConsentTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        consents_ = std::make_unique<ConsentService>(*app_->db, app_->clock);
        auto c = app_->db->Read();
        member_ = c->QueryOne("SELECT id FROM members WHERE member_number = '33216744'")->Int(0);
    }
    bool Allows(const std::string& purpose) {
        auto c = app_->db->Read();
        return consents_->Allows(*c, member_, purpose);
    }
    std::unique_ptr<test::TestApp> app_;
    std::unique_ptr<ConsentService> consents_;
    int64_t member_ = 0;
};

TEST_P(ConsentTest, NothingIsConsentedUntilTheMemberSaysSo_R_PRIV_2) {
    auto all = consents_->Get(member_);
    ASSERT_TRUE(IsOk(all));
    ASSERT_EQ(all->size(), 4u);
    for (const auto& c : *all) {
        EXPECT_FALSE(c.given) << c.purpose;
        EXPECT_FALSE(c.at.has_value());
    }
    for (const char* p : kConsentPurposes) EXPECT_FALSE(Allows(p));
}

TEST_P(ConsentTest, GivingAndWithdrawingAreRecordedPerPurpose_R_PRIV_2) {
    ASSERT_TRUE(
        IsOk(consents_->Set(member_, "personalised_offers", true, "app", "offers-2026-1", "member:t")));
    EXPECT_TRUE(Allows("personalised_offers"));
    EXPECT_FALSE(Allows("personalised_content"));  // each purpose is separate
    EXPECT_FALSE(Allows("tracking_cookies"));
    // The same answer again records nothing new; a new version of the text does.
    ASSERT_TRUE(
        IsOk(consents_->Set(member_, "personalised_offers", true, "web", "offers-2026-1", "member:t")));
    app_->clock.Advance(std::chrono::hours(1));
    ASSERT_TRUE(
        IsOk(consents_->Set(member_, "personalised_offers", false, "web", "offers-2026-1", "member:t")));
    EXPECT_FALSE(Allows("personalised_offers"));
    auto history = consents_->History(member_);
    ASSERT_TRUE(IsOk(history));
    ASSERT_EQ(history->size(), 2u);
    EXPECT_TRUE((*history)[0].given);
    EXPECT_EQ((*history)[0].channel, "app");
    EXPECT_FALSE((*history)[1].given);
    EXPECT_EQ((*history)[1].channel, "web");
    EXPECT_EQ((*history)[1].text_version, "offers-2026-1");
    EXPECT_EQ((*history)[1].at - (*history)[0].at, 3'600'000);
    // The export holds the whole history (R_PRIV_4).
    auto exported = DataExport(*app_->db, app_->clock).ForMember(member_);
    ASSERT_TRUE(IsOk(exported));
    ASSERT_EQ(exported->at("consents").size(), 2u);
    EXPECT_EQ(exported->at("consents")[1]["given"], 0);
}

TEST_P(ConsentTest, RefusesUnknownPurposesChannelsAndVersions) {
    EXPECT_TRUE(Fails(consents_->Set(member_, "selling_data", true, "app", "v1", "t"), ErrorCode::kNotFound));
    EXPECT_TRUE(
        Fails(consents_->Set(member_, "tracking_cookies", true, "fax", "v1", "t"), ErrorCode::kMalformed));
    EXPECT_TRUE(
        Fails(consents_->Set(member_, "tracking_cookies", true, "app", "", "t"), ErrorCode::kMalformed));
    EXPECT_TRUE(Fails(consents_->Set(member_, "tracking_cookies", true, "app", "v 1<script>", "t"),
                      ErrorCode::kMalformed));
    EXPECT_TRUE(Fails(consents_->Set(0, "tracking_cookies", true, "app", "v1", "t"), ErrorCode::kNotFound));
    EXPECT_TRUE(IsOk(consents_->History(member_)));
    EXPECT_TRUE(consents_->History(member_)->empty());
}

INSTANTIATE_TEST_SUITE_P(Engines, ConsentTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::app
