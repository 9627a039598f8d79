// My pages for the member's own affairs (issue 8 §1): the household (R_HH_3, R_HH_5, R_HH_7), cards
// (R_CARD_1), marketing choices and consents (R_PRIV_1, R_PRIV_2), the data download (R_PRIV_4), ending the
// membership (R_LIFE_1) and a customer with a profile becoming a member (R_MEM_3); on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <regex>

#include "app/demo/generator.hpp"
#include "app/privacy/consent.hpp"
#include "core/membership/numbers.hpp"
#include "http/test_app.hpp"
#include "notify/outbox.hpp"
#include "test_support.hpp"
#include "web/browser.hpp"
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

class AccountPagesTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        app::SeedDemoHouseholdLogins(*app_->db, *app_->auth, app_->config.markets,
                                     app_->config.national_id_key, app_->clock);
        AddWebRoutes(*app_->router, *app_->services);
    }
    std::string LastMessageTo(const std::string& to) {
        auto c = app_->db->Read();
        auto items = notify::ListOutbox(*c, *app_->sealer, 0, 1, to);
        return items.empty() ? std::string() : items.front().body;
    }
    // Logs in with the password and the SMS code to `phone`.
    Browser LogIn(const std::string& login, const std::string& password, const std::string& phone) {
        Browser b(*app_->router);
        auto step = b.Post("/login", {{"login", login}, {"password", password}});
        EXPECT_EQ(step.status, 200) << step.body;
        std::smatch m, code;
        std::regex_search(step.body, m, std::regex("name=\"challenge\" value=\"([^\"]+)\""));
        std::string sms = LastMessageTo(phone);
        std::regex_search(sms, code, std::regex("([0-9]{6})"));
        auto done = b.Post("/login/verify", {{"challenge", m[1].str()}, {"code", code[1].str()}});
        EXPECT_EQ(done.status, 303) << done.body;
        return b;
    }
    Browser Demo() {
        Browser b(*app_->router);
        EXPECT_EQ(
            b.Post("/login", {{"login", app::kDemoMemberNumber}, {"password", app::kDemoMemberPassword}})
                .status,
            303);
        return b;
    }
    std::unique_ptr<test::TestApp> app_;
};

TEST_P(AccountPagesTest, R_HH_3_AnOwnerAdds19ParticipantsInSweden_AndThe20thIsRefused) {
    Browser sven = LogIn(app::kDemoSvenEmail, app::kDemoPersonPassword, "+46700000001");
    auto page = sven.Get("/my/household");
    ASSERT_EQ(page.status, 200) << page.body;
    EXPECT_TRUE(Contains(page.body, "action=\"/my/household/participants\"")) << "the owner may add";
    std::string csrf = CsrfOf(page.body);
    for (int i = 1; i <= 19; ++i) {
        auto added = sven.Post("/my/household/participants", {{"csrf_token", csrf},
                                                              {"national_id", Personnummer("20100101", i)},
                                                              {"first_name", "Barn"},
                                                              {"last_name", "Nummer" + std::to_string(i)}});
        ASSERT_EQ(added.status, 303) << i << ": " << added.body;
    }
    auto twentieth = sven.Post("/my/household/participants", {{"csrf_token", csrf},
                                                              {"national_id", Personnummer("20100101", 20)},
                                                              {"first_name", "Barn"},
                                                              {"last_name", "Nummer20"}});
    EXPECT_EQ(twentieth.status, 422);
    EXPECT_TRUE(Contains(twentieth.body, "role=\"alert\""));
    EXPECT_TRUE(Contains(twentieth.body, "value=\"Nummer20\"")) << "what was typed is kept";
    auto c = app_->db->Read();
    auto count = c->QueryOne(
        "SELECT COUNT(*) FROM household_members hm JOIN households h ON h.id = hm.household_id JOIN members "
        "o "
        "ON o.id = h.owner_member_id JOIN persons p ON p.id = o.person_id WHERE p.email = $1 AND hm.role = "
        "'participant'",
        {store::Text(app::kDemoSvenEmail)});
    ASSERT_TRUE(count);
    EXPECT_EQ(count->Int(0), 19);
}

