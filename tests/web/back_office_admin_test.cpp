// The back office's administration in a browser (issue 8 §2): partners and their agreements (R_PART_1,
// R_PART_2), offers with their report (R_OFF_1), re-login campaigns and their run (R_AUTH_5), and the
// reports (partner bonus per home store, R_PART_4; the dividend runs, R_BON_7). Each page admits the roles
// its API route declares; a form's bad input is shown next to its field and changes nothing; a rule that
// refuses is said as a sentence. On SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <regex>

#include "app/demo/generator.hpp"
#include "app/ledger/dividend_job.hpp"
#include "http/test_app.hpp"
#include "notify/outbox.hpp"
#include "test_support.hpp"
#include "web/browser.hpp"
#include "web/web.hpp"

namespace andel::web {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

class BackOfficeAdminTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        app::SeedDemoCatalogue(*app_->db, app_->config.markets, app_->clock);
        app::SeedDemoOffers(*app_->db, app_->config.markets, app_->clock);
        AddWebRoutes(*app_->router, *app_->services);
        anna_ = Value(
            "SELECT m.member_number FROM members m JOIN persons p ON p.id = m.person_id WHERE p.email = '" +
            std::string(app::kDemoAnnaEmail) + "'");
    }
    std::string Value(const std::string& sql) {
        auto c = app_->db->Read();
        auto row = c->QueryOne(sql, {});
        return row && !row->IsNull(0) ? row->Text(0) : std::string();
    }
    int64_t Number(const std::string& sql) {
        auto c = app_->db->Read();
        return c->QueryOne(sql, {})->Int(0);
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
        std::smatch m, code;
        EXPECT_TRUE(std::regex_search(step.body, m, std::regex("name=\"challenge\" value=\"([^\"]+)\"")));
        std::string mail = LastMessageTo(email);
        EXPECT_TRUE(std::regex_search(mail, code, std::regex("([0-9]{6})"))) << mail;
        EXPECT_EQ(b.Post("/login/verify", {{"challenge", m[1].str()}, {"code", code[1].str()}}).status, 303);
        return b;
    }
    Browser Admin() { return Staff(app::kDemoAdminEmail); }
    // A form post with the page's CSRF token.
    Page Post(Browser& b, const std::string& page, const std::string& action, Fields fields) {
        fields.emplace_back("csrf_token", CsrfOf(b.Get(page).body));
        return b.Post(action, fields);
    }
    // A sale of glasses at Synoptik by Anna (R_PART_3), as the partner's API reports it.
    void GlassesSale(const std::string& id, const std::string& date, int64_t amount_minor) {
        int64_t partner = Number("SELECT id FROM partners WHERE code = 'dk-synoptik'");
        app::PartnerSaleInput in;
        in.sale_id = id;
        in.member_number = anna_;
        in.sale_date = date;
        in.currency = "DKK";
        in.lines = {{"glasses", amount_minor}};
        auto sale = app_->partners->ReportSale(partner, in, "test");
        ASSERT_TRUE(sale.ok()) << sale.error().detail;
    }
    std::unique_ptr<test::TestApp> app_;
    std::string anna_;
};

// No catalogue key and no template tag is left in a page.
void ExpectWords(const Page& p, const std::string& what) {
    EXPECT_FALSE(Contains(p.body, "{{")) << what;
    std::smatch key;
    EXPECT_FALSE(std::regex_search(p.body, key, std::regex("\\bbo_[a-z0-9_]+"))) << what << ": " << key.str();
}

const std::vector<std::string> kPages = {"/back-office/partners", "/back-office/partners/dk-synoptik",
                                         "/back-office/offers",   "/back-office/offers/dk-kaffe-3-for-2",
                                         "/back-office/relogin",  "/back-office/reports"};

