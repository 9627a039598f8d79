// The back office as staff use it in a browser (issue 8 §2): staff log in with the second step, find a
// member by each kind of search, and act with a reason that is recorded (login help, contact data and home
// store, the household, cards, moving and ending); what the services refuse is said next to the input or in
// the rule's words; roles limit what each sees and does; a member's session and a forged form get nothing.
// Every recorded code reads as a sentence. On SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "app/demo/generator.hpp"
#include "core/membership/numbers.hpp"
#include "http/test_app.hpp"
#include "notify/outbox.hpp"
#include "store/access/account_repository.hpp"
#include "test_support.hpp"
#include "web/browser.hpp"
#include "web/i18n.hpp"
#include "web/web.hpp"

namespace andel::web {
namespace {

// A Swedish personnummer (12 digits) born on `date` (YYYYMMDD) with serial `n`, its Luhn digit computed.
std::string Personnummer(const std::string& date, int n) {
    char serial[16];
    std::snprintf(serial, sizeof serial, "%03d", n % 1000);
    std::string body = date.substr(2) + serial;  // YYMMDD + 3 digits
    int sum = 0;
    for (size_t i = 0; i < body.size(); ++i) {
        int d = (body[i] - '0') * (i % 2 == 0 ? 2 : 1);
        sum += d > 9 ? d - 9 : d;
    }
    return date + serial + std::to_string((10 - sum % 10) % 10);
}

class BackOfficeTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        AddWebRoutes(*app_->router, *app_->services);
        auto c = app_->db->Read();
        auto row = c->QueryOne(
            "SELECT m.id, m.member_number FROM members m JOIN persons p ON p.id = m.person_id "
            "WHERE p.email = $1",
            {store::Text(app::kDemoAnnaEmail)});
        anna_id_ = row->Int(0);
        anna_ = row->Text(1);
        card_ = c->QueryOne("SELECT card_number FROM cards WHERE member_id = $1 AND status = 'active'",
                            {store::Int(anna_id_)})
                    ->Text(0);
    }
    std::string LastMessageTo(const std::string& to) {
        auto c = app_->db->Read();
        auto items = notify::ListOutbox(*c, *app_->sealer, 0, 1, to);
        return items.empty() ? std::string() : items.front().body;
    }
    // Staff log in through the same form as members: e-mail and password, then the code sent by e-mail.
    Browser Staff(const std::string& email) {
        Browser b(*app_->router);
        b.accept_language = "en";
        auto step = b.Post("/login", {{"login", email}, {"password", app::kDemoStaffPassword}});
        EXPECT_EQ(step.status, 200) << step.body;
        std::smatch m;
        EXPECT_TRUE(std::regex_search(step.body, m, std::regex("name=\"challenge\" value=\"([^\"]+)\"")));
        std::string challenge = m[1].str();
        std::string mail = LastMessageTo(email);
        std::smatch code;
        EXPECT_TRUE(std::regex_search(mail, code, std::regex("([0-9]{6})"))) << mail;
        auto done = b.Post("/login/verify", {{"challenge", challenge}, {"code", code[1].str()}});
        EXPECT_EQ(done.status, 303) << done.body;
        EXPECT_EQ(b.Get("/").Header("Location"), "/back-office") << "staff start in the back office";
        return b;
    }
    Browser Agent() { return Staff(app::kDemoAgentEmail); }
    Browser Admin() { return Staff(app::kDemoAdminEmail); }
    std::string MemberPath() const { return "/back-office/members/" + anna_; }
    std::vector<store::AuditRecord> Audit() {
        auto c = app_->db->Read();
        return store::AccountRepository(*c).ListAudit(anna_id_, 0, 100);
    }
    std::string CardStatus() {
        auto c = app_->db->Read();
        return c->QueryOne("SELECT status FROM cards WHERE card_number = $1", {store::Text(card_)})->Text(0);
    }
    std::string MemberStatus() {
        auto c = app_->db->Read();
        return c->QueryOne("SELECT status FROM members WHERE id = $1", {store::Int(anna_id_)})->Text(0);
    }
    // One text value of a query, or "" when there is no row (or it is NULL).
    std::string Value(const std::string& sql, std::vector<store::Value> params) {
        auto c = app_->db->Read();
        auto row = c->QueryOne(sql, params);
        return row ? row->OptText(0).value_or("") : std::string();
    }
    int64_t Count(const std::string& sql, std::vector<store::Value> params) {
        auto c = app_->db->Read();
        return c->QueryOne(sql, params)->Int(0);
    }
    int64_t Events() {
        return Count("SELECT COUNT(*) FROM member_events WHERE member_id = $1", {store::Int(anna_id_)});
    }
    std::string LastEventDetail(const std::string& kind) {
        return Value("SELECT detail FROM member_events WHERE member_id = $1 AND kind = $2 ORDER BY id DESC",
                     {store::Int(anna_id_), store::Text(kind)});
    }
    std::unique_ptr<test::TestApp> app_;
    int64_t anna_id_ = 0;
    std::string anna_, card_;
};

TEST_P(BackOfficeTest, StaffFindAMemberByNumberCardPhoneEmailOrName) {
    Browser b = Agent();
    auto start = b.Get("/back-office");
    ASSERT_EQ(start.status, 200) << start.body;
    EXPECT_TRUE(Contains(start.body, "role=\"search\""));
    EXPECT_TRUE(Contains(start.body, "action=\"/back-office/logout\"")) << "the back office's own log out";
    EXPECT_FALSE(Contains(start.body, "href=\"/my\"")) << "no member navigation for staff";
    const std::string link = "href=\"" + MemberPath() + "\"";
    for (std::string q :
         {anna_, card_, std::string("+45 20 00 00 01"), std::string("+4520000001"),
          std::string("ANNA@example.org"), std::string("Jensen Anna"), std::string("Anna Jensen")}) {
        auto found = b.Get("/back-office?q=" + http::PercentEncode(q));
        EXPECT_EQ(found.status, 200) << q;
        EXPECT_TRUE(Contains(found.body, link)) << "not found by " << q;
    }
    // A common name: 20 a page, and the next page after the last one shown.
    auto many = b.Get("/back-office?q=jensen");
    EXPECT_TRUE(Contains(many.body, "20 found")) << many.body;
    std::smatch next;
    ASSERT_TRUE(std::regex_search(many.body, next,
                                  std::regex("href=\"(/back-office\\?q=jensen&amp;after=[0-9]+)\"")));
    std::string more = std::regex_replace(next[1].str(), std::regex("&amp;"), "&");
    auto second = b.Get(more);
    EXPECT_EQ(second.status, 200);
    EXPECT_TRUE(Contains(second.body, "found"));
    auto nobody = b.Get("/back-office?q=nobody-by-that-name");
    EXPECT_EQ(nobody.status, 200);
    EXPECT_TRUE(Contains(nobody.body, "0 found"));
    auto short_query = b.Get("/back-office?q=x");
    EXPECT_EQ(short_query.status, 400);
    EXPECT_TRUE(Contains(short_query.body, "aria-invalid=\"true\""));

    auto member = b.Get(MemberPath());
    ASSERT_EQ(member.status, 200) << member.body;
    EXPECT_TRUE(Contains(member.body, "Anna Jensen"));
    EXPECT_TRUE(Contains(member.body, card_));
    EXPECT_TRUE(Contains(member.body, "+4520000001"));
    EXPECT_FALSE(Contains(member.body, "{{"));
    EXPECT_EQ(b.Get("/back-office/members/12345678").status, 404) << "not a valid member number";
    EXPECT_EQ(b.Get("/back-office/members/" + std::string(app::kDemoMemberNumber)).status, 200);
}

