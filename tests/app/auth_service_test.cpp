// AuthService on SQLite and PostgreSQL over the demo dataset (tests/http/test_app.hpp): the edges of the
// login rules (R_AUTH_1..4, R_MEM_10, R_OMB_2, R_HH_8, R_PRIV_5). Codes are read from the outbox, as a member
// reads them from the phone.
#include "app/auth/auth_service.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <string>
#include <vector>

#include "app/auth/totp.hpp"
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

constexpr const char* kAddress = "192.0.2.10";

class AuthServiceTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
    }
    AuthService& auth() { return *app_->auth; }

    // The newest message to `to` in the outbox, opened.
    std::string LastMessageTo(const std::string& to) {
        auto c = app_->db->Read();
        auto items = notify::ListOutbox(*c, *app_->sealer, 0, 1, to);
        return items.empty() ? std::string() : items.front().body;
    }
    std::string Extract(const std::string& text, const std::string& pattern) {
        std::smatch m;
        if (!std::regex_search(text, m, std::regex(pattern))) return {};
        return m[1].str();
    }
    core::Result<LoginStep> LoginAnna(const std::string& password = kDemoPersonPassword) {
        LoginRequest r;
        r.login = kDemoAnnaEmail;
        r.password = password;
        r.client_address = kAddress;
        r.device = "test";
        return auth().Login(r);
    }
    std::string AnnaCode() { return Extract(LastMessageTo("+4520000001"), "([0-9]{6})"); }
    void Advance(std::chrono::milliseconds d) { app_->clock.Set(app_->clock.Now() + d); }

    std::unique_ptr<test::TestApp> app_;
};

TEST_P(AuthServiceTest, R_MEM_10_DemoMemberLogsInWithoutSecondStepAndCannotChangeItsPassword) {
    LoginRequest r{"33216744", "123456", "app", "phone", kAddress, ""};
    auto step = auth().Login(r);
    ASSERT_TRUE(IsOk(step));
    ASSERT_TRUE(step->session.has_value());
    EXPECT_EQ(step->session->method, "demo");
    EXPECT_TRUE(Fails(auth().StartReset("33216744", kAddress), ErrorCode::kRuleRefused, "R_MEM_10"));
    auto id = auth().Authenticate(step->session->token);
    ASSERT_TRUE(id.has_value());
    EXPECT_TRUE(Fails(auth().ChangePassword(id->principal.account_id, "123456", "a-new-password", ""),
                      ErrorCode::kRuleRefused, "R_MEM_10"));
}

TEST_P(AuthServiceTest, R_AUTH_4_CodeIsValidForFiveMinutes) {
    auto step = LoginAnna();
    ASSERT_TRUE(IsOk(step));
    EXPECT_EQ(step->channel, "sms");
    std::string code = AnnaCode();
    ASSERT_EQ(code.size(), 6u);
    Advance(5min - 1ms);
    EXPECT_TRUE(IsOk(auth().Verify(step->challenge, code, kAddress)));

    auto late = LoginAnna();
    ASSERT_TRUE(IsOk(late));
    std::string late_code = AnnaCode();
    Advance(5min);
    auto r = auth().Verify(late->challenge, late_code, kAddress);
    ASSERT_TRUE(Fails(r, ErrorCode::kUnauthenticated));
    EXPECT_NE(r.error().detail.find("expired"), std::string::npos) << r.error().detail;
}

TEST_P(AuthServiceTest, R_AUTH_4_FiveAttemptsThenANewCodeIsNeeded) {
    auto step = LoginAnna();
    ASSERT_TRUE(IsOk(step));
    std::string code = AnnaCode();
    std::string wrong = code == "111111" ? "222222" : "111111";
    for (int i = 0; i < 4; ++i)
        EXPECT_TRUE(Fails(auth().Verify(step->challenge, wrong, kAddress), ErrorCode::kUnauthenticated));
    EXPECT_TRUE(IsOk(auth().Verify(step->challenge, code, kAddress))) << "the 5th attempt may still be right";

    auto again = LoginAnna();
    ASSERT_TRUE(IsOk(again));
    code = AnnaCode();
    for (int i = 0; i < 5; ++i) (void)auth().Verify(again->challenge, wrong, kAddress);
    auto r = auth().Verify(again->challenge, code, kAddress);
    ASSERT_TRUE(Fails(r, ErrorCode::kUnauthenticated));
    EXPECT_NE(r.error().detail.find("new code"), std::string::npos) << r.error().detail;
}