TEST_P(BackOfficeAdminTest, EachPageAdmitsTheRolesItsApiRouteDeclares) {
    Browser admin = Admin();
    for (const auto& path : kPages) {
        auto p = admin.Get(path);
        EXPECT_EQ(p.status, 200) << path << ": " << p.body.substr(0, 500);
        ExpectWords(p, path);
        for (const char* href : {"/back-office\"", "/back-office/partners\"", "/back-office/offers\"",
                                 "/back-office/relogin\"", "/back-office/reports\""})
            EXPECT_TRUE(Contains(p.body, std::string("<a href=\"") + href))
                << path << " has no link to " << href;
    }
    EXPECT_TRUE(Contains(admin.Get("/back-office/offers").body,
                         "<a href=\"/back-office/offers\" aria-current=\"page\">Offers</a>"));
    EXPECT_TRUE(Contains(admin.Get("/back-office").body, "href=\"/back-office/reports\">Reports</a>"))
        << "the search page has the whole navigation too";
    auto se = admin.Get("/back-office/partners?market=se").body;
    EXPECT_TRUE(Contains(se, "Liseberg"));
    EXPECT_FALSE(Contains(se, "Synoptik")) << "the market filter";
    EXPECT_EQ(admin.Get("/back-office/partners/no-such-partner").status, 404);
    EXPECT_EQ(admin.Get("/back-office/offers/no-such-offer").status, 404);
    EXPECT_EQ(admin.Get("/back-office/relogin/999").status, 404);
    EXPECT_EQ(admin.Get("/back-office/relogin/x").status, 404);

    // Customer service finds members and helps them log in; none of this is theirs.
    Browser agent = Staff(app::kDemoAgentEmail);
    auto search = agent.Get("/back-office").body;
    EXPECT_TRUE(Contains(search, "<a href=\"/back-office\""));
    EXPECT_FALSE(Contains(search, "/back-office/partners"))
        << "the navigation shows only what the role may use";
    EXPECT_FALSE(Contains(search, "/back-office/relogin"));
    for (const auto& path : kPages) {
        auto p = agent.Get(path);
        EXPECT_EQ(p.status, 403) << path;
        EXPECT_TRUE(Contains(p.body, "Your role does not allow this page or action.")) << path;
    }
    const int64_t partners = Number("SELECT COUNT(*) FROM partners");
    EXPECT_EQ(Post(agent, "/back-office", "/back-office/partners",
                   {{"code", "dk-agent"},
                    {"market", "dk"},
                    {"name", "Agent"},
                    {"category", "home"},
                    {"sells_online", "yes"},
                    {"active_from", "2026-12-01"},
                    {"holding_days", "0"}})
                  .status,
              403);
    EXPECT_EQ(Post(agent, "/back-office", "/back-office/relogin/run", {}).status, 403);
    EXPECT_EQ(Number("SELECT COUNT(*) FROM partners"), partners);
    EXPECT_EQ(Number("SELECT COUNT(*) FROM relogin_participants"), 0);

    Browser anonymous(*app_->router);
    for (const auto& path : kPages) EXPECT_EQ(anonymous.Get(path).Header("Location"), "/login") << path;
    Browser member(*app_->router);
    ASSERT_EQ(
        member.Post("/login", {{"login", app::kDemoMemberNumber}, {"password", app::kDemoMemberPassword}})
            .status,
        303);
    for (const auto& path : kPages) EXPECT_EQ(member.Get(path).status, 403) << path;
}

