// R_MEM_9 on SQLite and PostgreSQL: terms are versioned and the latest is always published; a major change
// is told to every active member of the market through the outbox (a service message, once each, not
// stopped by marketing choices); a member who has not accepted it is asked (answer_needed) and may accept
// the latest version only, or decline it, which ends the membership (R_LIFE_1). A minor change or a
// market's first terms is told to no one.
#include "app/membership/terms.hpp"

#include <gtest/gtest.h>

#include "app/privacy/marketing.hpp"
#include "app/service_test_support.hpp"
#include "http/test_app.hpp"
#include "test_support.hpp"

namespace andel::app {
namespace {

using namespace std::chrono_literals;
using test::Fails;
using test::IsOk;

class TermsTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        terms_ = std::make_unique<TermsService>(*app_->db, app_->clock, app_->config.markets, *app_->sealer);
    }
    void TearDown() override {
        if (app_) test::ExpectLedgerClean(*app_->db);
    }
    // A Swedish member who accepted the market's terms at registration.
    store::MemberRecord Member(int serial, std::optional<std::string> terms = std::string("2026-1")) {
        RegisterInput in;
        in.market = "se";
        in.national_id = test::Personnummer(1970, 4, 1 + serial % 28, 600 + serial);
        in.first_name = "Villkor" + std::to_string(serial);
        in.last_name = "Testsson";
        in.contact = {"villkor" + std::to_string(serial) + "@example.org", std::nullopt, "Storgatan 2",
                      "903 26", "Umeå"};
        in.home_store_code = "se-umea-1";
        in.share_paid_minor = 10'000;
        in.terms_version = std::move(terms);
        auto r = app_->membership->Register(in, "test");
        EXPECT_TRUE(IsOk(r));
        return r->member;
    }
    void Publish(const std::string& version, bool major) {
        app_->clock.Set(app_->clock.Now() + 1min);
        store::TermsRecord t;
        t.market = "se";
        t.version = version;
        t.summary = "Villkor " + version;
        t.body = "Fulltext " + version;
        t.major = major;
        ASSERT_TRUE(IsOk(app_->membership->PublishTerms(t)));
    }
    int64_t Count(const std::string& sql, std::initializer_list<store::Value> params = {}) {
        auto c = app_->db->Read();
        return c->QueryOne(sql, params)->Int(0);
    }
    int64_t ActiveSwedishMembers() {
        return Count(
            "SELECT COUNT(*) FROM members WHERE market = 'se' AND status = 'active' AND kind = 'member'");
    }
    std::unique_ptr<test::TestApp> app_;
    std::unique_ptr<TermsService> terms_;
};

TEST_P(TermsTest, AMinorChangeIsToldToNoOneAndAsksNothing_R_MEM_9) {
    auto m = Member(1);
    Publish("2026-2", false);
    auto report = terms_->RunNotices(false);
    ASSERT_TRUE(IsOk(report));
    EXPECT_EQ(report->told, 0);
    auto s = terms_->Status(m.id);
    ASSERT_TRUE(IsOk(s));
    EXPECT_EQ(s->latest.version, "2026-2");
    EXPECT_EQ(s->latest.body, "Fulltext 2026-2");
    EXPECT_EQ(s->accepted_version, "2026-1");
    EXPECT_FALSE(s->answer_needed);
}

TEST_P(TermsTest, AMajorChangeIsToldToEveryActiveMemberOnceEvenWithAnAdBlock_R_MEM_9_R_PRIV_1) {
    auto told = Member(2);
    store::MarketingChoices none;
    none.email = none.sms = none.post = none.app = false;
    none.ad_block = true;
    ASSERT_TRUE(IsOk(app_->marketing->Set(told.id, none, "test", false)));
    Publish("2027-1", true);
    auto dry = terms_->RunNotices(true);
    ASSERT_TRUE(IsOk(dry));
    EXPECT_EQ(dry->told, ActiveSwedishMembers());
    EXPECT_EQ(Count("SELECT COUNT(*) FROM outbox WHERE template = 'terms_changed'"), 0)
        << "a dry run writes nothing";
    auto run = terms_->RunNotices(false);
    ASSERT_TRUE(IsOk(run));
    EXPECT_EQ(run->told, dry->told);
    EXPECT_EQ(run->versions, 1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM outbox o JOIN members m ON m.id = o.member_id WHERE o.template = "
                    "'terms_changed' AND m.market <> 'se'"),
              0)
        << "only the market's members";
    EXPECT_EQ(Count("SELECT COUNT(*) FROM outbox WHERE template = 'terms_changed' AND member_id = $1 AND "
                    "marketing = 0 AND recipient = 'villkor2@example.org' AND status = 'pending'",
                    {store::Int(told.id)}),
              1)
        << "a service message: the ad block does not stop it";
    EXPECT_EQ(terms_->RunNotices(false)->told, 0) << "told once";
    // A member who joins afterwards, accepting the new terms, is neither told nor asked.
    auto later = Member(3, "2027-1");
    EXPECT_EQ(terms_->RunNotices(false)->told, 0);
    EXPECT_FALSE(terms_->Status(later.id)->answer_needed);
    EXPECT_TRUE(terms_->Status(told.id)->answer_needed);
}