TEST_P(AuthServiceTest, R_AUTH_4_ANewLoginReplacesTheOldCode) {
    auto first = LoginAnna();
    ASSERT_TRUE(IsOk(first));
    std::string first_code = AnnaCode();
    auto second = LoginAnna();
    ASSERT_TRUE(IsOk(second));
    EXPECT_TRUE(Fails(auth().Verify(first->challenge, first_code, kAddress), ErrorCode::kUnauthenticated));
    EXPECT_TRUE(IsOk(auth().Verify(second->challenge, AnnaCode(), kAddress)));
}

TEST_P(AuthServiceTest, R_AUTH_1_AccountLocksAfterFiveWrongPasswordsAndOpensAfterFifteenMinutes) {
    for (int i = 0; i < 5; ++i)
        EXPECT_TRUE(Fails(LoginAnna("wrong-password"), ErrorCode::kUnauthenticated)) << i;
    auto locked = LoginAnna();
    ASSERT_TRUE(Fails(locked, ErrorCode::kRateLimited));
    EXPECT_EQ(locked.error().retry_after_s, 900);
    Advance(15min - 1s);
    EXPECT_TRUE(Fails(LoginAnna(), ErrorCode::kRateLimited));
    Advance(1s);
    EXPECT_TRUE(IsOk(LoginAnna()));
}

TEST_P(AuthServiceTest, R_AUTH_1_FourWrongPasswordsDoNotLock) {
    for (int i = 0; i < 4; ++i) EXPECT_TRUE(Fails(LoginAnna("wrong-password"), ErrorCode::kUnauthenticated));
    EXPECT_TRUE(IsOk(LoginAnna()));
    // A successful password resets the count.
    for (int i = 0; i < 4; ++i) EXPECT_TRUE(Fails(LoginAnna("wrong-password"), ErrorCode::kUnauthenticated));
    EXPECT_TRUE(IsOk(LoginAnna()));
}

TEST_P(AuthServiceTest, OneClientAddressIsThrottledAcrossLogins) {
    AuthSettings settings = app_->config.auth;
    settings.address_failures = 3;
    AuthService strict(*app_->db, app_->clock, *app_->sealer, settings, app_->config.secret_key);
    for (int i = 0; i < 3; ++i) {
        LoginRequest r{
            "nobody" + std::to_string(i) + "@example.org", "whatever", "app", "", "198.51.100.7", ""};
        EXPECT_TRUE(Fails(strict.Login(r), ErrorCode::kUnauthenticated));
    }
    LoginRequest right{kDemoAnnaEmail, kDemoPersonPassword, "app", "", "198.51.100.7", ""};
    auto r = strict.Login(right);
    ASSERT_TRUE(Fails(r, ErrorCode::kRateLimited));
    EXPECT_GT(r.error().retry_after_s, 0);
    right.client_address = "198.51.100.8";  // another address is not affected
    EXPECT_TRUE(IsOk(strict.Login(right)));
}

