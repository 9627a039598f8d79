// Coopay (R_PAY_1, R_PAY_2) on SQLite and PostgreSQL, against Andel's own payment provider on 127.0.0.1:
// activation needs BankID and a method; a code is single use, 60 s, void when its session ends; the till's
// redemption authorises, the posted receipt captures, a return refunds; a declined card and a provider that
// does not answer take no money (the reconcile job voids what it cannot account for); family members pay
// with the owner's method within the owner's monthly limit, and the owner sees their payments.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "app/auth/relogin_service.hpp"
#include "app/payments/coopay_service.hpp"
#include "app/service_test_support.hpp"
#include "app/transaction.hpp"
#include "http/api/api.hpp"
#include "http/test_app.hpp"
#include "notify/http_client.hpp"
#include "test_support.hpp"

namespace andel::app {
namespace {

using namespace std::chrono_literals;
using core::ErrorCode;
using test::Fails;
using test::IsOk;

class CoopayTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        auto c = app_->db->Read();
        owner_ = c->QueryOne("SELECT id FROM members WHERE member_number = '33216744'")->Int(0);
        auto p = c->QueryOne(
            "SELECT m.id, m.member_number FROM household_members hm JOIN members m ON m.id = hm.member_id "
            "JOIN "
            "households h ON h.id = hm.household_id WHERE h.owner_member_id = $1 AND hm.role = 'participant' "
            "ORDER BY m.id LIMIT 1",
            {store::Int(owner_)});
        family_ = p->Int(0);
        family_number_ = p->Text(1);
        store_ = c->QueryOne("SELECT id FROM stores WHERE code = 'dk-odense-1'")->Int(0);
    }
    void TearDown() override {
        if (app_) test::ExpectLedgerClean(*app_->db);
    }
    CoopayService& coopay() { return *app_->coopay; }
    // A session of `member_id`'s login, opened with `method`; returns its public id.
    std::string Session(int64_t member_id, const std::string& method) {
        auto s = InTransaction(*app_->db, [&](store::Connection& c) -> core::Result<auth::IssuedSession> {
            int64_t account = app_->auth->EnsureMemberAccount(c, member_id);
            return app_->auth->OpenSession(c, account, "app", method, "coopay test");
        });
        EXPECT_TRUE(IsOk(s));
        return s->public_id;
    }
    std::string Token(const std::string& card) {
        notify::HttpRequest r;
        r.method = "POST";
        r.url = app_->psp->base_url() + "/v1/tokens";
        r.body = nlohmann::json{{"card_number", card}}.dump();
        r.headers = {{"Authorization", "Bearer test-psp-key"}, {"Content-Type", "application/json"}};
        auto got = notify::Fetch(r);
        EXPECT_EQ(got.status, 201) << got.body << got.error;
        return nlohmann::json::parse(got.body).at("token").get<std::string>();
    }
    // The owner with Coopay active on `card`; returns the owner's BankID session.
    std::string ActivateOwner(const std::string& card = "4242424242424242") {
        auto method = coopay().AddMethod(owner_, Token(card));
        EXPECT_TRUE(IsOk(method));
        std::string session = Session(owner_, "bankid");
        EXPECT_TRUE(IsOk(coopay().Activate(owner_, method->id, session)));
        return session;
    }
    core::Result<PaymentView> Pay(const std::string& code, const std::string& receipt, int64_t amount) {
        return coopay().Redeem(store_, {code, receipt, amount});
    }
    // The receipt for a Coopay payment, posted as the till would, then settled.
    void PostReceipt(const std::string& receipt, int64_t amount, std::optional<std::string> original = {}) {
        auto in = test::OneLineReceipt(receipt, app_->clock.Now(), amount, std::string("6047000000000010"),
                                       std::nullopt, original);
        in.tenders = {{"mobile", amount}};
        ASSERT_TRUE(IsOk(app_->receipts->Post(store_, in, "till:test")));
        http::SettleCoopay(*app_->services, store_, in);
    }
    std::string Status(const std::string& receipt) {
        auto c = app_->db->Read();
        auto r = c->QueryOne("SELECT status FROM payments WHERE receipt_key = $1", {store::Text(receipt)});
        return r ? r->Text(0) : "";
    }
    std::unique_ptr<test::TestApp> app_;
    int64_t owner_ = 0, family_ = 0, store_ = 0;
    std::string family_number_;
};