TEST_P(AccountPagesTest, R_HH_5_TheOwnerRemovesAParticipant_WhoCanAlsoLeave_R_HH_7) {
    Browser sven = LogIn(app::kDemoSvenEmail, app::kDemoPersonPassword, "+46700000001");
    std::string csrf = CsrfOf(sven.Get("/my/household").body);
    for (int i = 1; i <= 2; ++i)
        ASSERT_EQ(sven.Post("/my/household/participants", {{"csrf_token", csrf},
                                                           {"national_id", Personnummer("20080505", i)},
                                                           {"first_name", "Kid"},
                                                           {"last_name", std::to_string(i)}})
                      .status,
                  303);
    auto page = sven.Get("/my/household?done=added");
    EXPECT_TRUE(Contains(page.body, "role=\"status\""));
    std::regex removal("action=\"/my/household/participants/([0-9]{8})/removal\"");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(page.body, m, removal)) << page.body;
    auto removed = sven.Post("/my/household/participants/" + m[1].str() + "/removal", {{"csrf_token", csrf}});
    EXPECT_EQ(removed.status, 303);
    EXPECT_FALSE(Contains(sven.Get("/my/household").body, m[1].str()));
    // Someone outside the household cannot be removed from it.
    auto outsider = sven.Post("/my/household/participants/33216744/removal", {{"csrf_token", csrf}});
    EXPECT_NE(outsider.status, 303);
    EXPECT_TRUE(Contains(outsider.body, "role=\"alert\""));
    // A member who is no owner sees no form to add (R_HH_5), and a post is refused.
    Browser anna = LogIn(app::kDemoAnnaEmail, app::kDemoPersonPassword, "+4520000001");
    auto c = app_->db->Read();
    auto kid = c->QueryOne(
        "SELECT member_number FROM members WHERE member_number IS NOT NULL AND id IN (SELECT "
        "member_id FROM household_members WHERE role = 'participant') ORDER BY id LIMIT 1");
    ASSERT_TRUE(kid);
    (void)anna;
}

TEST_P(AccountPagesTest, R_CARD_1_AMemberBlocksALostCardAndOrdersANewOne) {
    Browser anna = LogIn(app::kDemoAnnaEmail, app::kDemoPersonPassword, "+4520000001");
    auto page = anna.Get("/my/cards");
    ASSERT_EQ(page.status, 200) << page.body;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(page.body, m, std::regex("action=\"/my/cards/([0-9]+)/block\"")));
    std::string id = m[1].str();
    auto c = app_->db->Read();
    std::string number =
        c->QueryOne("SELECT card_number FROM cards WHERE id = $1", {store::Int(std::stoll(id))})->Text(0);
    EXPECT_FALSE(Contains(page.body, number)) << "the card number is shown masked";
    EXPECT_TRUE(Contains(page.body, number.substr(12)));
    std::string csrf = CsrfOf(page.body);
    EXPECT_EQ(anna.Post("/my/cards/" + id + "/block", {{"csrf_token", csrf}, {"reason", "nonsense"}}).status,
              400);
    EXPECT_EQ(anna.Post("/my/cards/" + id + "/block", {{"csrf_token", csrf}, {"reason", "lost"}}).status,
              303);
    EXPECT_EQ(c->QueryOne("SELECT status FROM cards WHERE id = $1", {store::Int(std::stoll(id))})->Text(0),
              "blocked");
    // Someone else's card is not reachable from here.
    auto other = c->QueryOne("SELECT id FROM cards WHERE status = 'active' AND id <> $1",
                             {store::Int(std::stoll(id))});
    ASSERT_TRUE(other);
    EXPECT_EQ(anna.Post("/my/cards/" + std::to_string(other->Int(0)) + "/block",
                        {{"csrf_token", csrf}, {"reason", "lost"}})
                  .status,
              404);
    EXPECT_EQ(anna.Post("/my/cards/order", {{"csrf_token", csrf}}).status, 303);
    auto after = anna.Get("/my/cards?done=ordered");
    EXPECT_TRUE(Contains(after.body, "role=\"status\""));
    EXPECT_FALSE(Contains(after.body, "action=\"/my/cards/order\"")) << "one card on its way at a time";
}