TEST_P(BackOfficeAdminTest, APartnerIsCreatedAndChangedWithErrorsNextToTheFields_R_PART_2) {
    Browser b = Admin();
    const std::string list = "/back-office/partners";
    const int64_t before = Number("SELECT COUNT(*) FROM partners");
    auto empty = Post(b, list, list, {});
    EXPECT_EQ(empty.status, 400);
    ExpectWords(empty, "the empty form");
    for (const char* field : {"code", "market", "name", "sells-online", "active-from", "holding-days"})
        EXPECT_TRUE(Contains(empty.body, std::string("id=\"partner-") + field + "-error\" role=\"alert\""))
            << "every field's mistake at once: " << field;
    EXPECT_TRUE(Contains(empty.body,
                         "id=\"partner-code\" name=\"code\" type=\"text\" value=\"\" maxlength=\"64\" "
                         "autocomplete=\"off\" required aria-describedby=\"partner-code-hint "
                         "partner-code-error\" aria-invalid=\"true\""));
    EXPECT_TRUE(Contains(empty.body, "Give a code of 1 to 64 lower-case letters, digits, - and _."));
    Fields good = {
        {"code", "dk-matas"},          {"market", "dk"},        {"name", "Matas"},
        {"category", "home"},          {"sells_online", "yes"}, {"website_url", "https://matas.dk"},
        {"active_from", "2026-12-01"}, {"holding_days", "14"}};
    Fields bad = good;
    bad[2].second = "";                          // no name
    bad.push_back({"active_to", "2026-11-30"});  // before the start
    auto refused = Post(b, list, list, bad);
    EXPECT_EQ(refused.status, 400);
    EXPECT_TRUE(Contains(refused.body, "id=\"partner-name-error\""));
    EXPECT_TRUE(Contains(refused.body, "id=\"partner-active-to-error\""));
    EXPECT_TRUE(Contains(refused.body, "value=\"https://matas.dk\"")) << "what was typed stays";
    Fields shoes = good;
    shoes[3].second = "shoes";
    auto rule = Post(b, list, list, shoes);
    EXPECT_EQ(rule.status, 422);
    EXPECT_TRUE(Contains(rule.body,
                         "id=\"partner-category-error\" role=\"alert\">A partner belongs to one of the "
                         "categories members browse partners by (R_PART_2).</p>"))
        << rule.body;
    EXPECT_EQ(Number("SELECT COUNT(*) FROM partners"), before) << "nothing refused is created";

    auto created = Post(b, list, list, good);
    ASSERT_EQ(created.status, 303) << created.body;
    EXPECT_EQ(created.Header("Location"), "/back-office/partners/dk-matas?done=partner-created");
    auto page = b.Get(created.Header("Location"));
    EXPECT_TRUE(Contains(page.body, "role=\"status\">The partner is created.</p>"));
    EXPECT_TRUE(Contains(page.body, "<h1>Matas</h1>"));
    EXPECT_TRUE(Contains(page.body, "14 days"));
    EXPECT_TRUE(Contains(page.body, "No agreements yet"));
    auto again = Post(b, list, list, good);
    EXPECT_EQ(again.status, 409);
    EXPECT_TRUE(
        Contains(again.body, "id=\"partner-code-error\" role=\"alert\">A partner with this code exists"));

    const std::string path = "/back-office/partners/dk-matas";
    Fields change = {{"name", "Matas Online"},         {"category", "home"},          {"sells_online", "yes"},
                     {"sells_in_shop", "yes"},         {"active_from", "2026-12-01"}, {"holding_days", "731"},
                     {"website_url", "ftp://matas.dk"}};
    auto wrong = Post(b, path, path, change);
    EXPECT_EQ(wrong.status, 400);
    EXPECT_TRUE(Contains(wrong.body, "id=\"partner-holding-days-error\"")) << "730 days at most";
    EXPECT_TRUE(Contains(wrong.body, "id=\"partner-website-url-error\""));
    EXPECT_EQ(Value("SELECT name FROM partners WHERE code = 'dk-matas'"), "Matas");
    change[5].second = "730";
    change[6].second = "https://matas.dk/shop";
    auto saved = Post(b, path, path, change);
    ASSERT_EQ(saved.status, 303) << saved.body;
    EXPECT_EQ(Value("SELECT name FROM partners WHERE code = 'dk-matas'"), "Matas Online");
    auto view = app_->partners->Get("dk-matas");
    ASSERT_TRUE(view.ok());
    EXPECT_EQ(view->partner.holding_days, 730);
    EXPECT_TRUE(view->partner.sells_in_shop);
    EXPECT_TRUE(Contains(b.Get(saved.Header("Location")).body, "The changes are saved."));
}