TEST_P(BackOfficeTest, EachRoleSeesWhatTheApiShowsIt) {
    Browser agent = Agent();
    auto seen = agent.Get(MemberPath()).body;
    EXPECT_TRUE(Contains(seen, "action=\"" + MemberPath() + "/login-help/reset\""));
    EXPECT_TRUE(Contains(seen, "action=\"" + MemberPath() + "/login-help/unlock\""));
    EXPECT_TRUE(Contains(seen, "id=\"consents-heading\""));
    EXPECT_FALSE(Contains(seen, "/block\"")) << "blocking a card is the back office's";
    EXPECT_FALSE(Contains(seen, "/replace\""));
    EXPECT_FALSE(Contains(seen, "action=\"" + MemberPath() + "/cards\""));
    EXPECT_FALSE(Contains(seen, "/contact\"")) << "so is changing contact data";
    EXPECT_FALSE(Contains(seen, "/home-store\""));
    EXPECT_FALSE(Contains(seen, "/household/")) << "and the household";
    EXPECT_FALSE(Contains(seen, "/cooperative-move\""));
    EXPECT_FALSE(Contains(seen, "/ending\""));
    EXPECT_FALSE(Contains(seen, "id=\"balance-heading\"")) << "balances are the back office's";
    EXPECT_FALSE(Contains(seen, "id=\"audit-heading\"")) << "the audit log is the admin's";

    Browser admin = Admin();
    auto all = admin.Get(MemberPath()).body;
    EXPECT_TRUE(Contains(all, "action=\"" + MemberPath() + "/cards/" + card_ + "/block\""));
    EXPECT_TRUE(Contains(all, "action=\"" + MemberPath() + "/cards/" + card_ + "/replace\""));
    EXPECT_TRUE(Contains(all, "action=\"" + MemberPath() + "/cards\""));
    EXPECT_TRUE(Contains(all, "action=\"" + MemberPath() + "/contact\""));
    EXPECT_TRUE(Contains(all, "action=\"" + MemberPath() + "/home-store\""));
    EXPECT_TRUE(Contains(all, "action=\"" + MemberPath() + "/cooperative-move\""));
    EXPECT_TRUE(Contains(all, "action=\"" + MemberPath() + "/ending\""));
    EXPECT_TRUE(Contains(all, "id=\"balance-heading\""));
    EXPECT_TRUE(Contains(all, "id=\"audit-heading\""));
    EXPECT_TRUE(Contains(all, "action=\"" + MemberPath() + "/login-help/reset\""));
}

TEST_P(BackOfficeTest, AnActionNeedsAReasonAndRecordsIt_R_AUTH_3) {
    Browser b = Agent();
    const std::string sms_before = LastMessageTo("+4520000001");
    std::string csrf = CsrfOf(b.Get(MemberPath()).body);
    ASSERT_FALSE(csrf.empty());
    auto missing = b.Post(MemberPath() + "/login-help/reset", {{"csrf_token", csrf}, {"reason", "   "}});
    EXPECT_EQ(missing.status, 400);
    EXPECT_TRUE(Contains(missing.body, "id=\"reason-reset-error\" role=\"alert\"")) << missing.body;
    EXPECT_TRUE(Contains(missing.body, "aria-invalid=\"true\""));
    auto too_long =
        b.Post(MemberPath() + "/login-help/reset", {{"csrf_token", csrf}, {"reason", std::string(201, 'x')}});
    EXPECT_EQ(too_long.status, 400);
    EXPECT_EQ(LastMessageTo("+4520000001"), sms_before);
    EXPECT_TRUE(Audit().empty()) << "nothing is done without a reason";

    auto sent =
        b.Post(MemberPath() + "/login-help/reset", {{"csrf_token", csrf}, {"reason", "forgot her password"}});
    ASSERT_EQ(sent.status, 303) << sent.body;
    EXPECT_EQ(sent.Header("Location"), MemberPath() + "?done=reset-sms");
    auto after = b.Get(sent.Header("Location"));
    EXPECT_TRUE(Contains(after.body, "role=\"status\">A link to choose a new password was sent by SMS."));
    EXPECT_TRUE(Contains(LastMessageTo("+4520000001"), "/reset-password?token=r."));
    auto unlocked =
        b.Post(MemberPath() + "/login-help/unlock", {{"csrf_token", csrf}, {"reason", "locked out"}});
    EXPECT_EQ(unlocked.status, 303);

    auto audit = Audit();
    ASSERT_EQ(audit.size(), 2u);
    EXPECT_EQ(audit[0].action, "send_password_reset");
    EXPECT_EQ(audit[0].detail, "channel=sms; reason=forgot her password");
    EXPECT_TRUE(audit[0].actor.starts_with("service_agent:session:")) << audit[0].actor;
    EXPECT_EQ(audit[1].action, "unlock_login");
    EXPECT_EQ(audit[1].detail, "reason=locked out");

    // The back office blocks a card with the reason as the card's status reason, shown on the page.
    Browser admin = Admin();
    std::string admin_csrf = CsrfOf(admin.Get(MemberPath()).body);
    auto no_reason = admin.Post(MemberPath() + "/cards/" + card_ + "/block", {{"csrf_token", admin_csrf}});
    EXPECT_EQ(no_reason.status, 400);
    EXPECT_TRUE(Contains(no_reason.body, "id=\"reason-block-" + card_ + "-error\""));
    EXPECT_EQ(CardStatus(), "active");
    auto blocked = admin.Post(MemberPath() + "/cards/" + card_ + "/block",
                              {{"csrf_token", admin_csrf}, {"reason", "reported lost by phone"}});
    ASSERT_EQ(blocked.status, 303) << blocked.body;
    EXPECT_EQ(CardStatus(), "blocked");
    auto page = admin.Get(blocked.Header("Location")).body;
    EXPECT_TRUE(Contains(page, "reported lost by phone"));
    EXPECT_TRUE(Contains(page, "send_password_reset")) << "the admin sees the audit trail";
    EXPECT_TRUE(Contains(page, "card_blocked")) << "and the membership's events";
    EXPECT_EQ(admin
                  .Post(MemberPath() + "/cards/" + card_ + "/block",
                        {{"csrf_token", admin_csrf}, {"reason", "again"}})
                  .status,
              409)
        << "a blocked card has no block button; posting anyway is refused";
    EXPECT_EQ(
        admin.Post(MemberPath() + "/cards/1234/block", {{"csrf_token", admin_csrf}, {"reason", "x"}}).status,
        404);
}