TEST_P(AuthServiceTest, R_AUTH_2_ResetBySmsCodeWhenAMobileIsOnFileAndEveryOldSessionEnds) {
    auto step = LoginAnna();
    ASSERT_TRUE(IsOk(step));
    auto session = auth().Verify(step->challenge, AnnaCode(), kAddress);
    ASSERT_TRUE(IsOk(session));

    auto started = auth().StartReset(kDemoAnnaEmail, kAddress);
    ASSERT_TRUE(IsOk(started));
    EXPECT_EQ(started->channel, "sms");
    EXPECT_FALSE(started->challenge.empty());
    std::string code = AnnaCode();
    EXPECT_TRUE(
        Fails(auth().CompleteReset(started->challenge, code, "short", kAddress), ErrorCode::kInvalid));
    ASSERT_TRUE(IsOk(auth().CompleteReset(started->challenge, code, "a much better password", kAddress)));
    EXPECT_FALSE(auth().Authenticate(session->token).has_value()) << "a reset ends every session";
    EXPECT_TRUE(Fails(LoginAnna(), ErrorCode::kUnauthenticated));
    EXPECT_TRUE(IsOk(LoginAnna("a much better password")));
    EXPECT_TRUE(Fails(auth().CompleteReset(started->challenge, code, "yet another password", kAddress),
                      ErrorCode::kRuleRefused, "R_AUTH_2"))
        << "single use";
}

TEST_P(AuthServiceTest, R_AUTH_2_ResetByEmailLinkWhenNoMobileIsOnFile) {
    RegisterInput in;
    in.market = "dk";
    in.national_id = "0606901234";
    in.first_name = "Erik";
    in.last_name = "Mail";
    in.contact = {std::string("erik@example.org"), std::nullopt, "Vej 1", "5000", "Odense"};
    in.home_store_code = "dk-odense-1";
    in.share_paid_minor = app_->config.markets.at("dk").share_minor;
    ASSERT_TRUE(IsOk(app_->membership->Register(in, "test")));

    auto started = auth().StartReset("erik@example.org", kAddress);
    ASSERT_TRUE(IsOk(started));
    EXPECT_EQ(started->channel, "email");
    EXPECT_TRUE(started->challenge.empty()) << "the token travels only in the e-mail";
    std::string token = Extract(LastMessageTo("erik@example.org"), "token=(r\\.[0-9a-f]{64})");
    ASSERT_FALSE(token.empty());
    ASSERT_TRUE(IsOk(auth().CompleteReset(token, "", "erik's first password", kAddress)));
    // A member without a mobile gets the second step by e-mail.
    LoginRequest r{"erik@example.org", "erik's first password", "app", "", kAddress, ""};
    auto step = auth().Login(r);
    ASSERT_TRUE(IsOk(step));
    EXPECT_EQ(step->channel, "email");
}

TEST_P(AuthServiceTest, R_AUTH_2_UnknownLoginsGetTheSameAnswerAsAnEmailLink) {
    auto started = auth().StartReset("nobody@example.org", kAddress);
    ASSERT_TRUE(IsOk(started));
    EXPECT_EQ(started->channel, "email");
    EXPECT_TRUE(LastMessageTo("nobody@example.org").empty());
}

TEST_P(AuthServiceTest, R_OMB_2_WelcomeLinkIsValidTwentyFourHours) {
    auto created =
        auth().CreateStaffAccount("test", "Olga@Kommune.example", "Olga Orderer", kRoleOrderer, 1, "sv");
    ASSERT_TRUE(IsOk(created));
    std::string mail = LastMessageTo("olga@kommune.example");
    std::string token = Extract(mail, "token=(w\\.[0-9a-f]{64})");
    ASSERT_FALSE(token.empty()) << mail;
    Advance(24h);
    EXPECT_TRUE(Fails(auth().CompleteReset(token, "", "olga's password", kAddress), ErrorCode::kRuleRefused,
                      "R_OMB_2"));

    auto second =
        auth().CreateStaffAccount("test", "olle@kommune.example", "Olle Orderer", kRoleOrderer, 1, "sv");
    ASSERT_TRUE(IsOk(second));
    std::string token2 = Extract(LastMessageTo("olle@kommune.example"), "token=(w\\.[0-9a-f]{64})");
    Advance(24h - 1ms);
    ASSERT_TRUE(IsOk(auth().CompleteReset(token2, "", "olle's password", kAddress)));
    LoginRequest r{"olle@kommune.example", "olle's password", "web", "", kAddress, ""};
    auto step = auth().Login(r);
    ASSERT_TRUE(IsOk(step));
    EXPECT_EQ(step->channel, "email") << "a portal user's second step goes to the registered e-mail";
    EXPECT_TRUE(
        Fails(auth().CreateStaffAccount("test", "olle@kommune.example", "Again", kRoleOrderer, 1, "sv"),
              ErrorCode::kConflict));
}

