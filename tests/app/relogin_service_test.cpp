// Staged re-login (R_AUTH_5, R_AUTH_6, R_CARD_3) on SQLite and PostgreSQL over the demo dataset: from the
// campaign's start to the forced logout, and the membership untouched.
#include "app/auth/relogin_service.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "app/demo/generator.hpp"
#include "app/service_test_support.hpp"
#include "app/transaction.hpp"
#include "http/test_app.hpp"
#include "notify/outbox.hpp"
#include "store/access/account_repository.hpp"
#include "test_support.hpp"

namespace andel::app::auth {
namespace {

using core::ErrorCode;
using test::Fails;
using test::IsOk;
using namespace std::chrono_literals;

class ReloginTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        start_ = app_->clock.Now();
    }
    ReloginService& relogin() { return *app_->relogin; }
    int64_t AccountOf(const std::string& email) {
        auto c = app_->db->Read();
        store::AccountRepository repo(*c);
        return repo.FindByMember(*repo.FindMemberIdByLogin({}, email, {}))->id;
    }
    std::string Session(int64_t account, const std::string& method) {
        auto s = InTransaction(*app_->db, [&](store::Connection& c) {
            return app_->auth->OpenSession(c, account, "app", method, "phone");
        });
        EXPECT_TRUE(s.ok());
        return s.value().token;
    }
    ReloginCampaignInput OneWave(const std::string& method, std::vector<int> reminders = {7, 1}) {
        ReloginCampaignInput in;
        in.name = "new login 2026";
        in.required_method = method;
        ReloginWaveInput w;
        w.share_percent = 100;
        w.starts_at = start_ + 1h;
        w.deadline_at = start_ + 1h + 10 * 24h;
        w.reminder_days = reminders;
        in.waves.push_back(w);
        return in;
    }
    store::ReloginWaveProgress Wave(int64_t campaign, size_t index = 0) {
        auto p = relogin().Progress(campaign);
        return p.at(index);
    }
    int64_t Messages(const std::string& to, const std::string& template_key) {
        auto c = app_->db->Read();
        int64_t n = 0;
        for (const auto& m : notify::ListOutbox(*c, *app_->sealer, 0, 500, to))
            if (m.template_key == template_key) ++n;
        return n;
    }
    void At(core::Timestamp t) { app_->clock.Set(t); }

    std::unique_ptr<test::TestApp> app_;
    core::Timestamp start_;
};

TEST_P(ReloginTest, R_AUTH_5_FromTheWavesStartToTheForcedLogoutOnEveryDevice) {
    int64_t anna = AccountOf(kDemoAnnaEmail), nora = AccountOf(kDemoNoraEmail);
    std::string nora_phone =
        Session(nora, "password+sms");  // logged in before the campaign: not the new login
    std::string nora_tablet = Session(nora, "demo");
    auto campaign = relogin().Create("admin:test", OneWave("two_step"));
    ASSERT_TRUE(IsOk(campaign));

    ASSERT_TRUE(IsOk(relogin().Run()));
    EXPECT_EQ(Wave(campaign->id).participants, 0) << "nothing before the wave starts";

    At(start_ + 1h);
    auto first = relogin().Run();
    ASSERT_TRUE(IsOk(first));
    // The demo member, Anna and Nora have a login; the ~1 000 generated members have none and are skipped.
    EXPECT_EQ(first->assigned, 3);
    EXPECT_EQ(first->notified, 3);
    EXPECT_EQ(Messages("+4520000001", "relogin_turn"), 1) << "told by SMS";
    EXPECT_EQ(Messages(kDemoAnnaEmail, "relogin_turn"), 1) << "and by e-mail";
    auto again = relogin().Run();
    EXPECT_EQ(again->assigned + again->notified, 0) << "a second run tells no one twice";

    // Anna logs in with the new method: she is done and hears no more.
    Session(anna, "password+sms");
    EXPECT_EQ(Wave(campaign->id).done, 1);

    At(start_ + 1h + 3 * 24h - 1ms);  // just before the first reminder (7 days before the deadline)
    EXPECT_EQ(relogin().Run()->reminded, 0);
    At(start_ + 1h + 3 * 24h);
    EXPECT_EQ(relogin().Run()->reminded, 2);
    EXPECT_EQ(relogin().Run()->reminded, 0);
    At(start_ + 1h + 9 * 24h);
    EXPECT_EQ(relogin().Run()->reminded, 2);
    EXPECT_EQ(Messages("+4520000001", "relogin_reminder"), 0);
    EXPECT_EQ(Messages("+4790000001", "relogin_reminder"), 2);

    At(start_ + 1h + 10 * 24h - 1ms);
    EXPECT_EQ(relogin().Run()->logged_out, 0);
    EXPECT_TRUE(app_->auth->Authenticate(nora_phone).has_value());
    At(start_ + 1h + 10 * 24h);
    auto deadline = relogin().Run();
    EXPECT_EQ(deadline->logged_out, 2);
    EXPECT_FALSE(app_->auth->Authenticate(nora_phone).has_value()) << "every device";
    EXPECT_FALSE(app_->auth->Authenticate(nora_tablet).has_value());
    EXPECT_EQ(Messages("+4790000001", "relogin_logged_out"), 1);
    EXPECT_EQ(relogin().Run()->logged_out, 0);

    // R_AUTH_6 / R_CARD_3: the membership is untouched: Nora's card still identifies her at a till.
    std::string card;
    {
        auto c = app_->db->Read();
        card = c->QueryOne(
                    "SELECT k.card_number FROM cards k JOIN members m ON m.id = k.member_id JOIN persons p "
                    "ON p.id = m.person_id WHERE p.email = $1 AND k.status = 'active'",
                    {store::Text(kDemoNoraEmail)})
                   ->Text(0);
    }
    http::Request r;
    r.method = "GET";
    r.path = r.target = "/api/v1/till/cards/" + card;
    r.request_id = "till";
    r.headers = {{"authorization", std::string("Bearer ") + kDemoTillTokenNo}};
    auto till = app_->router->Handle(r);
    EXPECT_EQ(till.status, 200) << till.body;
    EXPECT_NE(till.body.find("\"may_earn\":true"), std::string::npos) << till.body;

    // She can log in again at any time; doing so with the method completes the campaign for her.
    LoginRequest login{kDemoNoraEmail, kDemoPersonPassword, "app", "", "192.0.2.1", ""};
    ASSERT_TRUE(IsOk(app_->auth->Login(login)));
    Session(nora, "password+sms");
    auto p = Wave(campaign->id);
    EXPECT_EQ(p.participants, 3);
    EXPECT_EQ(p.notified, 3);
    EXPECT_EQ(p.reminded, 2);
    EXPECT_EQ(p.done, 2);
    EXPECT_EQ(p.logged_out, 2);
}