TEST_P(BackOfficeTest, TheBackOfficeMovesAndEndsAMembershipWithAReason_R_MEM_8_R_LIFE_2) {
    Browser admin = Admin();
    auto page = admin.Get(MemberPath()).body;
    std::string csrf = CsrfOf(page);
    std::smatch m;
    ASSERT_TRUE(
        std::regex_search(page, m, std::regex("/cooperative-move\"[\\s\\S]*?<option value=\"([^\"]+)\"")))
        << page;
    std::string store = m[1].str();
    EXPECT_EQ(
        admin.Post(MemberPath() + "/cooperative-move", {{"csrf_token", csrf}, {"home_store", store}}).status,
        400);
    auto moved = admin.Post(MemberPath() + "/cooperative-move",
                            {{"csrf_token", csrf}, {"home_store", store}, {"reason", "moved house"}});
    ASSERT_EQ(moved.status, 303) << moved.body;
    {
        auto c = app_->db->Read();
        auto row = c->QueryOne(
            "SELECT detail FROM member_events WHERE member_id = $1 AND kind = 'cooperative_moved'",
            {store::Int(anna_id_)});
        ASSERT_TRUE(row);
        EXPECT_TRUE(Contains(row->Text(0), "moved house"));
    }
    auto refused =
        admin.Post(MemberPath() + "/cooperative-move",
                   {{"csrf_token", csrf}, {"home_store", "se-umea-1"}, {"reason", "wrong market"}});
    EXPECT_EQ(refused.status, 422);
    EXPECT_TRUE(Contains(refused.body, "R_MEM_8"));

    auto unconfirmed = admin.Post(MemberPath() + "/ending", {{"csrf_token", csrf}, {"reason", "misuse"}});
    EXPECT_EQ(unconfirmed.status, 400);
    EXPECT_TRUE(Contains(unconfirmed.body, "id=\"end-confirm-error\""));
    EXPECT_EQ(MemberStatus(), "active");
    auto ended = admin.Post(MemberPath() + "/ending",
                            {{"csrf_token", csrf}, {"reason", "misuse"}, {"confirm", "yes"}});
    ASSERT_EQ(ended.status, 303) << ended.body;
    EXPECT_EQ(MemberStatus(), "ended");
    auto after = admin.Get(ended.Header("Location")).body;
    EXPECT_TRUE(Contains(after, "The membership has ended."));
    EXPECT_FALSE(Contains(after, "/ending\"")) << "an ended membership cannot be ended again";
}

TEST_P(BackOfficeTest, ARoleRefusedAnActionGets403AndNothingChanges) {
    const int64_t events_before = Events();
    Browser agent = Agent();
    std::string csrf = CsrfOf(agent.Get(MemberPath()).body);
    auto block =
        agent.Post(MemberPath() + "/cards/" + card_ + "/block", {{"csrf_token", csrf}, {"reason", "lost"}});
    EXPECT_EQ(block.status, 403);
    EXPECT_TRUE(Contains(block.body, "Your role does not allow this page or action."));
    EXPECT_EQ(CardStatus(), "active");
    EXPECT_EQ(agent
                  .Post(MemberPath() + "/cooperative-move",
                        {{"csrf_token", csrf}, {"home_store", "dk-aarhus-1"}, {"reason", "moved"}})
                  .status,
              403);
    EXPECT_EQ(
        agent.Post(MemberPath() + "/ending", {{"csrf_token", csrf}, {"reason", "misuse"}, {"confirm", "yes"}})
            .status,
        403);
    EXPECT_EQ(MemberStatus(), "active");
    // Contact data, home store, household and cards are the back office's too (x-andel-roles of their
    // routes).
    const std::string kid = Value(
        "SELECT m.member_number FROM members m WHERE m.market = 'dk' AND m.member_number IS NOT NULL AND "
        "m.id <> "
        "$1 ORDER BY m.id",
        {store::Int(anna_id_)});
    for (const auto& [path, fields] :
         std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>>{
             {"/contact", {{"email", "x@example.org"}, {"phone", "+4520000099"}}},
             {"/home-store", {{"home_store", "dk-odense-1"}}},
             {"/household/participants", {{"participant_number", kid}}},
             {"/household/participants/" + kid + "/removal", {}},
             {"/household/leave", {}},
             {"/cards", {}},
             {"/cards/" + card_ + "/replace", {}}}) {
        auto form = fields;
        form.emplace_back("csrf_token", csrf);
        form.emplace_back("reason", "the member asked");
        auto r = agent.Post(MemberPath() + path, form);
        EXPECT_EQ(r.status, 403) << path;
        EXPECT_TRUE(Contains(r.body, "Your role does not allow this page or action.")) << path;
    }
    EXPECT_EQ(CardStatus(), "active");
    EXPECT_EQ(Value("SELECT p.email FROM persons p JOIN members m ON m.person_id = p.id WHERE m.id = $1",
                    {store::Int(anna_id_)}),
              app::kDemoAnnaEmail);
    EXPECT_EQ(Events(), events_before);
    EXPECT_TRUE(Audit().empty());
}