TEST_P(BackOfficeAdminTest, AnAgreementStartsAndEndsWithoutChangingBookedSales_R_PART_1) {
    Browser b = Admin();
    const std::string path = "/back-office/partners/dk-synoptik";
    auto agreements = [this] { return app_->partners->Get("dk-synoptik")->agreements; };
    auto glasses = [&](int64_t rate) {
        for (const auto& a : agreements())
            if (a.category == "glasses" && a.rate_bp == rate) return a;
        return core::PartnerAgreement{};
    };
    const size_t before = agreements().size();
    auto wrong =
        Post(b, path, path + "/agreements",
             {{"category", "Glasses!"}, {"label", ""}, {"rate", "five"}, {"valid_from", "2026-02-30"}});
    EXPECT_EQ(wrong.status, 400);
    ExpectWords(wrong, "the refused agreement");
    for (const char* field : {"category", "label", "rate", "valid-from"})
        EXPECT_TRUE(Contains(wrong.body, std::string("id=\"agreement-") + field + "-error\"")) << field;
    auto over = Post(
        b, path, path + "/agreements",
        {{"category", "glasses"}, {"label", "Briller"}, {"rate", "100,01"}, {"valid_from", "2026-12-01"}});
    EXPECT_EQ(over.status, 400) << "a rate is at most 100 %";
    EXPECT_EQ(agreements().size(), before);

    // A sale on the 20th was booked at 5 %: a new rate from the 20th would change it, from the 21st it does
    // not.
    GlassesSale("s-1120", "2026-11-20", 100000);
    Fields seven = {
        {"category", "glasses"}, {"label", "Briller"}, {"rate", "7"}, {"valid_from", "2026-11-20"}};
    auto refused = Post(b, path, path + "/agreements", seven);
    EXPECT_EQ(refused.status, 422);
    EXPECT_TRUE(Contains(refused.body,
                         "id=\"agreement-valid-from-error\" role=\"alert\">Sales already booked at the "
                         "current rate would change; a new rate never alters past sales (R_PART_1)."))
        << refused.body;
    EXPECT_EQ(agreements().size(), before);
    seven[3].second = "2026-11-21";
    auto added = Post(b, path, path + "/agreements", seven);
    ASSERT_EQ(added.status, 303) << added.body;
    EXPECT_EQ(glasses(500).valid_to.value_or(""), "2026-11-20") << "the rate in force ends the day before";
    auto page = b.Get(added.Header("Location")).body;
    EXPECT_TRUE(Contains(page, "The agreement is added"));
    EXPECT_TRUE(Contains(page, "<td class=\"num\">7%</td>"));
    auto clash =
        Post(b, path, path + "/agreements",
             {{"category", "glasses"}, {"label", "Briller"}, {"rate", "2,5"}, {"valid_from", "2026-11-21"}});
    EXPECT_EQ(clash.status, 409);
    EXPECT_TRUE(Contains(clash.body, "An agreement for this category already starts on that day or later."));

    // Ending the 7 % one: not before a sale booked under it (the 22nd), and never later than it ends.
    GlassesSale("s-1122", "2026-11-22", 20000);
    const std::string id = std::to_string(glasses(700).id);
    EXPECT_EQ(Post(b, path, path + "/agreements/end", {{"agreement", id}, {"valid_to", "22.11.2026"}}).status,
              400);
    auto early = Post(b, path, path + "/agreements/end", {{"agreement", id}, {"valid_to", "2026-11-21"}});
    EXPECT_EQ(early.status, 422);
    EXPECT_TRUE(
        Contains(early.body, "id=\"agreement-end-valid-to-error\" role=\"alert\">Sales already booked"));
    auto before_start =
        Post(b, path, path + "/agreements/end", {{"agreement", id}, {"valid_to", "2026-11-19"}});
    EXPECT_EQ(before_start.status, 422);
    EXPECT_TRUE(Contains(before_start.body, "id=\"agreement-end-valid-to-error\""));
    EXPECT_FALSE(glasses(700).valid_to.has_value());
    auto ended = Post(b, path, path + "/agreements/end", {{"agreement", id}, {"valid_to", "2026-11-22"}});
    ASSERT_EQ(ended.status, 303) << ended.body;
    EXPECT_EQ(glasses(700).valid_to.value_or(""), "2026-11-22");
    EXPECT_TRUE(Contains(b.Get(ended.Header("Location")).body, "The agreement&apos;s last day is set."));
    EXPECT_EQ(Number("SELECT COALESCE(SUM(bonus_minor), 0) FROM partner_sales"), 5000 + 1400)
        << "the booked sales kept their rates";
}

