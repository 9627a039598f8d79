// A member changes their e-mail or mobile number (issue 8 §1), on My pages and over the API: nothing changes
// until the code sent to the NEW address comes back; the old address is told; the code is valid 15 minutes
// and 5 tries; at most 5 requests a day; the demo member's data stays (R_MEM_10). On SQLite and PostgreSQL.
#include "app/membership/contact_change.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <regex>

#include "app/demo/generator.hpp"
#include "http/test_app.hpp"
#include "notify/outbox.hpp"
#include "test_support.hpp"
#include "web/browser.hpp"
#include "web/web.hpp"

namespace andel::web {
namespace {

using namespace std::chrono_literals;

class ContactChangeTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        app::SeedDemoHouseholdLogins(*app_->db, *app_->auth, app_->config.markets,
                                     app_->config.national_id_key, app_->clock);
        AddWebRoutes(*app_->router, *app_->services);
    }
    // The newest message to `to` and its template, or empty.
    std::pair<std::string, std::string> LastMessageTo(const std::string& to) {
        auto c = app_->db->Read();
        auto items = notify::ListOutbox(*c, *app_->sealer, 0, 1, to);
        if (items.empty()) return {};
        return {items.front().template_key, items.front().body};
    }
    std::string CodeIn(const std::string& body) {
        std::smatch m;
        return std::regex_search(body, m, std::regex("([0-9]{6})")) ? m[1].str() : std::string();
    }
    Browser LogIn(const std::string& login, const std::string& phone) {
        Browser b(*app_->router);
        auto step = b.Post("/login", {{"login", login}, {"password", app::kDemoPersonPassword}});
        EXPECT_EQ(step.status, 200) << step.body;
        std::smatch m;
        std::regex_search(step.body, m, std::regex("name=\"challenge\" value=\"([^\"]+)\""));
        auto done = b.Post("/login/verify",
                           {{"challenge", m[1].str()}, {"code", CodeIn(LastMessageTo(phone).second)}});
        EXPECT_EQ(done.status, 303) << done.body;
        return b;
    }
    std::string ChallengeOf(const std::string& body) {
        std::smatch m;
        std::regex_search(body, m, std::regex("name=\"challenge\" value=\"([^\"]+)\""));
        return m[1].str();
    }
    std::string EmailOf(const std::string& phone) {
        auto c = app_->db->Read();
        auto r = c->QueryOne("SELECT email FROM persons WHERE phone = $1", {store::Text(phone)});
        return r && !r->IsNull(0) ? r->Text(0) : std::string();
    }
    int64_t MemberIdOf(const std::string& email) {
        auto c = app_->db->Read();
        return c
            ->QueryOne("SELECT m.id FROM members m JOIN persons p ON p.id = m.person_id WHERE p.email = $1",
                       {store::Text(email)})
            ->Int(0);
    }
    std::unique_ptr<test::TestApp> app_;
};

// The whole road on the page: ask, get the code at the new address, confirm; then the new address is the
// login and the old one is not.
TEST_P(ContactChangeTest, AMemberChangesTheirEmailWithACodeSentToTheNewAddress) {
    Browser anna = LogIn(app::kDemoAnnaEmail, "+4520000001");
    auto details = anna.Get("/my/details");
    ASSERT_EQ(details.status, 200);
    EXPECT_TRUE(Contains(details.body, "action=\"/my/details/contact\""));
    std::string csrf = CsrfOf(details.body);
    auto asked = anna.Post("/my/details/contact",
                           {{"csrf_token", csrf}, {"channel", "email"}, {"value", "  Anna.Ny@Example.ORG "}});
    ASSERT_EQ(asked.status, 200) << asked.body;
    EXPECT_TRUE(Contains(asked.body, "a\u2022\u2022\u2022@example.org")) << "the new address, masked";
    EXPECT_EQ(EmailOf("+4520000001"), app::kDemoAnnaEmail) << "nothing changes before the code";
    auto [key, body] = LastMessageTo("anna.ny@example.org");
    EXPECT_EQ(key, "contact_change_code");
    std::string code = CodeIn(body);
    ASSERT_EQ(code.size(), 6u);

    auto confirmed =
        anna.Post("/my/details/contact/confirm", {{"csrf_token", csrf},
                                                  {"challenge", ChallengeOf(asked.body)},
                                                  {"channel", "email"},
                                                  {"code", code.substr(0, 3) + " " + code.substr(3)}});
    ASSERT_EQ(confirmed.status, 303) << confirmed.body;
    EXPECT_EQ(confirmed.Header("Location"), "/my/details?done=email");
    EXPECT_EQ(EmailOf("+4520000001"), "anna.ny@example.org");
    EXPECT_EQ(LastMessageTo(app::kDemoAnnaEmail).first, "contact_changed_notice")
        << "the old address is told";
    EXPECT_TRUE(Contains(anna.Get("/my/details?done=email").body, "role=\"status\""));

    Browser fresh(*app_->router);
    EXPECT_EQ(fresh.Post("/login", {{"login", "anna.ny@example.org"}, {"password", app::kDemoPersonPassword}})
                  .status,
              200);
    EXPECT_EQ(
        fresh.Post("/login", {{"login", app::kDemoAnnaEmail}, {"password", app::kDemoPersonPassword}}).status,
        401);
    // The audit trail says what changed, not the value.
    auto c = app_->db->Read();
    auto ev = c->QueryOne("SELECT detail FROM member_events WHERE kind = 'contact_changed' ORDER BY id DESC");
    ASSERT_TRUE(ev);
    EXPECT_TRUE(Contains(ev->Text(0), "email"));
    EXPECT_FALSE(Contains(ev->Text(0), "anna.ny"));
}