TEST_P(BackOfficeTest, AMembersSessionCannotReachTheBackOffice) {
    Browser anonymous(*app_->router);
    anonymous.accept_language = "en";
    auto r = anonymous.Get("/back-office");
    EXPECT_EQ(r.status, 303);
    EXPECT_EQ(r.Header("Location"), "/login");
    EXPECT_EQ(anonymous.Get(MemberPath()).Header("Location"), "/login");

    Browser member(*app_->router);
    member.accept_language = "en";
    ASSERT_EQ(
        member.Post("/login", {{"login", app::kDemoMemberNumber}, {"password", app::kDemoMemberPassword}})
            .status,
        303);
    std::string csrf = CsrfOf(member.Get("/my").body);
    ASSERT_FALSE(csrf.empty());
    EXPECT_EQ(member.Get("/back-office").status, 403);
    EXPECT_EQ(member.Get("/back-office?q=" + anna_).status, 403);
    auto page = member.Get(MemberPath());
    EXPECT_EQ(page.status, 403);
    EXPECT_FALSE(Contains(page.body, "Anna Jensen")) << page.body;
    EXPECT_FALSE(Contains(page.body, "+4520000001"));
    EXPECT_EQ(
        member.Post(MemberPath() + "/login-help/unlock", {{"csrf_token", csrf}, {"reason", "me"}}).status,
        403);
    EXPECT_TRUE(Audit().empty());
}

TEST_P(BackOfficeTest, AFormWithoutTheSessionsCsrfTokenIsRefused) {
    Browser b = Agent();
    const std::string sms_before = LastMessageTo("+4520000001");
    for (const auto& fields : std::vector<std::vector<std::pair<std::string, std::string>>>{
             {{"reason", "forged"}}, {{"csrf_token", "forged"}, {"reason", "forged"}}}) {
        auto r = b.Post(MemberPath() + "/login-help/reset", fields);
        EXPECT_EQ(r.status, 403);
        EXPECT_TRUE(Contains(r.body, "role=\"alert\""));
    }
    EXPECT_TRUE(Audit().empty());
    EXPECT_EQ(LastMessageTo("+4520000001"), sms_before);
    EXPECT_EQ(b.Post("/back-office/logout", {}).status, 403);
    EXPECT_EQ(b.Get("/back-office").status, 200) << "still logged in";
    auto out = b.Post("/back-office/logout", {{"csrf_token", CsrfOf(b.Get("/back-office").body)}});
    EXPECT_EQ(out.status, 303);
    EXPECT_EQ(b.Get("/back-office").Header("Location"), "/login") << "logged out";
}