TEST_P(AuthServiceTest, R_AUTH_3_StaffSendAResetLinkAndLiftALockWithoutSeeingAPassword) {
    for (int i = 0; i < 5; ++i) (void)LoginAnna("wrong-password");
    EXPECT_TRUE(Fails(LoginAnna(), ErrorCode::kRateLimited));
    std::string member_number;
    {
        auto c = app_->db->Read();
        store::AccountRepository repo(*c);
        member_number =
            *repo.FindMemberLogin(*repo.FindMemberIdByLogin({}, kDemoAnnaEmail, {}))->member_number;
    }
    ASSERT_TRUE(IsOk(auth().StaffUnlock("service_agent:session:x", member_number)));
    EXPECT_TRUE(IsOk(LoginAnna()));

    auto sent = auth().StaffSendReset("service_agent:session:x", member_number);
    ASSERT_TRUE(IsOk(sent));
    EXPECT_TRUE(sent->challenge.empty()) << "staff never hold what sets the password";
    EXPECT_EQ(sent->channel, "sms");
    std::string token = Extract(LastMessageTo("+4520000001"), "token=(r\\.[0-9a-f]{64})");
    ASSERT_FALSE(token.empty());
    ASSERT_TRUE(IsOk(auth().CompleteReset(token, "", "chosen by anna herself", kAddress)));

    auto c = app_->db->Read();
    auto audit = store::AccountRepository(*c).ListAudit(std::nullopt, 0, 100);
    ASSERT_EQ(audit.size(), 2u);
    EXPECT_EQ(audit[0].action, "unlock_login");
    EXPECT_EQ(audit[1].action, "send_password_reset");
    EXPECT_EQ(audit[1].actor, "service_agent:session:x");
    EXPECT_EQ(audit[1].subject_member_number, member_number);
    EXPECT_TRUE(Fails(auth().StaffSendReset("x", "33216744"), ErrorCode::kRuleRefused, "R_MEM_10"));
}

TEST_P(AuthServiceTest, R_AUTH_3_StaffHelpRecordsTheReasonGiven) {
    std::string member_number;
    {
        auto c = app_->db->Read();
        store::AccountRepository repo(*c);
        member_number =
            *repo.FindMemberLogin(*repo.FindMemberIdByLogin({}, kDemoAnnaEmail, {}))->member_number;
    }
    EXPECT_TRUE(Fails(auth().StaffUnlock("a", member_number, std::string(201, 'x')), ErrorCode::kMalformed));
    ASSERT_TRUE(IsOk(auth().StaffUnlock("a", member_number, "locked out on the phone")));
    ASSERT_TRUE(IsOk(auth().StaffSendReset("a", member_number, "forgot the password")));
    auto c = app_->db->Read();
    auto audit = store::AccountRepository(*c).ListAudit(std::nullopt, 0, 100);
    ASSERT_EQ(audit.size(), 2u);
    EXPECT_EQ(audit[0].detail, "reason=locked out on the phone");
    EXPECT_EQ(audit[1].detail, "channel=sms; reason=forgot the password");
}

