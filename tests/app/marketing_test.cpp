// R_PRIV_1 on SQLite and PostgreSQL: the outbox dispatcher sends marketing only where the member has not
// objected and has no ad block; service messages always go.
#include "app/privacy/marketing.hpp"

#include <gtest/gtest.h>

#include "app/demo/generator.hpp"
#include "app/service_test_support.hpp"
#include "app/transaction.hpp"
#include "http/test_app.hpp"
#include "notify/outbox.hpp"
#include "store/access/account_repository.hpp"
#include "test_support.hpp"

namespace andel::app {
namespace {

using test::IsOk;

class MarketingTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        auto c = app_->db->Read();
        anna_ = *store::AccountRepository(*c).FindMemberIdByLogin({}, kDemoAnnaEmail, {});
    }
    void Queue(const std::string& channel, bool marketing) {
        notify::OutgoingMessage m;
        m.member_id = anna_;
        m.channel = channel;
        m.recipient = channel == "email" ? kDemoAnnaEmail : channel == "sms" ? "+4520000001" : "";
        m.template_key = "relogin_reminder";
        m.language = "da";
        m.marketing = marketing;
        m.params = {{"method", "BankID"}, {"deadline", "2026-12-01"}};
        auto id = InTransaction(*app_->db, [&](store::Connection& c) {
            return notify::Enqueue(c, *app_->sealer, m, app_->clock.Now());
        });
        ASSERT_TRUE(IsOk(id));
    }
    // Runs the dispatcher with the member's choices as the gate; returns "channel" per message sent.
    std::vector<std::string> Dispatch() {
        std::vector<std::string> sent;
        notify::Channels channels;
        channels.email = [&](const std::string&, const std::string&,
                             const std::string&) -> core::Result<void> {
            sent.push_back("email");
            return {};
        };
        channels.sms = [&](const std::string&, const std::string&, const std::string&) -> core::Result<void> {
            sent.push_back("sms");
            return {};
        };
        notify::Dispatcher d(*app_->db, app_->clock, *app_->sealer, channels, app_->marketing->Gate());
        auto report = d.RunOnce(100);
        suppressed_ = report.suppressed;
        return sent;
    }
    void Choose(store::MarketingChoices c) {
        ASSERT_TRUE(IsOk(app_->marketing->Set(anna_, c, "member", false)));
    }

    std::unique_ptr<test::TestApp> app_;
    int64_t anna_ = 0;
    int suppressed_ = 0;
};

TEST_P(MarketingTest, R_PRIV_1_WithoutObjectionsMarketingGoes) {
    Queue("email", true);
    Queue("sms", true);
    EXPECT_EQ(Dispatch().size(), 2u);
    EXPECT_EQ(suppressed_, 0);
}

TEST_P(MarketingTest, R_PRIV_1_AnObjectionPerChannelStopsMarketingThereButNotServiceMessages) {
    store::MarketingChoices c;
    c.email = false;
    Choose(c);
    Queue("email", true);   // marketing by e-mail: objected to
    Queue("sms", true);     // marketing by SMS: allowed
    Queue("email", false);  // a service message by e-mail: always
    auto sent = Dispatch();
    EXPECT_EQ(sent, (std::vector<std::string>{"sms", "email"}));
    EXPECT_EQ(suppressed_, 1);
}

TEST_P(MarketingTest, R_PRIV_1_TheAdBlockStopsAllAddressedAdvertising) {
    store::MarketingChoices c;
    c.ad_block = true;
    Choose(c);
    Queue("email", true);
    Queue("sms", true);
    Queue("inapp", true);
    Queue("sms", false);
    auto sent = Dispatch();
    EXPECT_EQ(sent, (std::vector<std::string>{"sms"}));
    EXPECT_EQ(suppressed_, 3);
}

TEST_P(MarketingTest, StaffChangesAreAudited) {
    store::MarketingChoices c;
    c.sms = false;
    ASSERT_TRUE(IsOk(app_->marketing->Set(anna_, c, "service_agent:session:x", true)));
    auto got = app_->marketing->Get(anna_);
    EXPECT_FALSE(got->sms);
    EXPECT_TRUE(got->email);
    auto conn = app_->db->Read();
    auto audit = store::AccountRepository(*conn).ListAudit(anna_, 0, 10);
    ASSERT_EQ(audit.size(), 1u);
    EXPECT_EQ(audit[0].action, "set_marketing_choices");
}

INSTANTIATE_TEST_SUITE_P(Engines, MarketingTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::app