TEST_P(BackOfficeTest,
       TheBackOfficeChangesContactDataAndHomeStore_WithTheErrorNextToTheField_R_MEM_6_R_MEM_7) {
    Browser admin = Admin();
    auto page = admin.Get(MemberPath()).body;
    std::string csrf = CsrfOf(page);
    EXPECT_TRUE(
        Contains(page, "id=\"contact-email\" name=\"email\" type=\"email\" value=\"anna@example.org\""));
    auto of_anna = [&](const std::string& column) {
        return Value(
            "SELECT p." + column + " FROM persons p JOIN members m ON m.person_id = p.id WHERE m.id = $1",
            {store::Int(anna_id_)});
    };
    auto contact = [&](const std::string& email, const std::string& phone, const std::string& reason,
                       const std::string& street = "Nygade 2") {
        return admin.Post(MemberPath() + "/contact", {{"csrf_token", csrf},
                                                      {"email", email},
                                                      {"phone", phone},
                                                      {"street", street},
                                                      {"postal_code", "5000"},
                                                      {"city", "Odense C"},
                                                      {"reason", reason}});
    };
    const int64_t events_before = Events();

    // What the service refuses is said next to its field, with what was typed (and the reason) kept.
    auto bad_email = contact("anna-at-example.org", "+4520000001", "a new e-mail");
    EXPECT_EQ(bad_email.status, 422);
    EXPECT_TRUE(
        Contains(bad_email.body, "id=\"contact-email-error\" role=\"alert\">Write an e-mail address such as"))
        << bad_email.body;
    EXPECT_TRUE(Contains(bad_email.body,
                         "value=\"anna-at-example.org\" maxlength=\"254\" autocomplete=\"off\" "
                         "aria-describedby=\"contact-email-error\" aria-invalid=\"true\""));
    EXPECT_TRUE(Contains(bad_email.body, "value=\"a new e-mail\"")) << "the reason is kept too";
    auto bad_phone = contact("anna@example.org", "20 00 00 01", "a new mobile");
    EXPECT_EQ(bad_phone.status, 422);
    EXPECT_TRUE(Contains(bad_phone.body,
                         "id=\"contact-phone-error\" role=\"alert\">Write the mobile number in "
                         "international form"));
    EXPECT_TRUE(Contains(bad_phone.body, "aria-describedby=\"contact-phone-hint contact-phone-error\""));
    EXPECT_TRUE(Contains(bad_phone.body, "International form, e.g. +4520000001")) << "the market's example";
    auto taken = contact(app::kDemoNoraEmail, "+4520000001", "a new e-mail");
    EXPECT_EQ(taken.status, 409);
    EXPECT_TRUE(Contains(
        taken.body, "id=\"contact-email-error\" role=\"alert\">Another person already uses this e-mail"));
    auto phone_taken = contact("anna@example.org", "+4790000001", "a new mobile");  // Nora's
    EXPECT_EQ(phone_taken.status, 409);
    EXPECT_TRUE(Contains(phone_taken.body, "id=\"contact-phone-error\" role=\"alert\">Another person"));
    auto too_long = contact("anna@example.org", "+4520000001", "a new address", std::string(201, 'x'));
    EXPECT_EQ(too_long.status, 422);
    EXPECT_TRUE(
        Contains(too_long.body, "id=\"contact-street-error\" role=\"alert\">At most 200 characters."));
    auto no_reason = contact("anna.jensen@example.org", "+4520000009", " ");
    EXPECT_EQ(no_reason.status, 400);
    EXPECT_TRUE(Contains(no_reason.body, "id=\"reason-contact-error\""));
    EXPECT_TRUE(Contains(no_reason.body, "value=\"anna.jensen@example.org\""));
    EXPECT_EQ(of_anna("email"), app::kDemoAnnaEmail);
    EXPECT_EQ(of_anna("phone"), "+4520000001");
    EXPECT_EQ(Events(), events_before) << "nothing changed";

    // Saved as the login and the search match it; the reason is in the event, which reads as a sentence.
    auto saved = contact(" Anna.Jensen@Example.org ", "+45 20 00 00 09", "new e-mail and mobile, by phone");
    ASSERT_EQ(saved.status, 303) << saved.body;
    EXPECT_EQ(saved.Header("Location"), MemberPath() + "?done=contact");
    EXPECT_EQ(of_anna("email"), "anna.jensen@example.org");
    EXPECT_EQ(of_anna("phone"), "+4520000009");
    EXPECT_EQ(of_anna("city"), "Odense C");
    EXPECT_TRUE(Contains(LastEventDetail("contact_changed"), "new e-mail and mobile, by phone"));
    auto after = admin.Get(saved.Header("Location")).body;
    EXPECT_TRUE(Contains(after, "role=\"status\">The contact data is saved."));
    EXPECT_TRUE(
        Contains(after, "The contact data was changed <small class=\"muted\"><code>contact_changed</code>"))
        << after;

    // The home store, any of the market's (R_MEM_6); the cooperative stays where the address is (R_MEM_8).
    const std::string home =
        "SELECT s.code FROM members m JOIN stores s ON s.id = m.home_store_id WHERE m.id = $1";
    const std::string coop = "SELECT CAST(cooperative_id AS TEXT) FROM members WHERE id = $1";
    const std::string coop_before = Value(coop, {store::Int(anna_id_)});
    const std::string store = Value(
        "SELECT s.code FROM stores s JOIN cooperatives c ON c.id = s.cooperative_id WHERE c.market = 'dk' "
        "AND "
        "s.code <> $1 ORDER BY s.code",
        {store::Text(Value(home, {store::Int(anna_id_)}))});
    ASSERT_FALSE(store.empty());
    auto other_market = admin.Post(MemberPath() + "/home-store",
                                   {{"csrf_token", csrf}, {"home_store", "se-umea-1"}, {"reason", "moved"}});
    EXPECT_EQ(other_market.status, 422);
    EXPECT_TRUE(
        Contains(other_market.body, "id=\"home-store-code-error\" role=\"alert\">Choose one of the market"));
    auto changed = admin.Post(MemberPath() + "/home-store",
                              {{"csrf_token", csrf}, {"home_store", store}, {"reason", "shops near work"}});
    ASSERT_EQ(changed.status, 303) << changed.body;
    EXPECT_EQ(Value(home, {store::Int(anna_id_)}), store);
    EXPECT_EQ(Value(coop, {store::Int(anna_id_)}), coop_before);
    EXPECT_TRUE(Contains(LastEventDetail("home_store_changed"), "shops near work"));

    // The demo member's contact data cannot change (R_MEM_10): no form, and a post says the rule's sentence.
    const std::string demo = "/back-office/members/" + std::string(app::kDemoMemberNumber);
    EXPECT_FALSE(Contains(admin.Get(demo).body, "action=\"" + demo + "/contact\""));
    auto refused = admin.Post(demo + "/contact",
                              {{"csrf_token", csrf}, {"email", "demo@example.org"}, {"reason", "try it"}});
    EXPECT_EQ(refused.status, 422);
    EXPECT_TRUE(Contains(refused.body, "role=\"alert\">The demo member cannot be changed. (rule R_MEM_10)"))
        << refused.body;
    // In each language the sentence (the code stays as it is).
    auto danish = admin.Get(MemberPath() + "?lang=da").body;
    EXPECT_TRUE(
        Contains(danish, "Kontaktdata blev ændret <small class=\"muted\"><code>contact_changed</code>"));
}