TEST_P(AuthServiceTest, TotpAsTheSecondStepWithoutReplay) {
    auto step = LoginAnna();
    auto session = auth().Verify(step->challenge, AnnaCode(), kAddress);
    ASSERT_TRUE(IsOk(session));
    int64_t account = auth().Authenticate(session->token)->principal.account_id;
    auto enrol = auth().StartTotp(account);
    ASSERT_TRUE(IsOk(enrol));
    auto secret = Base32Decode(enrol->secret_base32);
    ASSERT_TRUE(secret.has_value());
    int64_t now_s = core::ToMillis(app_->clock.Now()) / 1000;
    EXPECT_TRUE(Fails(auth().ConfirmTotp(account, enrol->challenge, "000000"), ErrorCode::kInvalid));
    ASSERT_TRUE(IsOk(auth().ConfirmTotp(account, enrol->challenge, TotpCode(*secret, now_s))));

    Advance(30s);
    now_s += 30;
    auto totp_login = LoginAnna();
    ASSERT_TRUE(IsOk(totp_login));
    EXPECT_EQ(totp_login->channel, "totp") << "an enrolled authenticator app is the default second step";
    std::string code = TotpCode(*secret, now_s);
    auto s = auth().Verify(totp_login->challenge, code, kAddress);
    ASSERT_TRUE(IsOk(s));
    EXPECT_EQ(s->method, "password+totp");
    auto replay = LoginAnna();
    EXPECT_TRUE(Fails(auth().Verify(replay->challenge, code, kAddress), ErrorCode::kUnauthenticated))
        << "a TOTP code is accepted once";
    LoginRequest by_sms{kDemoAnnaEmail, kDemoPersonPassword, "app", "", kAddress, "sms"};
    auto sms = auth().Login(by_sms);
    ASSERT_TRUE(IsOk(sms));
    EXPECT_EQ(sms->channel, "sms") << "the member may still ask for the SMS code";
}

TEST_P(AuthServiceTest, R_HH_8_ATwoStepLoginIsRecordedOnTheMembership) {
    std::string member_number;
    auto read_new_login = [&] {
        auto c = app_->db->Read();
        return c
            ->QueryOne(
                "SELECT m.new_login_at FROM members m JOIN persons p ON p.id = m.person_id WHERE p.email = "
                "$1",
                {store::Text(kDemoNoraEmail)})
            ->OptInt(0);
    };
    EXPECT_FALSE(read_new_login().has_value());
    LoginRequest r{kDemoNoraEmail, kDemoPersonPassword, "app", "", kAddress, ""};
    auto step = auth().Login(r);
    ASSERT_TRUE(IsOk(step));
    EXPECT_FALSE(read_new_login().has_value()) << "the password alone is not the new login";
    std::string code = Extract(LastMessageTo("+4790000001"), "([0-9]{6})");
    ASSERT_TRUE(IsOk(auth().Verify(step->challenge, code, kAddress)));
    EXPECT_EQ(read_new_login(), core::ToMillis(app_->clock.Now()));
}

TEST_P(AuthServiceTest, R_PRIV_5_NoSecretIsStoredInClear) {
    std::vector<std::string> secrets = {kDemoPersonPassword, "a much better password", "123456"};
    auto step = LoginAnna();
    ASSERT_TRUE(IsOk(step));
    secrets.push_back(step->challenge);
    secrets.push_back(AnnaCode());
    auto session = auth().Verify(step->challenge, AnnaCode(), kAddress);
    ASSERT_TRUE(IsOk(session));
    secrets.push_back(session->token);
    secrets.push_back(session->csrf_token);
    auto reset = auth().StartReset(kDemoAnnaEmail, kAddress);
    ASSERT_TRUE(IsOk(reset));
    secrets.push_back(reset->challenge);
    secrets.push_back(AnnaCode());
    ASSERT_TRUE(IsOk(auth().CompleteReset(reset->challenge, AnnaCode(), "a much better password", kAddress)));
    auto again = LoginAnna("a much better password");
    ASSERT_TRUE(IsOk(again));
    auto second = auth().Verify(again->challenge, AnnaCode(), kAddress);
    ASSERT_TRUE(IsOk(second));
    auto enrol = auth().StartTotp(auth().Authenticate(second->token)->principal.account_id);
    ASSERT_TRUE(IsOk(enrol));
    secrets.push_back(enrol->secret_base32);
    secrets.push_back("0505901234");  // Anna's national id
    secrets.push_back(std::string(kDemoPersonPassword));

    auto c = app_->db->Read();
    std::vector<std::string> tables;
    if (c->engine() == store::Engine::kSqlite) {
        for (const auto& r : c->Query("SELECT name FROM sqlite_master WHERE type = 'table'"))
            tables.push_back(r.Text(0));
    } else {
        for (const auto& r : c->Query("SELECT table_name::text FROM information_schema.tables WHERE "
                                      "table_schema = current_schema()"))
            tables.push_back(r.Text(0));
    }
    ASSERT_GT(tables.size(), 10u);
    for (const auto& table : tables) {
        for (const auto& row : c->Query("SELECT * FROM " + table)) {
            for (size_t i = 0; i < row.size(); ++i) {
                auto cell = row.OptText(i);
                if (!cell) continue;
                // A longer number (a millisecond timestamp) may contain a 6-digit code by chance; a code
                // stored in clear would be text of its own length or inside text.
                const bool number = cell->find_first_not_of("0123456789") == std::string::npos;
                for (const auto& s : secrets)
                    if (s.size() >= 6 && s != "123456" && !(number && cell->size() != s.size())) {
                        EXPECT_EQ(cell->find(s), std::string::npos)
                            << table << " holds a secret in clear: " << s;
                    }
            }
        }
    }
}