TEST_P(BackOfficeAdminTest, AnOfferIsCreatedPausedAndResumed_R_OFF_1) {
    Browser b = Admin();
    const std::string list = "/back-office/offers";
    EXPECT_TRUE(Contains(b.Get(list).body, "href=\"/back-office/offers/dk-kaffe-3-for-2\""));
    const int64_t before = Number("SELECT COUNT(*) FROM offers");
    auto empty = Post(b, list, list, {});
    EXPECT_EQ(empty.status, 400);
    ExpectWords(empty, "the empty offer");
    for (const char* field : {"code", "market", "title", "kind", "target-kind", "valid-from", "valid-to"})
        EXPECT_TRUE(Contains(empty.body, std::string("id=\"offer-") + field + "-error\"")) << field;
    Fields good = {{"code", "dk-milk-10"},
                   {"market", "dk"},
                   {"title", "10 % off milk"},
                   {"kind", "percent_off"},
                   {"value", "10"},
                   {"target_kind", "products"},
                   {"eans", "5700000000011"},
                   {"valid_from", "2026-11-23"},
                   {"valid_to", "2026-12-20"},
                   {"limit_per_member", "2"},
                   {"members_only", "yes"}};
    Fields bad_ean = good;
    bad_ean[6].second = "5700000000011, 123";
    auto ean = Post(b, list, list, bad_ean);
    EXPECT_EQ(ean.status, 400);
    EXPECT_TRUE(Contains(ean.body, "id=\"offer-eans-error\""));
    EXPECT_TRUE(Contains(ean.body, "value=\"5700000000011, 123\""));
    Fields points = good;
    points[3].second = "extra_points";
    points[4].second = "2";
    auto kind = Post(b, list, list, points);
    EXPECT_EQ(kind.status, 422) << "the service refuses points in a market with bonus in money";
    EXPECT_TRUE(Contains(kind.body, "id=\"offer-kind-error\" role=\"alert\">Choose what the offer does"));
    Fields long_offer = good;
    long_offer[8].second = "2027-12-31";
    EXPECT_EQ(Post(b, list, list, long_offer).status, 422) << "an offer runs at most a year";
    EXPECT_EQ(Number("SELECT COUNT(*) FROM offers"), before);

    auto created = Post(b, list, list, good);
    ASSERT_EQ(created.status, 303) << created.body;
    EXPECT_EQ(created.Header("Location"), "/back-office/offers/dk-milk-10?done=offer-created");
    EXPECT_EQ(Post(b, list, list, good).status, 409);
    const std::string path = "/back-office/offers/dk-milk-10";
    auto page = b.Get(path);
    ASSERT_EQ(page.status, 200);
    ExpectWords(page, "the offer");
    EXPECT_TRUE(Contains(page.body, "<dd>10% off</dd>"));
    EXPECT_TRUE(Contains(page.body, "<dd>The products 5700000000011</dd>"));
    EXPECT_TRUE(Contains(page.body, "id=\"offer-report-heading\""));
    EXPECT_TRUE(Contains(page.body, "<dt>Uses per member</dt><dd>2</dd>"));

    EXPECT_EQ(Post(b, path, path + "/status", {{"status", "broken"}}).status, 422);
    EXPECT_EQ(Value("SELECT status FROM offers WHERE code = 'dk-milk-10'"), "active");
    auto paused = Post(b, path, path + "/status", {{"status", "paused"}});
    ASSERT_EQ(paused.status, 303);
    EXPECT_EQ(Value("SELECT status FROM offers WHERE code = 'dk-milk-10'"), "paused");
    auto after = b.Get(paused.Header("Location")).body;
    EXPECT_TRUE(Contains(after, "The offer is paused."));
    EXPECT_TRUE(Contains(after, "<dd>Paused</dd>"));
    EXPECT_TRUE(Contains(after, "Resume the offer"));
    ASSERT_EQ(Post(b, path, path + "/status", {{"status", "active"}}).status, 303);
    EXPECT_EQ(Value("SELECT status FROM offers WHERE code = 'dk-milk-10'"), "active");

    // A multi-buy: 3 for 2 by the units paid, or a bundle's price, never both.
    Fields multi = {{"code", "dk-coffee-3-for-2"},
                    {"market", "dk"},
                    {"title", "3 for 2"},
                    {"kind", "multi_buy"},
                    {"buy_quantity", "3"},
                    {"pay_quantity", "2"},
                    {"value", "50"},
                    {"target_kind", "products"},
                    {"eans", "5700000000172"},
                    {"valid_from", "2026-11-23"},
                    {"valid_to", "2026-12-20"}};
    auto both = Post(b, list, list, multi);
    EXPECT_EQ(both.status, 400);
    EXPECT_TRUE(Contains(both.body, "id=\"offer-value-error\""));
    multi[6].second = "";
    ASSERT_EQ(Post(b, list, list, multi).status, 303);
    EXPECT_TRUE(Contains(b.Get("/back-office/offers/dk-coffee-3-for-2").body, "<dd>3 for 2</dd>"));
}