// Sven (se, the demo's household owner) and 19 participants; the back office removes and adds them by
// member number, and a participant leaves, each with a reason audited.
TEST_P(BackOfficeTest, R_HH_3_TheBackOfficeAddsThe19thParticipantInSweden_AndThe20thIsRefused_R_HH_5) {
    app::SeedDemoHouseholdLogins(*app_->db, *app_->auth, app_->config.markets, app_->config.national_id_key,
                                 app_->clock);
    const std::string sven =
        Value("SELECT m.member_number FROM members m JOIN persons p ON p.id = m.person_id WHERE p.email = $1",
              {store::Text(app::kDemoSvenEmail)});
    ASSERT_FALSE(sven.empty());
    auto add = [this](const std::string& owner, const std::string& national_id) {
        app::ParticipantInput in;
        app::RegisterInput person;
        person.national_id = national_id;
        person.first_name = "Barn";
        person.last_name = national_id;
        in.person = person;
        auto r = app_->services->membership.AddParticipant(owner, in, "test");
        EXPECT_TRUE(r.ok()) << r.error().detail;
        return Value(
            "SELECT m.member_number FROM members m JOIN persons p ON p.id = m.person_id WHERE "
            "p.last_name = $1",
            {store::Text(national_id)});
    };
    std::vector<std::string> kids;
    for (int i = 1; i <= 19; ++i) kids.push_back(add(sven, Personnummer("20100101", i)));
    // One more, free to join: a participant of another Swedish household who left it.
    const std::string other_owner = Value(
        "SELECT m.member_number FROM households h JOIN members m ON m.id = h.owner_member_id WHERE m.market "
        "= "
        "'se' AND m.member_number <> $1 AND m.status = 'active' AND m.share_paid_minor >= 10000 AND NOT "
        "EXISTS "
        "(SELECT 1 FROM household_members hm WHERE hm.household_id = h.id AND hm.role = 'participant') ORDER "
        "BY m.id",
        {store::Text(sven)});
    ASSERT_FALSE(other_owner.empty());
    const std::string free = add(other_owner, Personnummer("20090909", 1));
    ASSERT_TRUE(app_->services->membership.LeaveHousehold(free, "test").ok());
    auto participants = [&] {
        return Count(
            "SELECT COUNT(*) FROM household_members hm JOIN households h ON h.id = hm.household_id JOIN "
            "members "
            "o ON o.id = h.owner_member_id WHERE o.member_number = $1 AND hm.role = 'participant'",
            {store::Text(sven)});
    };
    auto audited = [&](const std::string& number, const std::string& action) {
        return Value(
            "SELECT a.detail FROM audit_log a JOIN members m ON m.id = a.subject_member_id WHERE "
            "m.member_number = $1 AND a.action = $2 ORDER BY a.id DESC",
            {store::Text(number), store::Text(action)});
    };
    ASSERT_EQ(participants(), 19);

    Browser admin = Admin();
    const std::string path = "/back-office/members/" + sven;
    auto page = admin.Get(path).body;
    std::string csrf = CsrfOf(page);
    EXPECT_TRUE(Contains(page, "19 of at most 19 participants")) << page;
    EXPECT_TRUE(Contains(page, "action=\"" + path + "/household/participants/" + kids[18] + "/removal\""));

    // The owner's page removes a participant (R_HH_5), who takes nothing with them (R_HH_7).
    auto removed = admin.Post(path + "/household/participants/" + kids[18] + "/removal",
                              {{"csrf_token", csrf}, {"reason", "moved out"}});
    ASSERT_EQ(removed.status, 303) << removed.body;
    EXPECT_EQ(removed.Header("Location"), path + "?done=participant-removed");
    EXPECT_EQ(participants(), 18);
    EXPECT_EQ(audited(sven, "household_participant_removed"), "reason=moved out");

    // Adds one by member number: the 19th is accepted ...
    auto added =
        admin.Post(path + "/household/participants",
                   {{"csrf_token", csrf}, {"participant_number", kids[18]}, {"reason", "moved back"}});
    ASSERT_EQ(added.status, 303) << added.body;
    EXPECT_EQ(participants(), 19);
    EXPECT_EQ(audited(sven, "household_participant_added"), "reason=moved back");
    auto shown = admin.Get(added.Header("Location")).body;
    EXPECT_TRUE(Contains(shown, "role=\"status\">The participant is added to the household."));
    EXPECT_TRUE(Contains(shown,
                         "A participant was added to the household <small class=\"muted\"><code>"
                         "household_participant_added</code>"));

    // ... and the 20th is refused in the rule's words, though the person may join a household.
    auto twentieth = admin.Post(path + "/household/participants",
                                {{"csrf_token", csrf}, {"participant_number", free}, {"reason", "a cousin"}});
    EXPECT_EQ(twentieth.status, 422);
    EXPECT_TRUE(Contains(twentieth.body,
                         "id=\"reason-add-participant-error\" role=\"alert\">The household "
                         "already has the largest number of participants. (rule R_HH_3)"))
        << twentieth.body;
    EXPECT_TRUE(Contains(twentieth.body, "value=\"" + free + "\"")) << "what was typed is kept";
    EXPECT_EQ(participants(), 19);

    // A number that is no member's, or a member of another market, is said next to the field.
    auto field_error = [&](const std::string& number, const std::string& text) {
        auto r = admin.Post(path + "/household/participants",
                            {{"csrf_token", csrf}, {"participant_number", number}, {"reason", "a cousin"}});
        EXPECT_EQ(r.status, 422) << number;
        EXPECT_TRUE(
            Contains(r.body, "id=\"add-participant-participant-number-error\" role=\"alert\">" + text))
            << number << ": " << r.body;
    };
    field_error("1234", "A member number has 8 digits");
    field_error(core::MemberNumberFromBody(9'999'990), "No member has this number.");
    field_error(anna_, "The participant must be a member in the same market.");
    EXPECT_EQ(participants(), 19);

    // A participant leaves at any time (R_HH_5), on their own page.
    const std::string kid = "/back-office/members/" + kids[0];
    auto kid_page = admin.Get(kid).body;
    EXPECT_TRUE(Contains(kid_page, "action=\"" + kid + "/household/leave\""));
    EXPECT_FALSE(Contains(kid_page, "/household/participants\"")) << "a participant adds no one";
    auto left = admin.Post(kid + "/household/leave", {{"csrf_token", csrf}, {"reason", "own household now"}});
    ASSERT_EQ(left.status, 303) << left.body;
    EXPECT_EQ(left.Header("Location"), kid + "?done=left");
    EXPECT_EQ(participants(), 18);
    EXPECT_EQ(audited(kids[0], "household_left"), "reason=own household now");
    // Now there is room, and the same person is accepted: it was the count that refused (R_HH_3).
    EXPECT_EQ(admin
                  .Post(path + "/household/participants",
                        {{"csrf_token", csrf}, {"participant_number", free}, {"reason", "a cousin"}})
                  .status,
              303);
    EXPECT_EQ(participants(), 19);
}

TEST_P(BackOfficeTest, TheBackOfficeOrdersAndReplacesCardsWithAReason_R_CARD_1) {
    Browser admin = Admin();
    std::string csrf = CsrfOf(admin.Get(MemberPath()).body);
    auto cards = [this](const std::string& status) {
        return Count("SELECT COUNT(*) FROM cards WHERE member_id = $1 AND status = $2",
                     {store::Int(anna_id_), store::Text(status)});
    };
    EXPECT_EQ(admin.Post(MemberPath() + "/cards", {{"csrf_token", csrf}}).status, 400);
    EXPECT_EQ(cards("ordered"), 0);
    auto ordered = admin.Post(MemberPath() + "/cards", {{"csrf_token", csrf}, {"reason", "card is worn"}});
    ASSERT_EQ(ordered.status, 303) << ordered.body;
    EXPECT_EQ(ordered.Header("Location"), MemberPath() + "?done=card-ordered");
    EXPECT_EQ(cards("ordered"), 1);
    EXPECT_TRUE(Contains(LastEventDetail("card_ordered"), "card is worn"));
    auto page = admin.Get(ordered.Header("Location")).body;
    EXPECT_TRUE(Contains(page, "role=\"status\">A new card is ordered."));
    EXPECT_FALSE(Contains(page, "action=\"" + MemberPath() + "/cards\"")) << "one card on its way at a time";
    auto again = admin.Post(MemberPath() + "/cards", {{"csrf_token", csrf}, {"reason", "again"}});
    EXPECT_EQ(again.status, 409);
    EXPECT_TRUE(Contains(again.body, "role=\"alert\">This was done already.")) << again.body;
    EXPECT_EQ(cards("ordered"), 1);

    // Replacing a card stops it, with the reason, and issues a new one (R_CARD_1).
    auto no_reason = admin.Post(MemberPath() + "/cards/" + card_ + "/replace", {{"csrf_token", csrf}});
    EXPECT_EQ(no_reason.status, 400);
    EXPECT_TRUE(Contains(no_reason.body, "id=\"reason-replace-" + card_ + "-error\""));
    EXPECT_EQ(CardStatus(), "active");
    const std::string other_card =
        Value("SELECT card_number FROM cards WHERE member_id <> $1 ORDER BY id", {store::Int(anna_id_)});
    EXPECT_EQ(admin
                  .Post(MemberPath() + "/cards/" + other_card + "/replace",
                        {{"csrf_token", csrf}, {"reason", "not hers"}})
                  .status,
              404)
        << "only the member's own cards";
    auto replaced = admin.Post(MemberPath() + "/cards/" + card_ + "/replace",
                               {{"csrf_token", csrf}, {"reason", "damaged"}});
    ASSERT_EQ(replaced.status, 303) << replaced.body;
    EXPECT_EQ(CardStatus(), "replaced");
    EXPECT_EQ(Value("SELECT status_reason FROM cards WHERE card_number = $1", {store::Text(card_)}),
              "damaged");
    EXPECT_EQ(cards("active"), 1) << "the new card";
    EXPECT_TRUE(Contains(LastEventDetail("card_replaced"), "damaged"));
    auto after = admin.Get(replaced.Header("Location")).body;
    EXPECT_TRUE(Contains(after, "role=\"status\">The card is replaced by a new one."));
    EXPECT_FALSE(Contains(after, "/cards/" + card_ + "/replace\""))
        << "a replaced card is not replaced again";
    EXPECT_TRUE(Contains(after, "A card was replaced by a new one"));
}