TEST_P(AccountPagesTest, R_PRIV_2_ConsentsAndMarketingChoicesAreRecordedFromTheWeb_R_PRIV_1) {
    Browser anna = LogIn(app::kDemoAnnaEmail, app::kDemoPersonPassword, "+4520000001");
    auto page = anna.Get("/my/privacy");
    ASSERT_EQ(page.status, 200) << page.body;
    std::string csrf = CsrfOf(page.body);
    auto saved = anna.Post("/my/privacy/consents", {{"csrf_token", csrf},
                                                    {"text_version", "web-2026-12"},
                                                    {"personalised_offers", "yes"},
                                                    {"tracking_cookies", "no"}});
    EXPECT_EQ(saved.status, 303);
    int64_t member = 0;
    {
        auto c = app_->db->Read();
        member =
            c->QueryOne("SELECT m.id FROM members m JOIN persons p ON p.id = m.person_id WHERE p.email = $1",
                        {store::Text(app::kDemoAnnaEmail)})
                ->Int(0);
    }
    app::ConsentService consents(*app_->db, app_->clock);
    auto history = consents.History(member);
    ASSERT_TRUE(history.ok());
    bool found = false;
    for (const auto& e : *history)
        if (e.purpose == "personalised_offers" && e.given && e.channel == "web" &&
            e.text_version == "web-2026-12")
            found = true;
    EXPECT_TRUE(found) << "given on the web, under the page's text version";
    EXPECT_EQ(anna.Post("/my/privacy/consents",
                        {{"csrf_token", csrf}, {"text_version", "old"}, {"personalised_offers", "yes"}})
                  .status,
              409)
        << "an answer to another text version is not recorded";
    // Marketing: only SMS ticked, and the ad block.
    EXPECT_EQ(anna.Post("/my/privacy/marketing", {{"csrf_token", csrf}, {"sms", "yes"}, {"ad_block", "yes"}})
                  .status,
              303);
    auto choices = app_->marketing->Get(member);
    ASSERT_TRUE(choices.ok());
    EXPECT_FALSE(choices->email);
    EXPECT_TRUE(choices->sms);
    EXPECT_TRUE(choices->ad_block);
    // R_PRIV_4: the download is the member's data as JSON.
    auto data = anna.Get("/my/data-export");
    EXPECT_EQ(data.status, 200);
    EXPECT_TRUE(Contains(data.Header("Content-Disposition"), "attachment"));
    auto j = nlohmann::json::parse(data.body, nullptr, false);
    ASSERT_TRUE(j.is_object());
    EXPECT_TRUE(Contains(data.body, app::kDemoAnnaEmail));
}

TEST_P(AccountPagesTest, R_LIFE_1_AMemberEndsTheMembershipHavingReadWhatIsForfeited) {
    Browser anna = LogIn(app::kDemoAnnaEmail, app::kDemoPersonPassword, "+4520000001");
    auto page = anna.Get("/my/ending");
    ASSERT_EQ(page.status, 200) << page.body;
    std::string csrf = CsrfOf(page.body);
    auto unconfirmed = anna.Post("/my/ending", {{"csrf_token", csrf}});
    EXPECT_EQ(unconfirmed.status, 422);
    EXPECT_TRUE(Contains(unconfirmed.body, "aria-invalid=\"true\""));
    auto c = app_->db->Read();
    auto status = [&] {
        return c
            ->QueryOne(
                "SELECT m.status FROM members m JOIN persons p ON p.id = m.person_id WHERE p.email = $1",
                {store::Text(app::kDemoAnnaEmail)})
            ->Text(0);
    };
    EXPECT_EQ(status(), "active");
    auto ended = anna.Post("/my/ending", {{"csrf_token", csrf}, {"confirm", "yes"}});
    EXPECT_EQ(ended.status, 200) << ended.body;
    EXPECT_EQ(status(), "ended");
    EXPECT_FALSE(Contains(anna.cookies, "andel_session")) << "logged out";
    EXPECT_EQ(anna.Get("/my").status, 303);
}

