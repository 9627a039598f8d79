// The back office as staff use it in a browser (issue 8 §2): staff log in with the second step, find a
// member by each kind of search, and act with a reason that is recorded; roles limit what each sees and
// does; a member's session and a forged form get nothing. On SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <regex>

#include "app/demo/generator.hpp"
#include "http/test_app.hpp"
#include "notify/outbox.hpp"
#include "store/access/account_repository.hpp"
#include "test_support.hpp"
#include "web/browser.hpp"
#include "web/web.hpp"

namespace andel::web {
namespace {

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
    EXPECT_FALSE(Contains(seen, "/cooperative-move\""));
    EXPECT_FALSE(Contains(seen, "/ending\""));
    EXPECT_FALSE(Contains(seen, "id=\"balance-heading\"")) << "balances are the back office's";
    EXPECT_FALSE(Contains(seen, "id=\"audit-heading\"")) << "the audit log is the admin's";

    Browser admin = Admin();
    auto all = admin.Get(MemberPath()).body;
    EXPECT_TRUE(Contains(all, "action=\"" + MemberPath() + "/cards/" + card_ + "/block\""));
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
    ASSERT_TRUE(std::regex_search(page, m, std::regex("<option value=\"([^\"]+)\""))) << page;
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
    auto events = [this] {
        auto c = app_->db->Read();
        return c->QueryOne("SELECT COUNT(*) FROM member_events WHERE member_id = $1", {store::Int(anna_id_)})
            ->Int(0);
    };
    const int64_t events_before = events();
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
    EXPECT_EQ(events(), events_before);
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

INSTANTIATE_TEST_SUITE_P(Engines, BackOfficeTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::web