// Adjusting a household's bonus by hand (issue 8 §2): an amount in kroner and øre with a reason, posted once
// however often the form is sent; below zero and a non-amount are refused next to the field, and customer
// service may not.
TEST_P(BackOfficeTest, TheBackOfficeAdjustsTheHouseholdsBonusWithAReason) {
    auto balance = [this] {
        return Count(
            "SELECT COALESCE(SUM(a.balance), 0) FROM ledger_accounts a JOIN household_members hm ON "
            "hm.household_id = a.owner_id WHERE a.owner_kind = 'household' AND a.kind = 'household_bonus' "
            "AND "
            "hm.member_id = $1",
            {store::Int(anna_id_)});
    };
    int64_t before = balance();
    Browser admin = Admin();
    auto page = admin.Get(MemberPath());
    ASSERT_TRUE(Contains(page.body, "action=\"" + MemberPath() + "/adjustments\"")) << page.body;
    std::string csrf = CsrfOf(page.body);
    std::smatch key;
    ASSERT_TRUE(
        std::regex_search(page.body, key, std::regex("name=\"idempotency_key\" value=\"([0-9a-f]+)\"")));
    auto post = [&](const std::string& amount, const std::string& reason, const std::string& k) {
        return admin.Post(
            MemberPath() + "/adjustments",
            {{"csrf_token", csrf}, {"amount", amount}, {"reason", reason}, {"idempotency_key", k}});
    };
    auto no_amount = post("ten", "goodwill", key[1].str());
    EXPECT_EQ(no_amount.status, 422);
    EXPECT_TRUE(Contains(no_amount.body, "id=\"adjust-amount-error\"")) << no_amount.body;
    EXPECT_TRUE(Contains(no_amount.body, "value=\"ten\"")) << "what was typed is kept";
    EXPECT_EQ(post("12,345", "goodwill", key[1].str()).status, 422) << "øre have two digits";
    EXPECT_EQ(post("25,50", "", key[1].str()).status, 400) << "a reason is required";
    auto done = post("25,50", "goodwill after complaint 88", key[1].str());
    ASSERT_EQ(done.status, 303) << done.body;
    EXPECT_EQ(done.Header("Location"), MemberPath() + "?done=adjust");
    EXPECT_EQ(post("25,50", "goodwill after complaint 88", key[1].str()).status, 303) << "a double submit";
    EXPECT_EQ(balance(), before + 2550) << "posted once";
    EXPECT_TRUE(Contains(LastEventDetail("rewards_adjusted"), "goodwill after complaint 88"));
    auto shown = admin.Get(done.Header("Location")).body;
    EXPECT_TRUE(Contains(shown, "role=\"status\">The adjustment is posted.")) << shown;

    auto below = post("-" + std::to_string((before + 2550) / 100 + 1), "take back", "k-below");
    EXPECT_EQ(below.status, 422);
    EXPECT_TRUE(Contains(below.body, "id=\"adjust-amount-error\""));
    EXPECT_EQ(balance(), before + 2550);

    Browser agent = Agent();
    EXPECT_FALSE(Contains(agent.Get(MemberPath()).body, "/adjustments\""));
    EXPECT_EQ(agent
                  .Post(MemberPath() + "/adjustments", {{"csrf_token", CsrfOf(agent.Get(MemberPath()).body)},
                                                        {"amount", "10"},
                                                        {"reason", "x"},
                                                        {"idempotency_key", "k-agent"}})
                  .status,
              403);
    EXPECT_EQ(balance(), before + 2550);
}

