// BankID login (R_AUTH_4) end to end through the test OpenID provider on 127.0.0.1
// (tests/support/oidc_provider.hpp), on SQLite and PostgreSQL over the demo dataset.
#include "app/auth/bankid_login.hpp"

#include <gtest/gtest.h>

#include "app/service_test_support.hpp"
#include "http/test_app.hpp"
#include "support/oidc_provider.hpp"
#include "test_support.hpp"

namespace andel::app::auth {
namespace {

using core::ErrorCode;
using test::Fails;
using test::IsOk;

constexpr const char* kRedirect = "http://127.0.0.1:8080/api/v1/auth/bankid/callback";
constexpr const char* kNora = "15038510190";  // the demo's NO member (app/demo/generator.hpp)

class BankIdLoginTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        idp_ = std::make_unique<test::TestOidcProvider>("andel", "andel-secret", kRedirect);
        idp_->SetNow(core::ToMillis(app_->clock.Now()) / 1000);
        login_ =
            std::make_unique<BankIdLogin>(*app_->db, app_->clock, *app_->auth,
                                          OidcSettings{idp_->issuer(), "andel", "andel-secret", kRedirect},
                                          app_->config.secret_key, app_->config.national_id_key);
    }
    // Starts a flow and lets the provider identify the current user; returns {code, state}.
    std::pair<std::string, std::string> Identify(const std::string& kind = "app") {
        auto started = login_->Start(kind, "Nora's phone");
        EXPECT_TRUE(IsOk(started));
        auto redirect = idp_->Authorize(started->authorization_url);
        EXPECT_EQ(redirect.status, 302) << redirect.body;
        return {test::QueryParameter(redirect.location, "code").value_or(""),
                test::QueryParameter(redirect.location, "state").value_or("")};
    }

    std::unique_ptr<test::TestApp> app_;
    std::unique_ptr<test::TestOidcProvider> idp_;
    std::unique_ptr<BankIdLogin> login_;
};

TEST_P(BankIdLoginTest, R_AUTH_4_AMemberLogsInWithBankIdInsteadOfPasswordAndCode) {
    idp_->SetNextUser("bankid-nora", kNora, "Nora Nordmann");
    auto [code, state] = Identify();
    ASSERT_FALSE(code.empty());
    auto session = login_->Complete(code, state);
    ASSERT_TRUE(IsOk(session));
    EXPECT_EQ(session->method, "bankid");
    auto id = app_->auth->Authenticate(session->token);
    ASSERT_TRUE(id.has_value());
    EXPECT_EQ(id->principal.market, "no");
    // R_HH_8 / R_AUTH_7: BankID counts as the new login.
    auto c = app_->db->Read();
    auto row =
        c->QueryOne("SELECT new_login_at FROM members WHERE id = $1", {store::Int(*id->principal.member_id)});
    EXPECT_EQ(row->OptInt(0), core::ToMillis(app_->clock.Now()));
}

TEST_P(BankIdLoginTest, TheStateIsSingleUse) {
    idp_->SetNextUser("bankid-nora", kNora, "Nora Nordmann");
    auto [code, state] = Identify();
    ASSERT_TRUE(IsOk(login_->Complete(code, state)));
    EXPECT_TRUE(Fails(login_->Complete(code, state), ErrorCode::kUnauthenticated));
    EXPECT_TRUE(Fails(login_->Complete(code, "an-unknown-state"), ErrorCode::kUnauthenticated));
}

TEST_P(BankIdLoginTest, AFlowExpiresAfterTenMinutes) {
    idp_->SetNextUser("bankid-nora", kNora, "Nora Nordmann");
    auto [code, state] = Identify();
    app_->clock.Set(app_->clock.Now() + std::chrono::milliseconds(BankIdLogin::kFlowMs));
    EXPECT_TRUE(Fails(login_->Complete(code, state), ErrorCode::kUnauthenticated));
}

TEST_P(BankIdLoginTest, APersonWithoutMembershipIsToldToJoin) {
    idp_->SetNextUser("bankid-ola", "01017012345", "Ola Ukjent");
    auto [code, state] = Identify();
    auto r = login_->Complete(code, state);
    ASSERT_TRUE(Fails(r, ErrorCode::kForbidden));
    EXPECT_NE(r.error().detail.find("become a member"), std::string::npos);
}

TEST_P(BankIdLoginTest, ATamperedIdTokenOpensNoSession) {
    idp_->SetNextUser("bankid-nora", kNora, "Nora Nordmann");
    for (auto tamper :
         {test::TestOidcProvider::Tamper::WrongKey, test::TestOidcProvider::Tamper::WrongNonce,
          test::TestOidcProvider::Tamper::WrongAudience, test::TestOidcProvider::Tamper::Expired}) {
        idp_->SetTamper(tamper);
        auto [code, state] = Identify();
        EXPECT_TRUE(Fails(login_->Complete(code, state), ErrorCode::kUnauthenticated))
            << static_cast<int>(tamper);
    }
}

TEST_P(BankIdLoginTest, AnUnreachableIssuerIsUnavailableNotACrash) {
    BankIdLogin broken(*app_->db, app_->clock, *app_->auth,
                       OidcSettings{"http://127.0.0.1:1", "andel", "andel-secret", kRedirect},
                       app_->config.secret_key, app_->config.national_id_key);
    EXPECT_TRUE(Fails(broken.Start("app", ""), ErrorCode::kUnavailable));
}

INSTANTIATE_TEST_SUITE_P(Engines, BankIdLoginTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::app::auth