TEST_P(ReloginTest, R_AUTH_5_ABankIdCampaignIsNotCompletedByAPasswordLogin) {
    int64_t nora = AccountOf(kDemoNoraEmail);
    auto campaign = relogin().Create("admin:test", OneWave("bankid", {}));
    ASSERT_TRUE(IsOk(campaign));
    At(start_ + 1h);
    ASSERT_TRUE(IsOk(relogin().Run()));
    Session(nora, "password+sms");
    EXPECT_EQ(Wave(campaign->id).done, 0);
    Session(nora, "bankid");
    EXPECT_EQ(Wave(campaign->id).done, 1);
}

TEST_P(ReloginTest, R_AUTH_5_WavesByShareTakeDisjointSlicesAndEveryoneOnce) {
    ReloginCampaignInput in = OneWave("two_step", {});
    in.waves[0].share_percent = 50;
    ReloginWaveInput second = in.waves[0];
    second.starts_at = start_ + 2h;
    in.waves.push_back(second);
    auto campaign = relogin().Create("admin:test", in);
    ASSERT_TRUE(IsOk(campaign));
    At(start_ + 2h);
    ASSERT_TRUE(IsOk(relogin().Run()));
    EXPECT_EQ(Wave(campaign->id, 0).participants + Wave(campaign->id, 1).participants, 3);
    ASSERT_TRUE(IsOk(relogin().Run()));
    EXPECT_EQ(Wave(campaign->id, 0).participants + Wave(campaign->id, 1).participants, 3);
}

TEST_P(ReloginTest, R_AUTH_5_ACohortWaveTakesOnlyItsBirthYears) {
    ReloginCampaignInput in = OneWave("two_step", {});
    in.waves[0].share_percent.reset();
    in.waves[0].born_before = "1986-01-01";  // Nora (1985); not Anna (1990) nor the demo member (1980)...
    in.waves[0].born_from = "1985-01-01";
    auto campaign = relogin().Create("admin:test", in);
    ASSERT_TRUE(IsOk(campaign));
    At(start_ + 1h);
    ASSERT_TRUE(IsOk(relogin().Run()));
    EXPECT_EQ(Wave(campaign->id).participants, 1);
}

TEST_P(ReloginTest, ACampaignIsCheckedBeforeItIsSaved) {
    auto in = OneWave("two_step");
    in.required_method = "carrier-pigeon";
    EXPECT_TRUE(Fails(relogin().Create("a", in), ErrorCode::kInvalid));
    in = OneWave("two_step");
    in.waves[0].deadline_at = in.waves[0].starts_at;
    EXPECT_TRUE(Fails(relogin().Create("a", in), ErrorCode::kInvalid));
    in = OneWave("two_step");
    in.waves.push_back(in.waves[0]);  // 100 % + 100 %
    EXPECT_TRUE(Fails(relogin().Create("a", in), ErrorCode::kInvalid));
    in = OneWave("two_step");
    in.waves[0].share_percent.reset();
    EXPECT_TRUE(Fails(relogin().Create("a", in), ErrorCode::kInvalid)) << "neither share nor cohort";
    ASSERT_TRUE(IsOk(relogin().Create("a", OneWave("two_step"))));
    EXPECT_TRUE(Fails(relogin().Create("a", OneWave("two_step")), ErrorCode::kConflict))
        << "names are unique";
}

INSTANTIATE_TEST_SUITE_P(Engines, ReloginTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::app::auth