TEST_P(AuthServiceTest, AStolenSessionCannotGuessTheCurrentPassword) {
    auto step = LoginAnna();
    auto session = auth().Verify(step->challenge, AnnaCode(), kAddress);
    ASSERT_TRUE(IsOk(session));
    int64_t account = auth().Authenticate(session->token)->principal.account_id;
    for (int i = 0; i < 5; ++i)
        EXPECT_TRUE(
            Fails(auth().ChangePassword(account, "guess-" + std::to_string(i), "new password here", ""),
                  ErrorCode::kInvalid));
    EXPECT_TRUE(Fails(auth().ChangePassword(account, kDemoPersonPassword, "new password here", ""),
                      ErrorCode::kRateLimited));
    EXPECT_TRUE(Fails(auth().RemoveTotp(account, kDemoPersonPassword), ErrorCode::kRateLimited));
    Advance(15min + 1ms);
    EXPECT_TRUE(Fails(auth().RemoveTotp(account, "wrong"), ErrorCode::kInvalid))
        << "removing TOTP needs the password";
    EXPECT_TRUE(IsOk(auth().RemoveTotp(account, kDemoPersonPassword)));
    EXPECT_TRUE(
        IsOk(auth().ChangePassword(account, kDemoPersonPassword, "new password here", session->public_id)));
    EXPECT_TRUE(auth().Authenticate(session->token).has_value()) << "the session that changed it stays";
}

TEST_P(AuthServiceTest, TheSessionCacheForgetsAtOnceOnThisNodeAndWithinItsTimeElsewhere) {
    AuthSettings settings = app_->config.auth;
    settings.session_cache_ms = 5'000;
    AuthService cached(*app_->db, app_->clock, *app_->sealer, settings, app_->config.secret_key);
    LoginRequest r{"33216744", "123456", "app", "", kAddress, ""};
    auto a = cached.Login(r);
    auto b = cached.Login(r);
    ASSERT_TRUE(IsOk(a));
    ASSERT_TRUE(IsOk(b));
    auto id = cached.Authenticate(a->session->token);
    ASSERT_TRUE(id.has_value());
    ASSERT_TRUE(cached.Authenticate(b->session->token).has_value());
    // Ended here: forgotten at once.
    ASSERT_TRUE(IsOk(cached.EndSession(id->principal.account_id, a->session->public_id)));
    EXPECT_FALSE(cached.Authenticate(a->session->token).has_value());
    // Ended by another node (here: straight in the database): trusted until the cache time has passed.
    ASSERT_TRUE(cached.Authenticate(b->session->token).has_value());
    (void)InTransaction(*app_->db, [&](store::Connection& c) -> core::Result<void> {
        store::AccountRepository(c).RevokeAllSessions(id->principal.account_id, "elsewhere", 0);
        return {};
    });
    Advance(5s - 1ms);
    EXPECT_TRUE(cached.Authenticate(b->session->token).has_value());
    Advance(1ms);
    EXPECT_FALSE(cached.Authenticate(b->session->token).has_value());
}

INSTANTIATE_TEST_SUITE_P(Engines, AuthServiceTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::app::auth