TEST_P(CoopayTest, ActivationNeedsBankIdAndAMethodOnFile_R_PAY_2) {
    std::string password_session = Session(owner_, "password+sms");
    std::string bankid_session = Session(owner_, "bankid");
    EXPECT_TRUE(Fails(coopay().Activate(owner_, 999, bankid_session), ErrorCode::kRuleRefused, "R_PAY_2"))
        << "no method on file";
    EXPECT_TRUE(Fails(coopay().IssueCode(owner_, bankid_session), ErrorCode::kRuleRefused, "R_PAY_2"));
    auto method = coopay().AddMethod(owner_, Token("4242424242424242"));
    ASSERT_TRUE(IsOk(method));
    EXPECT_EQ(method->label, "Visa •••• 4242");
    EXPECT_TRUE(Fails(coopay().AddMethod(owner_, "tok_made_up"), ErrorCode::kInvalid));
    EXPECT_TRUE(
        Fails(coopay().Activate(owner_, method->id, password_session), ErrorCode::kRuleRefused, "R_PAY_2"))
        << "a password login is not strong enough";
    auto active = coopay().Activate(owner_, method->id, bankid_session);
    ASSERT_TRUE(IsOk(active));
    EXPECT_TRUE(active->active);
    EXPECT_TRUE(Fails(coopay().Activate(family_, method->id, Session(family_, "bankid")),
                      ErrorCode::kRuleRefused, "R_PAY_1"))
        << "a family member pays with the owner's Coopay";
    // Once active, any session of the member may ask for codes (it keeps working after the new login).
    EXPECT_TRUE(IsOk(coopay().IssueCode(owner_, password_session)));
    auto c = app_->db->Read();
    EXPECT_EQ(c->QueryOne("SELECT COUNT(*) FROM payment_methods WHERE token_sealed LIKE 'tok_%'")->Int(0), 0)
        << "tokens are sealed";
}