// Five tries: four wrong codes and the right one works; five wrong codes and even the right one is refused.
TEST_P(ContactChangeTest, TheCodeHasFiveTries) {
    int64_t anna = MemberIdOf(app::kDemoAnnaEmail);
    app::ContactChanges changes(*app_->db, app_->clock, *app_->sealer, *app_->auth);
    for (int wrong : {4, 5}) {
        std::string phone = wrong == 4 ? "+4520009994" : "+4520009995";
        auto started = changes.Start(anna, "phone", phone, "da");
        ASSERT_TRUE(started.ok()) << started.error().detail;
        std::string code = CodeIn(LastMessageTo(phone).second);
        std::string bad = code == "000000" ? "111111" : "000000";
        for (int i = 0; i < wrong; ++i) {
            auto r = changes.Confirm(anna, started->challenge, bad, "da", "member:test");
            ASSERT_FALSE(r.ok());
            EXPECT_EQ(r.error().field, "code");
        }
        auto last = changes.Confirm(anna, started->challenge, code, "da", "member:test");
        EXPECT_EQ(last.ok(), wrong == 4) << wrong;
    }
    auto c = app_->db->Read();
    EXPECT_EQ(c->QueryOne("SELECT phone FROM persons WHERE email = $1", {store::Text(app::kDemoAnnaEmail)})
                  ->Text(0),
              "+4520009994");
}

// Valid 15 minutes: a millisecond before works, at 15 minutes it has expired.
TEST_P(ContactChangeTest, TheCodeIsValidFifteenMinutes) {
    int64_t anna = MemberIdOf(app::kDemoAnnaEmail);
    app::ContactChanges changes(*app_->db, app_->clock, *app_->sealer, *app_->auth);
    auto start = app_->clock.Now();
    auto late = changes.Start(anna, "email", "late@example.org", "da");
    ASSERT_TRUE(late.ok());
    std::string late_code = CodeIn(LastMessageTo("late@example.org").second);
    app_->clock.Set(start + 15min);
    auto refused = changes.Confirm(anna, late->challenge, late_code, "da", "member:test");
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().field, "code");

    auto in_time = changes.Start(anna, "email", "in.time@example.org", "da");
    ASSERT_TRUE(in_time.ok());
    std::string code = CodeIn(LastMessageTo("in.time@example.org").second);
    app_->clock.Set(start + 30min - 1ms);
    EXPECT_TRUE(changes.Confirm(anna, in_time->challenge, code, "da", "member:test").ok());
}

// A new request replaces the pending one; the old challenge is gone (404 on the page, with a message).
TEST_P(ContactChangeTest, ANewRequestReplacesThePendingOne) {
    Browser anna = LogIn(app::kDemoAnnaEmail, "+4520000001");
    std::string csrf = CsrfOf(anna.Get("/my/details").body);
    auto first = anna.Post("/my/details/contact",
                           {{"csrf_token", csrf}, {"channel", "phone"}, {"value", "+45 20 11 22 33"}});
    ASSERT_EQ(first.status, 200) << first.body;
    std::string first_code = CodeIn(LastMessageTo("+4520112233").second);
    auto second = anna.Post("/my/details/contact",
                            {{"csrf_token", csrf}, {"channel", "phone"}, {"value", "+4520112244"}});
    ASSERT_EQ(second.status, 200);
    auto old = anna.Post("/my/details/contact/confirm", {{"csrf_token", csrf},
                                                         {"challenge", ChallengeOf(first.body)},
                                                         {"channel", "phone"},
                                                         {"code", first_code}});
    EXPECT_EQ(old.status, 404);
    EXPECT_TRUE(Contains(old.body, "role=\"alert\""));
    auto wrong = anna.Post("/my/details/contact/confirm", {{"csrf_token", csrf},
                                                           {"challenge", ChallengeOf(second.body)},
                                                           {"channel", "phone"},
                                                           {"code", "12"}});
    EXPECT_EQ(wrong.status, 422);
    EXPECT_TRUE(Contains(wrong.body, "aria-invalid=\"true\""));
    EXPECT_TRUE(Contains(wrong.body, "id=\"code-error\""));
    EXPECT_EQ(ChallengeOf(wrong.body), ChallengeOf(second.body)) << "the page keeps the pending change";
}