TEST_P(BackOfficeAdminTest, ACampaignIsCreatedInWavesAndRun_R_AUTH_5) {
    Browser b = Admin();
    const std::string list = "/back-office/relogin";
    auto empty = Post(b, list, list, {});
    EXPECT_EQ(empty.status, 400);
    ExpectWords(empty, "the empty campaign");
    for (const char* field : {"name", "w1-share", "w1-starts", "w1-deadline"})
        EXPECT_TRUE(Contains(empty.body, std::string("id=\"relogin-") + field + "-error\"")) << field;
    Fields good = {{"name", "BankID 2027"},
                   {"market", "dk"},
                   {"method", "bankid"},
                   {"w1_share", "100"},
                   {"w1_starts", "2026-11-23T08:00"},
                   {"w1_deadline", "2026-12-23T08:00"},
                   {"w1_reminders", "7, 1"}};
    Fields backwards = good;
    backwards[5].second = "2026-11-22T08:00";
    auto deadline = Post(b, list, list, backwards);
    EXPECT_EQ(deadline.status, 400);
    EXPECT_TRUE(Contains(deadline.body, "id=\"relogin-w1-deadline-error\""));
    Fields too_many = good;
    for (Fields::value_type w :
         Fields{{"w3_share", "50"}, {"w3_starts", "2026-12-01T08:00"}, {"w3_deadline", "2027-01-01T08:00"}})
        too_many.push_back(w);
    auto shares = Post(b, list, list, too_many);
    EXPECT_EQ(shares.status, 422) << "the service adds the shares up";
    EXPECT_TRUE(
        Contains(shares.body, "id=\"relogin-w3-share-error\" role=\"alert\">Give a share of 1 to 100 %"))
        << "next to the third wave's field, though the second was left empty";
    EXPECT_EQ(Number("SELECT COUNT(*) FROM relogin_campaigns"), 0);

    auto created = Post(b, list, list, good);
    ASSERT_EQ(created.status, 303) << created.body;
    const std::string location = created.Header("Location");
    std::smatch id;
    ASSERT_TRUE(std::regex_search(location, id, std::regex("/back-office/relogin/([0-9]+)")));
    auto campaign = app_->relogin->Find(std::stoll(id[1].str()));
    ASSERT_TRUE(campaign.ok());
    ASSERT_EQ(campaign->waves.size(), 1u);
    EXPECT_EQ(core::FormatTimestamp(core::FromMillis(campaign->waves[0].starts_at)),
              "2026-11-23T07:00:00.000Z")
        << "08:00 in Copenhagen";
    EXPECT_EQ(campaign->waves[0].reminder_days, (std::vector<int>{7, 1}));
    EXPECT_EQ(Post(b, list, list, good).status, 409) << "a name is a campaign's own";
    auto page = b.Get(created.Header("Location"));
    ExpectWords(page, "the campaign");
    EXPECT_TRUE(Contains(page.body, "The campaign is created."));
    EXPECT_TRUE(Contains(page.body, "<td>100% of the members</td>"));
    EXPECT_TRUE(Contains(page.body, "<td>7, 1 days before</td>"));
    EXPECT_TRUE(Contains(page.body, "<dt>Participants</dt><dd>0</dd>"));

    auto ran = Post(b, list, list + "/run", {});
    ASSERT_EQ(ran.status, 303) << ran.body;
    const int64_t participants = Number("SELECT COUNT(*) FROM relogin_participants");
    EXPECT_GT(participants, 0) << "the wave has started: members with a digital account take part";
    EXPECT_TRUE(Contains(ran.Header("Location"), "done=run&assigned=" + std::to_string(participants) + "&"));
    EXPECT_TRUE(Contains(b.Get(ran.Header("Location")).body,
                         "The campaigns ran: " + std::to_string(participants) + " became participants"));
    EXPECT_TRUE(Contains(b.Get(created.Header("Location")).body,
                         "<dt>Participants</dt><dd>" + std::to_string(participants) + "</dd>"));
    EXPECT_FALSE(Contains(b.Get(list + "?done=run&assigned=x&notified=1&reminded=1&logged_out=1").body,
                          "The campaigns ran"))
        << "the counts in the address are numbers or nothing is said";
}