TEST_P(TermsTest, ANewerMajorChangeSupersedesTheNoticeOfAnOlderOne_R_MEM_9) {
    Member(4);
    Publish("2027-1", true);
    Publish("2027-2", true);
    auto run = terms_->RunNotices(false);
    ASSERT_TRUE(IsOk(run));
    EXPECT_EQ(run->told, ActiveSwedishMembers());
    EXPECT_EQ(Count("SELECT COUNT(*) FROM terms_versions WHERE market = 'se' AND notified_at IS NULL"), 0);
}

TEST_P(TermsTest, OnlyTheLatestVersionIsAcceptedAndThenNothingIsAsked_R_MEM_9) {
    auto m = Member(5);
    Publish("2027-1", true);
    Publish("2027-2", false);  // a minor change after the major one: accepting it answers both
    ASSERT_TRUE(terms_->Status(m.id)->answer_needed);
    EXPECT_TRUE(Fails(terms_->Accept(m.id, "2027-1", "app"), core::ErrorCode::kRuleRefused, "R_MEM_9"));
    EXPECT_TRUE(Fails(terms_->Accept(m.id, "1999-1", "app"), core::ErrorCode::kNotFound));
    auto accepted = terms_->Accept(m.id, "2027-2", "app");
    ASSERT_TRUE(IsOk(accepted));
    EXPECT_FALSE(accepted->answer_needed);
    EXPECT_EQ(accepted->accepted_version, "2027-2");
    EXPECT_TRUE(IsOk(terms_->Accept(m.id, "2027-2", "web")));  // again: nothing new
    EXPECT_EQ(
        Count("SELECT COUNT(*) FROM terms_acceptances a JOIN terms_versions t ON t.id = "
              "a.terms_version_id WHERE a.member_id = $1 AND t.version = '2027-2' AND a.channel = 'app'",
              {store::Int(m.id)}),
        1);
    EXPECT_TRUE(Fails(terms_->Decline(m.id, "2027-2", "test"), core::ErrorCode::kRuleRefused, "R_MEM_9"))
        << "accepted: nothing to decline";
}

TEST_P(TermsTest, DecliningAMajorChangeEndsTheMembership_R_MEM_9_R_LIFE_1) {
    auto m = Member(6);
    Publish("2027-1", true);
    EXPECT_TRUE(Fails(terms_->Decline(m.id, "2026-1", "test"), core::ErrorCode::kRuleRefused, "R_MEM_9"));
    auto ended = terms_->Decline(m.id, "2027-1", "member:test");
    ASSERT_TRUE(IsOk(ended));
    EXPECT_TRUE(ended->ended);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM members WHERE id = $1 AND status = 'ended' AND end_reason = "
                    "'declined the terms 2027-1 (R_MEM_9)'",
                    {store::Int(m.id)}),
              1);
    EXPECT_EQ(
        Count("SELECT COUNT(*) FROM cards WHERE member_id = $1 AND status = 'active'", {store::Int(m.id)}),
        0);
    EXPECT_FALSE(terms_->Status(m.id)->answer_needed) << "an ended membership is asked nothing";
    EXPECT_TRUE(Fails(terms_->Decline(m.id, "2027-1", "test"), core::ErrorCode::kRuleRefused, "R_MEM_9"));
}

TEST_P(TermsTest, ACustomerWithAProfileHasNoMemberTerms_R_MEM_9) {
    RegisterInput in;
    in.market = "se";
    in.kind = "profile";
    in.national_id = test::Personnummer(1980, 5, 5, 707);
    in.first_name = "Profil";
    in.last_name = "Kund";
    in.contact = {"profil@example.org", std::nullopt, "", "", ""};
    in.home_store_code = "se-umea-1";
    auto p = app_->membership->Register(in, "test");
    ASSERT_TRUE(IsOk(p));
    EXPECT_TRUE(Fails(terms_->Status(p->member.id), core::ErrorCode::kNotFound));
    EXPECT_TRUE(Fails(terms_->Decline(p->member.id, "2026-1", "test"), core::ErrorCode::kNotFound));
}

INSTANTIATE_TEST_SUITE_P(Engines, TermsTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::app