// Refused before any code is sent: not an address, the current one, another membership's, the 6th request
// of the day; each with its sentence next to the field.
TEST_P(ContactChangeTest, RefusesBadAddressesAndMoreThanFiveADay) {
    Browser anna = LogIn(app::kDemoAnnaEmail, "+4520000001");
    std::string csrf = CsrfOf(anna.Get("/my/details").body);
    auto post = [&](const std::string& channel, const std::string& value) {
        return anna.Post("/my/details/contact",
                         {{"csrf_token", csrf}, {"channel", channel}, {"value", value}});
    };
    for (const std::string bad : {"anna", "anna@", "@example.org", "a b@example.org", "anna@example"}) {
        auto r = post("email", bad);
        EXPECT_EQ(r.status, 422) << bad;
        EXPECT_TRUE(Contains(r.body, "id=\"new-email-error\"")) << bad;
    }
    EXPECT_EQ(post("email", app::kDemoAnnaEmail).status, 422) << "the current address";
    for (const std::string bad : {"20000001", "+45", "+45 abc 123", "+1234567890123456"}) {
        auto r = post("phone", bad);
        EXPECT_EQ(r.status, 422) << bad;
        EXPECT_TRUE(Contains(r.body, "id=\"new-phone-error\"")) << bad;
    }
    auto taken = post("email", app::kDemoSvenEmail);
    EXPECT_EQ(taken.status, 409);
    EXPECT_TRUE(Contains(taken.body, "id=\"new-email-error\""));
    EXPECT_EQ(post("email", "bad\xC3\x28@example.org").status, 422);
    EXPECT_EQ(post("fax", "+4520000002").status, 400);
    for (int i = 1; i <= 5; ++i)
        EXPECT_EQ(post("email", "n" + std::to_string(i) + "@example.org").status, 200) << i;
    auto sixth = post("email", "n6@example.org");
    EXPECT_EQ(sixth.status, 429);
    EXPECT_TRUE(Contains(sixth.body, "id=\"new-email-error\""));
    EXPECT_TRUE(LastMessageTo("n6@example.org").first.empty());
    app_->clock.Set(app_->clock.Now() + 24h);  // the page session has ended by now: log in again
    anna.cookies = LogIn(app::kDemoAnnaEmail, "+4520000001").cookies;
    csrf = CsrfOf(anna.Get("/my/details").body);
    EXPECT_EQ(post("email", "n7@example.org").status, 200) << "a day later";
}

// The demo member's data stays (R_MEM_10): no form on the page, and the API refuses.
TEST_P(ContactChangeTest, R_MEM_10_TheDemoMembersContactStays) {
    Browser demo(*app_->router);
    ASSERT_EQ(demo.Post("/login", {{"login", app::kDemoMemberNumber}, {"password", app::kDemoMemberPassword}})
                  .status,
              303);
    auto page = demo.Get("/my/details");
    ASSERT_EQ(page.status, 200);
    EXPECT_FALSE(Contains(page.body, "action=\"/my/details/contact\""));
    int64_t demo_id;
    {
        auto c = app_->db->Read();
        demo_id = c->QueryOne("SELECT id FROM members WHERE member_number = $1",
                              {store::Text(app::kDemoMemberNumber)})
                      ->Int(0);
    }
    std::string token = app_->MemberSession(demo_id);
    auto [status, body] = app_->Call("POST", "/api/v1/me/contact-changes",
                                     {{"channel", "email"}, {"value", "demo.new@example.org"}}, token);
    EXPECT_EQ(status, 422);
    EXPECT_EQ(body.value("rule", ""), "R_MEM_10");
}

// The same over the API: 202 with the masked address, then 200 with the new values.
TEST_P(ContactChangeTest, TheApiChangesTheMobileNumber) {
    int64_t anna = MemberIdOf(app::kDemoAnnaEmail);
    std::string token = app_->MemberSession(anna);
    auto [status, started] = app_->Call("POST", "/api/v1/me/contact-changes",
                                        {{"channel", "phone"}, {"value", "+45 20 99 88 77"}}, token);
    ASSERT_EQ(status, 202) << started.dump();
    EXPECT_EQ(started["channel"], "phone");
    EXPECT_TRUE(Contains(started["destination_hint"].get<std::string>(), "77"));
    std::string code = CodeIn(LastMessageTo("+4520998877").second);
    auto [bad_status, bad] = app_->Call("POST", "/api/v1/me/contact-changes/confirm",
                                        {{"challenge", started["challenge"]}, {"code", "999999x"}}, token);
    EXPECT_EQ(bad_status, 422);
    auto [ok_status, done] = app_->Call("POST", "/api/v1/me/contact-changes/confirm",
                                        {{"challenge", started["challenge"]}, {"code", code}}, token);
    ASSERT_EQ(ok_status, 200) << done.dump();
    EXPECT_EQ(done["phone"], "+4520998877");
    EXPECT_EQ(done["email"], app::kDemoAnnaEmail);
    EXPECT_EQ(LastMessageTo("+4520000001").first, "contact_changed_notice");
    // A finished change cannot be confirmed again.
    auto [again_status, again] = app_->Call("POST", "/api/v1/me/contact-changes/confirm",
                                            {{"challenge", started["challenge"]}, {"code", code}}, token);
    EXPECT_EQ(again_status, 404);
}

INSTANTIATE_TEST_SUITE_P(Engines, ContactChangeTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::web