TEST_P(BackOfficeAdminTest, ReportsShowPartnerBonusPerHomeStoreAndTheDividendRuns_R_PART_4_R_BON_7) {
    Browser b = Admin();
    GlassesSale("s-report", "2026-11-20", 100000);  // 5 % of 1 000 kr
    const std::string home = Value(
        "SELECT st.name FROM members m JOIN stores st ON st.id = m.home_store_id "
        "WHERE m.member_number = '" +
        anna_ + "'");
    ASSERT_FALSE(home.empty());
    auto page = b.Get("/back-office/reports");
    ASSERT_EQ(page.status, 200);
    ExpectWords(page, "the reports");
    EXPECT_TRUE(Contains(page.body, "<td>" + home +
                                        "</td><td class=\"num\">1</td><td class=\"num\">DKK\u00a01,000.00"
                                        "</td><td class=\"num\">DKK\u00a050.00</td>"))
        << page.body;
    auto by_partner =
        b.Get("/back-office/reports?from=2026-11-01&to=2026-11-30&market=dk&group_by=partner").body;
    EXPECT_TRUE(Contains(by_partner, "<td>Synoptik</td>"));
    auto none = b.Get("/back-office/reports?from=2026-11-21&to=2026-11-30&market=dk&group_by=partner").body;
    EXPECT_TRUE(Contains(none, "No partner sales in the period.")) << "the period's edge";
    auto wrong = b.Get("/back-office/reports?from=2026-11-30&to=2026-11-01&market=xx&group_by=home_store");
    EXPECT_EQ(wrong.status, 400);
    EXPECT_TRUE(Contains(wrong.body, "id=\"report-to-error\""));
    EXPECT_TRUE(Contains(wrong.body, "id=\"report-market-error\""));
    EXPECT_FALSE(Contains(wrong.body, "partner-report-heading"));

    EXPECT_TRUE(Contains(page.body, "No run has been recorded yet."));
    auto open_year = b.Get("/back-office/reports?dividend_year=2026");
    EXPECT_EQ(open_year.status, 422);
    EXPECT_TRUE(Contains(open_year.body,
                         "id=\"dividend-dividend-year-error\" role=\"alert\">A year&apos;s purchase "
                         "dividend is paid once the year has ended in the market&apos;s time zone "
                         "(R_BON_7)."));
    EXPECT_EQ(b.Get("/back-office/reports?dividend_year=20x5").status, 400);
    auto preview = b.Get("/back-office/reports?dividend_year=2025");
    EXPECT_EQ(preview.status, 200);
    EXPECT_TRUE(Contains(preview.body, "Preview of 2025"));
    EXPECT_TRUE(Contains(preview.body, "A dry run: nothing is paid or recorded."));
    EXPECT_EQ(Number("SELECT COUNT(*) FROM dividend_runs"), 0) << "a preview records nothing";

    app::DividendJob job(*app_->db, app_->clock, app_->config.markets);
    ASSERT_TRUE(job.Run(2025, false).ok());
    auto runs = b.Get("/back-office/reports").body;
    EXPECT_FALSE(Contains(runs, "No run has been recorded yet."));
    EXPECT_TRUE(
        std::regex_search(runs, std::regex("<tr><td>2025</td><td>no</td><td>23 Nov 2026, 13:00</td>")))
        << runs;
}

TEST_P(BackOfficeAdminTest, AFormWithoutTheSessionsCsrfTokenIsRefused) {
    Browser b = Admin();
    const int64_t partners = Number("SELECT COUNT(*) FROM partners");
    auto forged = b.Post("/back-office/partners", {{"code", "dk-forged"},
                                                   {"market", "dk"},
                                                   {"name", "Forged"},
                                                   {"category", "home"},
                                                   {"sells_online", "yes"},
                                                   {"active_from", "2026-12-01"},
                                                   {"holding_days", "0"}});
    EXPECT_EQ(forged.status, 403);
    EXPECT_EQ(b.Post("/back-office/offers/dk-kaffe-3-for-2/status", {{"status", "paused"}}).status, 403);
    EXPECT_EQ(Number("SELECT COUNT(*) FROM partners"), partners);
    EXPECT_EQ(Value("SELECT status FROM offers WHERE code = 'dk-kaffe-3-for-2'"), "active");
}

INSTANTIATE_TEST_SUITE_P(Engines, BackOfficeAdminTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::web