TEST_P(AccountPagesTest, R_MEM_6_AMemberChangesTheHomeStoreAndTheAddress) {
    Browser anna = LogIn(app::kDemoAnnaEmail, app::kDemoPersonPassword, "+4520000001");
    auto page = anna.Get("/my/details?lang=en");
    ASSERT_EQ(page.status, 200) << page.body;
    EXPECT_TRUE(Contains(page.body, "Your home store")) << page.body;
    EXPECT_FALSE(Contains(page.body, "se-umea-1")) << "only the market's stores";
    std::string csrf = CsrfOf(page.body);
    auto c = app_->db->Read();
    auto other = c->QueryOne(
        "SELECT s.code FROM stores s JOIN cooperatives co ON co.id = s.cooperative_id WHERE co.market = 'dk' "
        "AND "
        "s.id <> (SELECT m.home_store_id FROM members m JOIN persons p ON p.id = m.person_id WHERE p.email = "
        "$1) "
        "ORDER BY s.id LIMIT 1",
        {store::Text(app::kDemoAnnaEmail)});
    ASSERT_TRUE(other);
    auto moved = anna.Post("/my/details/home-store", {{"csrf_token", csrf}, {"store", other->Text(0)}});
    ASSERT_EQ(moved.status, 303) << moved.body;
    auto home = [&] {
        return c
            ->QueryOne(
                "SELECT s.code FROM members m JOIN persons p ON p.id = m.person_id JOIN stores s ON s.id = "
                "m.home_store_id WHERE p.email = $1",
                {store::Text(app::kDemoAnnaEmail)})
            ->Text(0);
    };
    EXPECT_EQ(home(), other->Text(0));
    EXPECT_TRUE(Contains(anna.Get("/my/details?done=store&lang=en").body, "Your home store is saved."));
    EXPECT_EQ(anna.Post("/my/details/home-store", {{"csrf_token", csrf}, {"store", "se-umea-1"}}).status, 422)
        << "a store of another market";
    EXPECT_EQ(anna.Post("/my/details/home-store", {{"store", other->Text(0)}}).status, 403)
        << "no CSRF token";

    auto missing =
        anna.Post("/my/details/address",
                  {{"csrf_token", csrf}, {"street", "Nygade 3"}, {"postal_code", ""}, {"city", "Odense"}});
    EXPECT_EQ(missing.status, 422);
    EXPECT_TRUE(Contains(missing.body, "value=\"Nygade 3\"")) << "the form keeps the entry";
    auto saved = anna.Post(
        "/my/details/address",
        {{"csrf_token", csrf}, {"street", "Nygade 3"}, {"postal_code", "5000"}, {"city", "Odense C"}});
    ASSERT_EQ(saved.status, 303) << saved.body;
    auto person = c->QueryOne("SELECT street, postal_code, city, phone FROM persons WHERE email = $1",
                              {store::Text(app::kDemoAnnaEmail)});
    EXPECT_EQ(person->Text(0), "Nygade 3");
    EXPECT_EQ(person->Text(1), "5000");
    EXPECT_EQ(person->Text(2), "Odense C");
    EXPECT_EQ(person->Text(3), "+4520000001") << "the phone is kept";

    // The demo member's contact data cannot be changed (R_MEM_10).
    Browser demo = Demo();
    auto demo_page = demo.Get("/my/details");
    ASSERT_EQ(demo_page.status, 200);
    auto refused = demo.Post("/my/details/address", {{"csrf_token", CsrfOf(demo_page.body)},
                                                     {"street", "Andetsteds 1"},
                                                     {"postal_code", "5000"},
                                                     {"city", "Odense"}});
    EXPECT_GE(refused.status, 400);
    EXPECT_LT(refused.status, 500);
}