TEST_P(CoopayTest, ACodeIsAuthorisedCapturedByItsReceiptAndRefundedByAReturn_R_PAY_1) {
    std::string session = ActivateOwner();
    auto code = coopay().IssueCode(owner_, session);
    ASSERT_TRUE(IsOk(code));
    EXPECT_EQ(code->code.size(), 8u);
    EXPECT_EQ(code->qr, "andel-pay:" + code->code);
    auto paid = Pay(code->code, "CP-1", 12'345);
    ASSERT_TRUE(IsOk(paid));
    EXPECT_EQ(paid->status, "authorised");
    EXPECT_EQ(paid->currency, "DKK");
    auto again = Pay(code->code, "CP-1", 12'345);
    ASSERT_TRUE(IsOk(again));
    EXPECT_TRUE(again->replayed);
    EXPECT_EQ(again->id, paid->id);
    EXPECT_TRUE(Fails(Pay(code->code, "CP-1", 99), ErrorCode::kConflict));
    EXPECT_TRUE(Fails(Pay(code->code, "CP-2", 12'345), ErrorCode::kRuleRefused, "R_PAY_1")) << "single use";
    EXPECT_EQ(app_->psp->authorisations(), 1);

    PostReceipt("CP-1", 12'345);
    EXPECT_EQ(Status("CP-1"), "captured");
    auto at_psp = app_->psp->FindByReference("payment:" + std::to_string(paid->id));
    ASSERT_TRUE(at_psp);
    EXPECT_EQ(at_psp->status, "captured");
    EXPECT_EQ(at_psp->captured_minor, 12'345);

    PostReceipt("CP-1-R", -2'345, std::string("CP-1"));
    at_psp = app_->psp->FindByReference("payment:" + std::to_string(paid->id));
    EXPECT_EQ(at_psp->refunded_minor, 2'345);
    auto history = coopay().History(owner_, 10);
    ASSERT_TRUE(IsOk(history));
    ASSERT_EQ(history->size(), 1u);
    EXPECT_EQ(history->front().refunded_minor, 2'345);
    EXPECT_EQ(history->front().captured_minor, 12'345);
}

TEST_P(CoopayTest, ACodeIsVoidAfter60SecondsOrWhenItsSessionEnds_R_PAY_1) {
    std::string session = ActivateOwner();
    auto late = coopay().IssueCode(owner_, session);
    ASSERT_TRUE(IsOk(late));
    app_->clock.Set(app_->clock.Now() + 59'999ms);
    auto in_time = coopay().IssueCode(owner_, session);
    ASSERT_TRUE(IsOk(in_time));
    app_->clock.Set(app_->clock.Now() + 1ms);
    EXPECT_TRUE(Fails(Pay(late->code, "CP-LATE", 100), ErrorCode::kRuleRefused, "R_PAY_1")) << "60 s are up";
    EXPECT_TRUE(IsOk(Pay(in_time->code, "CP-IN-TIME", 100))) << "59.999 s old";
    // Ending all sessions voids a code issued before, and no new code comes without a session.
    auto issued = coopay().IssueCode(owner_, session);
    ASSERT_TRUE(IsOk(issued));
    int64_t account = 0;
    {
        auto c = app_->db->Read();
        account = c->QueryOne("SELECT id FROM accounts WHERE member_id = $1", {store::Int(owner_)})->Int(0);
    }
    ASSERT_TRUE(IsOk(app_->auth->EndSession(account, session)));
    EXPECT_TRUE(Fails(Pay(issued->code, "CP-ENDED", 100), ErrorCode::kRuleRefused, "R_PAY_1"));
    EXPECT_TRUE(Fails(coopay().IssueCode(owner_, session), ErrorCode::kUnauthenticated));
    EXPECT_EQ(Status("CP-ENDED"), "");
}

// A re-login wave's deadline ends the sessions of those who did not log in again (R_AUTH_6): a code issued
// in such a session is void at once, within its 60 seconds, and the ended session gets no new one.
TEST_P(CoopayTest, AForcedLogoutInAReloginWaveVoidsTheCodesOfItsSessions_R_PAY_1_R_AUTH_6) {
    std::string session = ActivateOwner();
    auth::ReloginCampaignInput campaign;
    campaign.name = "new login";
    campaign.market = "dk";
    campaign.required_method = "two_step";
    auth::ReloginWaveInput wave;
    wave.share_percent = 100;
    wave.starts_at = app_->clock.Now() + 1s;
    wave.deadline_at = app_->clock.Now() + 20s;
    campaign.waves.push_back(wave);
    ASSERT_TRUE(IsOk(app_->relogin->Create("admin:test", campaign)));
    app_->clock.Set(app_->clock.Now() + 2s);
    ASSERT_TRUE(IsOk(app_->relogin->Run()));
    auto code = coopay().IssueCode(owner_, session);
    ASSERT_TRUE(IsOk(code));
    app_->clock.Set(app_->clock.Now() + 19s);  // past the deadline, 19 s into the code's 60
    auto run = app_->relogin->Run();
    ASSERT_TRUE(IsOk(run));
    EXPECT_GE(run->logged_out, 1);
    EXPECT_TRUE(Fails(Pay(code->code, "CP-WAVE", 100), ErrorCode::kRuleRefused, "R_PAY_1"));
    EXPECT_TRUE(Fails(coopay().IssueCode(owner_, session), ErrorCode::kUnauthenticated));
    EXPECT_EQ(Status("CP-WAVE"), "");
}

TEST_P(CoopayTest, ADeclinedCardTakesNothing_R_PAY_1) {
    std::string session = ActivateOwner("4000000000000002");
    auto code = coopay().IssueCode(owner_, session);
    ASSERT_TRUE(IsOk(code));
    EXPECT_TRUE(Fails(Pay(code->code, "CP-DECLINED", 5'000), ErrorCode::kRuleRefused, "R_PAY_1"));
    EXPECT_EQ(Status("CP-DECLINED"), "declined");
}

TEST_P(CoopayTest, AProviderThatDoesNotAnswerIsVoidedByTheReconcileJob_R_PAY_1) {
    std::string session = ActivateOwner("4000000000000119");
    auto code = coopay().IssueCode(owner_, session);
    ASSERT_TRUE(IsOk(code));
    EXPECT_TRUE(Fails(Pay(code->code, "CP-SLOW", 5'000), ErrorCode::kUnavailable));
    EXPECT_EQ(Status("CP-SLOW"), "unknown");
    std::this_thread::sleep_for(800ms);  // the provider's late answer is sent (and lost)
    auto first = coopay().Reconcile();
    ASSERT_TRUE(IsOk(first));
    EXPECT_EQ(first->voided, 0) << "an answer may still be on its way for a minute";
    app_->clock.Set(app_->clock.Now() + 61s);
    auto later = coopay().Reconcile();
    ASSERT_TRUE(IsOk(later));
    EXPECT_EQ(later->voided, 1);
    EXPECT_EQ(Status("CP-SLOW"), "voided");
    auto c = app_->db->Read();
    auto id = c->QueryOne("SELECT id FROM payments WHERE receipt_key = 'CP-SLOW'")->Int(0);
    auto at_psp = app_->psp->FindByReference("payment:" + std::to_string(id));
    ASSERT_TRUE(at_psp) << "the provider had authorised it";
    EXPECT_EQ(at_psp->status, "voided") << "so no money is taken without a receipt";
}

TEST_P(CoopayTest, AnAuthorisationWhoseReceiptNeverCameIsVoided_R_PAY_1) {
    std::string session = ActivateOwner();
    auto code = coopay().IssueCode(owner_, session);
    ASSERT_TRUE(IsOk(Pay(code->code, "CP-ABANDONED", 7'000)));
    app_->clock.Set(app_->clock.Now() + 29min);
    EXPECT_EQ(coopay().Reconcile()->voided, 0);
    app_->clock.Set(app_->clock.Now() + 1min);
    EXPECT_EQ(coopay().Reconcile()->voided, 1);
    EXPECT_EQ(Status("CP-ABANDONED"), "voided");
}

TEST_P(CoopayTest, AFamilyMemberPaysWithinTheOwnersMonthlyLimit_R_PAY_1_R_HH_6) {
    ActivateOwner();
    std::string session = Session(family_, "password+sms");
    EXPECT_TRUE(Fails(coopay().IssueCode(family_, session), ErrorCode::kRuleRefused, "R_PAY_1"))
        << "no limit given yet";
    EXPECT_TRUE(Fails(coopay().SetFamilyLimit(family_, family_number_, 100), ErrorCode::kNotFound))
        << "only the owner sets it";
    auto limited = coopay().SetFamilyLimit(owner_, family_number_, 10'000);
    ASSERT_TRUE(IsOk(limited));
    EXPECT_TRUE(limited->family_member);
    EXPECT_EQ(limited->monthly_limit_minor, 10'000);
    auto first = coopay().IssueCode(family_, session);
    ASSERT_TRUE(IsOk(first));
    ASSERT_TRUE(IsOk(Pay(first->code, "CP-F1", 6'000)));
    auto second = coopay().IssueCode(family_, session);
    EXPECT_TRUE(Fails(Pay(second->code, "CP-F2", 4'001), ErrorCode::kRuleRefused, "R_PAY_1")) << "1 over";
    auto third = coopay().IssueCode(family_, session);
    EXPECT_TRUE(IsOk(Pay(third->code, "CP-F3", 4'000))) << "exactly the limit";
    EXPECT_EQ(coopay().Status(family_)->spent_this_month_minor, 10'000);
    auto history = coopay().History(owner_, 10);
    ASSERT_TRUE(IsOk(history));
    ASSERT_EQ(history->size(), 2u);
    EXPECT_EQ(history->front().paid_by, family_number_) << "the owner sees who paid";
    // The limit is per calendar month in the market's time zone (Copenhagen, UTC+1 in winter).
    app_->clock.Set(test::Utc(2026, 11, 30, 22, 59, 59));
    EXPECT_EQ(coopay().Status(family_)->spent_this_month_minor, 10'000);
    app_->clock.Set(test::Utc(2026, 11, 30, 23, 0, 0));
    EXPECT_EQ(coopay().Status(family_)->spent_this_month_minor, 0) << "1 December has begun in Denmark";
    auto december = coopay().IssueCode(family_, session);
    ASSERT_TRUE(IsOk(december));
    EXPECT_TRUE(IsOk(Pay(december->code, "CP-F4", 10'000)));
}

INSTANTIATE_TEST_SUITE_P(Engines, CoopayTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::app