INSTANTIATE_TEST_SUITE_P(Engines, BackOfficeTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

// ---- Every recorded code reads as a sentence -----------------------------------------------------------

// A source file with its comments blanked (string literals kept), so a call named in a comment is no call.
std::string CodeOf(const std::string& text) {
    std::string out = text;
    for (size_t i = 0; i < out.size(); ++i) {
        if (out[i] == '\'' && i > 0 && std::isalnum(static_cast<unsigned char>(out[i - 1])))
            continue;  // 1'000
        if (out[i] == '"' || out[i] == '\'') {
            const char quote = out[i];
            for (++i; i < out.size() && out[i] != quote; ++i)
                if (out[i] == '\\') ++i;
        } else if (out.compare(i, 2, "//") == 0) {
            for (; i < out.size() && out[i] != '\n'; ++i) out[i] = ' ';
        } else if (out.compare(i, 2, "/*") == 0) {
            size_t end = out.find("*/", i + 2);
            end = end == std::string::npos ? out.size() : end + 2;
            for (; i < end; ++i)
                if (out[i] != '\n') out[i] = ' ';
            --i;
        }
    }
    return out;
}

// The end of the string literal that starts at `i`.
size_t LiteralEnd(const std::string& code, size_t i) {
    for (++i; i < code.size() && code[i] != '"'; ++i)
        if (code[i] == '\\') ++i;
    return i;
}

// The top-level arguments of the call whose "(" is at `open`.
std::vector<std::string> Arguments(const std::string& code, size_t open) {
    std::vector<std::string> args(1);
    int depth = 0;
    for (size_t i = open; i < code.size(); ++i) {
        char c = code[i];
        if (c == '"') {
            size_t end = LiteralEnd(code, i);
            args.back() += code.substr(i, end - i + 1);
            i = end;
            continue;
        }
        if (c == '(' || c == '{' || c == '[') {
            if (depth++ == 0) continue;
        } else if (c == ')' || c == '}' || c == ']') {
            if (--depth == 0) break;
        } else if (c == ',' && depth == 1) {
            args.emplace_back();
            continue;
        }
        args.back() += c;
    }
    return args;
}

// The string literals in `text` that look like a code (snake_case).
std::vector<std::string> Codes(const std::string& text, const std::regex& literal) {
    static const std::regex code("[a-z][a-z0-9_]*");
    std::vector<std::string> out;
    for (std::sregex_iterator it(text.begin(), text.end(), literal), end; it != end; ++it)
        if (std::regex_match((*it)[1].str(), code)) out.push_back((*it)[1].str());
    return out;
}

struct RecordedCodes {
    std::map<std::string, std::string> events, audit;  // code -> where it is written
    std::vector<std::string> unreadable;               // writers whose code is no literal
};

// Every code src/ writes: the kind of MembershipRepository::AddEvent (its 2nd argument), the action of
// AccountRepository::Audit (its 2nd argument), and the codes of an INSERT INTO member_events or audit_log
// written in SQL (a 'quoted' code in the statement, or Text("code") among its parameters). The repositories
// in src/store take the code as a parameter and are not writers of their own.
RecordedCodes ScanSources() {
    static const std::regex cpp_literal("\"([^\"\\\\]*)\"");
    static const std::regex sql_literal("'([^']*)'");
    static const std::regex text_param("Text\\(([^()]*)\\)");
    RecordedCodes found;
    const std::filesystem::path root = test::SourcePath("src");
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
        const auto ext = entry.path().extension();
        if (!entry.is_regular_file() || (ext != ".cpp" && ext != ".hpp")) continue;
        std::ifstream in(entry.path());
        std::string code = CodeOf(std::string(std::istreambuf_iterator<char>(in), {}));
        const std::string file = std::filesystem::relative(entry.path(), root).string();
        auto where = [&](size_t at) {
            return file + ":" + std::to_string(1 + std::count(code.begin(), code.begin() + at, '\n'));
        };
        for (const auto& [call, into] : {std::pair{std::string("AddEvent("), &found.events},
                                         std::pair{std::string("Audit("), &found.audit}})
            for (size_t at = code.find(call); at != std::string::npos; at = code.find(call, at + 1)) {
                if (at == 0 || (code[at - 1] != '.' && code[at - 1] != '>')) continue;  // a declaration
                auto args = Arguments(code, at + call.size() - 1);
                auto codes = args.size() > 1 ? Codes(args[1], cpp_literal) : std::vector<std::string>{};
                if (codes.empty()) found.unreadable.push_back(where(at));
                for (const auto& c : codes) into->emplace(c, where(at));
            }
        if (file.starts_with("store/")) continue;
        for (const auto& [table, into] : {std::pair{std::string("INSERT INTO member_events"), &found.events},
                                          std::pair{std::string("INSERT INTO audit_log"), &found.audit}})
            for (size_t at = code.find(table); at != std::string::npos; at = code.find(table, at + 1)) {
                // The statement: from the literal the SQL starts in to the first ";" outside a literal.
                const size_t start = code.rfind('"', at);
                size_t end = start;
                for (; end < code.size() && code[end] != ';'; ++end)
                    if (code[end] == '"') end = LiteralEnd(code, end);
                const std::string statement = code.substr(start, end - start);
                std::vector<std::string> codes;
                for (std::sregex_iterator it(statement.begin(), statement.end(), cpp_literal), e; it != e;
                     ++it)
                    for (const auto& c : Codes((*it)[1].str(), sql_literal)) codes.push_back(c);
                for (std::sregex_iterator it(statement.begin(), statement.end(), text_param), e; it != e;
                     ++it)
                    for (const auto& c : Codes((*it)[1].str(), cpp_literal)) codes.push_back(c);
                if (codes.empty()) found.unreadable.push_back(where(at));
                for (const auto& c : codes) into->emplace(c, where(at));
            }
    }
    return found;
}

// Every code written anywhere has its sentence in the back office (bo_event_kind_*, bo_audit_action_*), and
// so in every language (the catalogue refuses a key without one); no sentence is kept for a code that nothing
// writes.
TEST(BackOfficeCodes, EveryRecordedCodeHasASentence) {
    const RecordedCodes found = ScanSources();
    EXPECT_TRUE(found.unreadable.empty())
        << "a writer whose code this test cannot read (write it as a literal): " << found.unreadable.front();
    // The scan sees each kind of writer: AddEvent and Audit calls, and SQL, with a literal or a parameter.
    for (const char* code : {"card_blocked", "contact_changed", "ended_by_operator", "household_handed_over"})
        EXPECT_TRUE(found.events.contains(code)) << code;
    for (const char* code : {"send_password_reset", "household_left", "erased", "portal_deactivate_user"})
        EXPECT_TRUE(found.audit.contains(code)) << code;

    const Catalogue& cat = Catalogue::Embedded();
    for (const auto& [code, where] : found.events)
        EXPECT_TRUE(cat.Has("bo_event_kind_" + code))
            << "no sentence for the event " << code << " (" << where << "): add bo_event_kind_" << code
            << " to i18n/pages-bo-member.toml";
    for (const auto& [code, where] : found.audit)
        EXPECT_TRUE(cat.Has("bo_audit_action_" + code))
            << "no sentence for the audit action " << code << " (" << where << "): add bo_audit_action_"
            << code << " to i18n/pages-bo-member.toml";
    for (const auto& key : cat.Keys()) {
        const bool event = key.starts_with("bo_event_kind_"), action = key.starts_with("bo_audit_action_");
        EXPECT_TRUE(!event || found.events.contains(key.substr(14))) << key << ": nothing writes this event";
        EXPECT_TRUE(!action || found.audit.contains(key.substr(16))) << key << ": nothing writes this action";
    }
}

}  // namespace
}  // namespace andel::web