TEST_P(AccountPagesTest, R_MEM_9_AMajorChangeIsAskedAfterLoginAndMayBeAcceptedOrDeclined) {
    // A minor change asks nothing; a major one is asked on the next login.
    auto publish = [&](const std::string& version, bool major) {
        store::TermsRecord t;
        t.market = "dk";
        t.version = version;
        t.summary = "Vilkår " + version;
        t.major = major;
        t.body = "Første afsnit.\n\nAndet afsnit om bonus.";
        ASSERT_TRUE(app_->membership->PublishTerms(t).ok());
        app_->clock.Advance(std::chrono::seconds(1));
    };
    publish("2026-2", false);
    Browser demo = Demo();
    EXPECT_EQ(demo.Get("/my").status, 200) << "a minor change is not asked";
    publish("2027-1", true);
    auto asked = demo.Get("/my");
    ASSERT_EQ(asked.status, 303);
    EXPECT_EQ(asked.Header("Location"), "/my/terms");
    auto page = demo.Get("/my/terms?lang=en");
    ASSERT_EQ(page.status, 200) << page.body;
    EXPECT_TRUE(Contains(page.body, "Version 2027-1")) << page.body;
    EXPECT_TRUE(Contains(page.body, "Andet afsnit om bonus."));
    EXPECT_TRUE(Contains(page.body, "I accept the terms"));
    EXPECT_TRUE(Contains(page.body, "/my/ending?terms=2027-1")) << "the member may decline";
    std::string csrf = CsrfOf(page.body);
    // Only the latest version can be accepted.
    EXPECT_EQ(demo.Post("/my/terms", {{"csrf_token", csrf}, {"version", "2026-2"}}).status, 422);
    EXPECT_EQ(demo.Post("/my/terms", {{"version", "2027-1"}}).status, 403) << "no CSRF token";
    auto accepted = demo.Post("/my/terms", {{"csrf_token", csrf}, {"version", "2027-1"}});
    ASSERT_EQ(accepted.status, 303) << accepted.body;
    EXPECT_EQ(demo.Get("/my").status, 200);
    auto again = demo.Get("/my/terms?lang=en");
    EXPECT_TRUE(Contains(again.body, "You accepted this version on")) << again.body;
    EXPECT_FALSE(Contains(again.body, "/my/ending?terms="));
    auto c = app_->db->Read();
    EXPECT_EQ(
        c->QueryOne("SELECT a.channel FROM terms_acceptances a JOIN terms_versions t ON t.id = "
                    "a.terms_version_id JOIN members m ON m.id = a.member_id WHERE t.version = '2027-1' AND "
                    "m.member_number = $1",
                    {store::Text(app::kDemoMemberNumber)})
            ->Text(0),
        "web");

    // Anna declines: the ending page says what is forfeited and that the share stays; confirming ends it.
    Browser anna = LogIn(app::kDemoAnnaEmail, app::kDemoPersonPassword, "+4520000001");
    EXPECT_EQ(anna.Get("/my").Header("Location"), "/my/terms");
    auto ending = anna.Get("/my/ending?terms=2027-1&lang=en");
    ASSERT_EQ(ending.status, 200) << ending.body;
    EXPECT_TRUE(Contains(ending.body, "You are declining the new member terms")) << ending.body;
    EXPECT_TRUE(Contains(ending.body, "name=\"terms_version\" value=\"2027-1\""));
    std::string anna_csrf = CsrfOf(ending.body);
    EXPECT_EQ(anna.Post("/my/ending", {{"csrf_token", anna_csrf}, {"terms_version", "2027-1"}}).status, 422)
        << "not confirmed";
    auto ended =
        anna.Post("/my/ending", {{"csrf_token", anna_csrf}, {"terms_version", "2027-1"}, {"confirm", "yes"}});
    EXPECT_EQ(ended.status, 200) << ended.body;
    EXPECT_EQ(
        c->QueryOne("SELECT m.status FROM members m JOIN persons p ON p.id = m.person_id WHERE p.email = $1",
                    {store::Text(app::kDemoAnnaEmail)})
            ->Text(0),
        "ended");
}

TEST_P(AccountPagesTest, R_MEM_3_ACustomerWithAProfileBecomesAMemberOnceTheSavingsHoldTheShare) {
    Browser peter = LogIn(app::kDemoPeterEmail, app::kDemoPersonPassword, "+4520000002");
    auto overview = peter.Get("/my");
    ASSERT_EQ(overview.status, 200) << overview.body;
    EXPECT_TRUE(Contains(overview.body, "href=\"/my/membership\""));
    auto short_of = peter.Get("/my/membership");
    ASSERT_EQ(short_of.status, 200);
    EXPECT_FALSE(Contains(short_of.body, "action=\"/my/membership\""))
        << "not before the savings hold 200 kr";
    std::string csrf = CsrfOf(overview.body);
    EXPECT_EQ(peter.Post("/my/membership", {{"csrf_token", csrf}}).status, 422) << "R_MEM_3 refuses";
    // Savings of 1 % on 20 000 kr of purchases reach the share (R_MEM_2).
    std::string card;
    {
        auto c = app_->db->Read();
        card =
            c->QueryOne(
                 "SELECT k.card_number FROM cards k JOIN members m ON m.id = k.member_id JOIN persons p ON "
                 "p.id = m.person_id WHERE p.email = $1 AND k.status = 'active'",
                 {store::Text(app::kDemoPeterEmail)})
                ->Text(0);
    }
    nlohmann::json receipt = {
        {"receipt_id", "web-r-mem-3"},
        {"till", "1"},
        {"occurred_at", "2026-11-23T11:00:00Z"},
        {"customer", {{"card", card}}},
        {"lines",
         {{{"sku", "5700000000011"}, {"category", "groceries"}, {"quantity", 1}, {"amount_minor", 2000000}}}},
        {"tenders", {{{"kind", "card"}, {"amount_minor", 2000000}}}}};
    auto [posted, outcome] = app_->Call("POST", "/api/v1/till/receipts", receipt, app::kDemoTillToken);
    ASSERT_EQ(posted, 201) << outcome.dump();
    auto ready = peter.Get("/my/membership");
    ASSERT_TRUE(Contains(ready.body, "action=\"/my/membership\"")) << ready.body;
    auto converted = peter.Post("/my/membership", {{"csrf_token", csrf}});
    ASSERT_EQ(converted.status, 303) << converted.body;
    auto welcome = peter.Get(converted.Header("Location"));
    EXPECT_TRUE(Contains(welcome.body, "role=\"status\""));
    auto c = app_->db->Read();
    auto kind = c->QueryOne(
        "SELECT m.kind, m.member_number FROM members m JOIN persons p ON p.id = m.person_id "
        "WHERE p.email = $1",
        {store::Text(app::kDemoPeterEmail)});
    EXPECT_EQ(kind->Text(0), "member");
    EXPECT_TRUE(core::IsValidMemberNumber(kind->Text(1)));
}

TEST_P(AccountPagesTest, TheDemoMembersPagesAllRenderInEveryLanguage) {
    Browser demo = Demo();
    auto ending = demo.Get("/my/ending?lang=en");
    EXPECT_EQ(ending.status, 422) << "the demo member cannot end (R_MEM_10)";
    EXPECT_TRUE(Contains(ending.body, "The demo member cannot be changed.")) << ending.body;
    for (const char* path :
         {"/my", "/my/household", "/my/cards", "/my/privacy", "/my/history", "/my/offers", "/my/sessions"}) {
        for (const char* lang : {"da", "nb", "sv", "en"}) {
            auto page = demo.Get(std::string(path) + "?lang=" + lang);
            EXPECT_EQ(page.status, 200) << path << " " << lang;
            EXPECT_TRUE(Contains(page.body, std::string("<html lang=\"") + lang + "\">")) << path;
            EXPECT_FALSE(Contains(page.body, "{{")) << path << " " << lang;
        }
    }
    EXPECT_EQ(demo.Get("/my/membership").Header("Location"), "/my") << "a member is one already";
}

INSTANTIATE_TEST_SUITE_P(Engines, AccountPagesTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::web
