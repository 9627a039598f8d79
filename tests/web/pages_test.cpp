// My pages and the price checker as a browser uses them (issue 8 §1, issue 6 §2): plain form posts with
// the session cookie and its CSRF token, on SQLite and PostgreSQL; and the pages' catalogue and formats.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "app/demo/generator.hpp"
#include "http/test_app.hpp"
#include "notify/outbox.hpp"
#include "test_support.hpp"
#include "web/browser.hpp"
#include "web/i18n.hpp"
#include "web/render.hpp"
#include "web/web.hpp"

namespace andel::web {
namespace {

class PagesTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        app::SeedDemoCatalogue(*app_->db, app_->config.markets, app_->clock);
        app::SeedDemoOffers(*app_->db, app_->config.markets, app_->clock);
        AddWebRoutes(*app_->router, *app_->services);
        auto c = app_->db->Read();
        member_ = c->QueryOne("SELECT id FROM members WHERE member_number = '33216744'")->Int(0);
        card_ = c->QueryOne("SELECT card_number FROM cards WHERE member_id = $1 AND status = 'active'",
                            {store::Int(member_)})
                    ->Text(0);
    }
    // The demo member, logged in through the form (no second step: R_MEM_10).
    Browser DemoMember() {
        Browser b(*app_->router);
        auto r =
            b.Post("/login", {{"login", app::kDemoMemberNumber}, {"password", app::kDemoMemberPassword}});
        EXPECT_EQ(r.status, 303) << r.body;
        EXPECT_EQ(r.Header("Location"), "/");
        EXPECT_EQ(b.Get("/").Header("Location"), "/my") << "a member starts on My pages";
        return b;
    }
    std::string LastMessageTo(const std::string& to) {
        auto c = app_->db->Read();
        auto items = notify::ListOutbox(*c, *app_->sealer, 0, 1, to);
        return items.empty() ? std::string() : items.front().body;
    }
    std::unique_ptr<test::TestApp> app_;
    int64_t member_ = 0;
    std::string card_;
};

TEST_P(PagesTest, TheDemoMemberLogsInAndSeesTheOverviewInDanish_R_BON_8) {
    Browser b = DemoMember();
    EXPECT_TRUE(Contains(b.cookies, "andel_session=s.")) << b.cookies;
    auto page = b.Get("/my");
    ASSERT_EQ(page.status, 200) << page.body;
    EXPECT_EQ(page.Header("Cache-Control"), "no-store");
    EXPECT_TRUE(Contains(page.Header("Content-Security-Policy"), "frame-ancestors 'none'"));
    EXPECT_TRUE(Contains(page.body, "<html lang=\"da\">")) << "a Danish member's pages default to Danish";
    EXPECT_TRUE(Contains(page.body, "Din bonus"));
    EXPECT_TRUE(Contains(page.body, "33216744"));
    EXPECT_TRUE(Contains(page.body, "<svg class=\"chart\"")) << "the last 12 months as inline SVG";
    EXPECT_FALSE(Contains(page.body, "{{")) << "no template tag left unrendered";
    // The balance as the ledger has it, in Danish money format.
    auto summary = app_->rewards->Summary(app::kDemoMemberNumber);
    ASSERT_TRUE(summary.ok());
    EXPECT_TRUE(Contains(page.body, FormatMoney(summary->balance, "DKK", "da"))) << page.body;
    EXPECT_EQ(summary->months.size(), 12u);
    EXPECT_EQ(summary->months.back().month, summary->current_month);

    // The visitor switches to English; the choice is remembered.
    auto english = b.Get("/my?lang=en");
    EXPECT_TRUE(Contains(english.body, "<html lang=\"en\">"));
    EXPECT_TRUE(Contains(english.body, "Your bonus"));
    EXPECT_TRUE(Contains(b.cookies, "andel_lang=en"));
    EXPECT_TRUE(Contains(b.Get("/my/offers").body, "Your offers"));
}

TEST_P(PagesTest, PagesNeedALoginAndFormsNeedTheSessionsCsrfToken_R_AUTH_3) {
    Browser anonymous(*app_->router);
    for (const char* path : {"/my", "/my/offers", "/my/history", "/my/sessions"}) {
        auto r = anonymous.Get(path);
        EXPECT_EQ(r.status, 303) << path;
        EXPECT_EQ(r.Header("Location"), "/login") << path;
    }
    Browser b = DemoMember();
    std::string csrf = CsrfOf(b.Get("/my/offers").body);
    ASSERT_FALSE(csrf.empty());
    // A form from elsewhere (no token, or a wrong one) changes nothing.
    auto forged = b.Post("/my/offers/dk-kaffe-3-for-2/activation", {{"csrf_token", "forged"}});
    EXPECT_EQ(forged.status, 403);
    auto c = app_->db->Read();
    EXPECT_FALSE(c->QueryOne("SELECT 1 FROM offer_activations WHERE member_id = $1", {store::Int(member_)}));
    auto ok = b.Post("/my/offers/dk-kaffe-3-for-2/activation", {{"csrf_token", csrf}});
    EXPECT_EQ(ok.status, 303);
    EXPECT_TRUE(c->QueryOne("SELECT 1 FROM offer_activations WHERE member_id = $1", {store::Int(member_)}));
}

TEST_P(PagesTest, AMemberActivatesAnOfferOnTheWeb_R_OFF_2) {
    Browser b = DemoMember();
    auto list = b.Get("/my/offers");
    ASSERT_EQ(list.status, 200);
    EXPECT_TRUE(Contains(list.body, "action=\"/my/offers/dk-kaffe-3-for-2/activation\"")) << list.body;
    EXPECT_FALSE(Contains(list.body, "se-kaffe-200-poang")) << "another market's offer";
    auto done = b.Post("/my/offers/dk-kaffe-3-for-2/activation", {{"csrf_token", CsrfOf(list.body)}});
    ASSERT_EQ(done.status, 303);
    EXPECT_EQ(done.Header("Location"), "/my/offers?activated=dk-kaffe-3-for-2");
    auto after = b.Get(done.Header("Location"));
    EXPECT_TRUE(Contains(after.body, "role=\"status\"")) << "the confirmation is announced";
    EXPECT_FALSE(Contains(after.body, "action=\"/my/offers/dk-kaffe-3-for-2/activation\""));
    auto c = app_->db->Read();
    auto row =
        c->QueryOne("SELECT channel FROM offer_activations WHERE member_id = $1", {store::Int(member_)});
    ASSERT_TRUE(row);
    EXPECT_EQ(row->Text(0), "web");
    // Another market's offer cannot be activated from here.
    auto refused = b.Post("/my/offers/se-kaffe-200-poang/activation", {{"csrf_token", CsrfOf(list.body)}});
    EXPECT_EQ(refused.status, 404);
}

TEST_P(PagesTest, LoginWithASecondStepAndItsErrorsNextToTheField_R_AUTH_1) {
    Browser b(*app_->router);
    b.accept_language = "sv-SE,sv;q=0.9,en;q=0.8";
    auto wrong = b.Post("/login", {{"login", app::kDemoAnnaEmail}, {"password", "not her password"}});
    EXPECT_EQ(wrong.status, 401);
    EXPECT_TRUE(Contains(wrong.body, "<html lang=\"sv\">")) << "the browser's language before login";
    EXPECT_TRUE(Contains(wrong.body, "role=\"alert\""));
    EXPECT_TRUE(Contains(wrong.body, "aria-invalid=\"true\""));
    EXPECT_TRUE(Contains(wrong.body, "value=\"" + std::string(app::kDemoAnnaEmail) + "\"")) << "kept";
    EXPECT_FALSE(Contains(b.cookies, "andel_session"));

    auto step = b.Post("/login", {{"login", app::kDemoAnnaEmail}, {"password", app::kDemoPersonPassword}});
    ASSERT_EQ(step.status, 200) << step.body;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(step.body, m, std::regex("name=\"challenge\" value=\"([^\"]+)\"")));
    std::string challenge = m[1].str();
    std::smatch code_match;
    std::string sms = LastMessageTo("+4520000001");
    ASSERT_TRUE(std::regex_search(sms, code_match, std::regex("([0-9]{6})"))) << sms;
    std::string code = code_match[1].str();
    auto bad =
        b.Post("/login/verify", {{"challenge", challenge}, {"code", code == "111111" ? "222222" : "111111"}});
    EXPECT_EQ(bad.status, 401);
    EXPECT_TRUE(Contains(bad.body, "Koden är fel")) << bad.body;
    auto good = b.Post("/login/verify", {{"challenge", challenge}, {"code", code}});
    ASSERT_EQ(good.status, 303) << good.body;
    EXPECT_TRUE(Contains(b.cookies, "andel_session=s."));
    EXPECT_EQ(b.Get("/my").status, 200);
    // Log out: the cookie is cleared and the session is over.
    auto page = b.Get("/my");
    auto out = b.Post("/logout", {{"csrf_token", CsrfOf(page.body)}});
    EXPECT_EQ(out.status, 303);
    EXPECT_FALSE(Contains(b.cookies, "andel_session"));
    EXPECT_EQ(b.Get("/my").status, 303);
}

TEST_P(PagesTest, AMemberEndsASessionOnAnotherDevice_R_AUTH_3) {
    Browser here = DemoMember();
    Browser other = DemoMember();
    ASSERT_EQ(other.Get("/my").status, 200);
    auto list = here.Get("/my/sessions");
    ASSERT_EQ(list.status, 200);
    // Two sessions, this one marked; end the other by its button.
    std::regex ends("action=\"/my/sessions/([^\"/]+)/end\"");
    std::vector<std::string> ids;
    for (std::sregex_iterator it(list.body.begin(), list.body.end(), ends), end; it != end; ++it)
        ids.push_back((*it)[1].str());
    ASSERT_GE(ids.size(), 2u) << list.body;
    auto done = here.Post("/my/sessions/end-others", {{"csrf_token", CsrfOf(list.body)}});
    EXPECT_EQ(done.status, 303);
    EXPECT_EQ(other.Get("/my").status, 303) << "the other device is logged out";
    EXPECT_EQ(here.Get("/my").status, 200) << "this one is not";
    auto after = here.Get("/my/sessions?ended=others");
    EXPECT_TRUE(Contains(after.body, "role=\"status\""));
}

TEST_P(PagesTest, ThePriceCheckerShowsAProductAndAMembersOffersToActivate_R_OFF_2) {
    Browser kiosk(*app_->router);
    auto setup = kiosk.Get("/price-checker");
    ASSERT_EQ(setup.status, 200);
    EXPECT_TRUE(Contains(setup.body, "action=\"/price-checker/setup\""));
    EXPECT_EQ(kiosk.Post("/price-checker/setup", {{"key", app::kDemoTillToken}}).status, 401)
        << "a till's key is not a price checker's";
    auto saved = kiosk.Post("/price-checker/setup", {{"key", app::kDemoKioskToken}});
    ASSERT_EQ(saved.status, 303);
    EXPECT_TRUE(Contains(saved.Header("Set-Cookie"), "HttpOnly"));
    EXPECT_TRUE(Contains(saved.Header("Set-Cookie"), "SameSite=Strict"));

    auto idle = kiosk.Get("/price-checker");
    EXPECT_TRUE(Contains(idle.body, "autofocus"));
    EXPECT_TRUE(Contains(idle.body, "class=\"kiosk\""));
    EXPECT_FALSE(Contains(idle.body, "http-equiv=\"refresh\"")) << "the idle screen stays";

    auto product = kiosk.Get("/price-checker/scan?code=5700000000011");
    ASSERT_EQ(product.status, 200) << product.body;
    EXPECT_TRUE(Contains(product.body, "content=\"30;url=/price-checker\"")) << "back to idle after 30 s";
    EXPECT_TRUE(Contains(product.body, "class=\"price\""));
    EXPECT_EQ(kiosk.Get("/price-checker/scan?code=5700000000012").status, 400) << "a wrong check digit";
    EXPECT_EQ(kiosk.Get("/price-checker/scan?code=5700000009991").status, 404);

    auto member = kiosk.Get("/price-checker/scan?code=" + card_);
    ASSERT_EQ(member.status, 200) << member.body;
    auto view = app_->membership->GetById(member_);
    ASSERT_TRUE(view.ok());
    EXPECT_TRUE(Contains(member.body, view->member.person.first_name));
    EXPECT_FALSE(Contains(member.body, view->member.person.last_name))
        << "no personal data but the first name";
    EXPECT_FALSE(Contains(member.body, card_)) << "the card number is not in the page";
    EXPECT_FALSE(Contains(member.body, app::kDemoMemberNumber));
    std::smatch m;
    ASSERT_TRUE(std::regex_search(member.body, m, std::regex("name=\"member\" value=\"([^\"]+)\"")));
    std::string token = m[1].str();
    auto activated =
        kiosk.Post("/price-checker/activation", {{"member", token}, {"offer_code", "dk-kaffe-3-for-2"}});
    ASSERT_EQ(activated.status, 200) << activated.body;
    auto c = app_->db->Read();
    auto row =
        c->QueryOne("SELECT channel FROM offer_activations WHERE member_id = $1", {store::Int(member_)});
    ASSERT_TRUE(row);
    EXPECT_EQ(row->Text(0), "price_checker");
    // The tap is good for five minutes only.
    app_->clock.Set(app_->clock.Now() + std::chrono::minutes(6));
    EXPECT_EQ(kiosk.Post("/price-checker/activation", {{"member", token}, {"offer_code", "dk-kaffe-3-for-2"}})
                  .status,
              401);
    EXPECT_EQ(kiosk.Post("/price-checker/activation", {{"member", "v1.forged"}, {"offer_code", "x"}}).status,
              401);

    // A customer with a profile is told the price checker is for members.
    auto profile = app_->RegisterDanishProfile();
    ASSERT_FALSE(profile.cards.empty());
    auto refused = kiosk.Get("/price-checker/scan?code=" + profile.cards[0].card_number);
    EXPECT_EQ(refused.status, 422);
    EXPECT_TRUE(Contains(refused.body, "Prisscanneren er for medlemmer")) << refused.body;

    // Without the kiosk's key, nothing is shown.
    Browser stranger(*app_->router);
    EXPECT_EQ(stranger.Get("/price-checker/scan?code=" + card_).status, 401);
}

// R_OFF_4, R_PRIV_2: "Recommended for you" on the overview only with the consent to personal content: without
// it a sentence links to the consents; with it the member's products with name, size and price (a weighed
// one per kg); withdrawn, the sentence is back on the next page.
TEST_P(PagesTest, TheOverviewRecommendsOnlyWithTheConsentToPersonalContent_R_OFF_4) {
    Browser b = DemoMember();
    const Catalogue& cat = Catalogue::Embedded();
    auto has = [](const Page& p, const std::string& text) { return Contains(p.body, text); };
    auto page = b.Get("/my");
    ASSERT_EQ(page.status, 200) << page.body;
    EXPECT_TRUE(has(page, cat.Text("overview_recommended_heading", "da")));
    EXPECT_TRUE(has(page, cat.Text("overview_recommended_off", "da")));
    EXPECT_TRUE(has(page, "<a href=\"/my/privacy\">" + cat.Text("overview_recommended_off_link", "da")));

    // The member shops, then consents on the privacy page.
    auto c = app_->db->Read();
    const int64_t store = c->QueryOne("SELECT id FROM stores WHERE code = 'dk-odense-1'")->Int(0);
    for (int i = 0; i < 2; ++i) {
        app::ReceiptInput in;
        in.receipt_id = "web-r-" + std::to_string(i);
        in.till = "till-1";
        in.occurred_at = app_->clock.Now() - std::chrono::hours(24 * (i + 1));
        in.member_number = app::kDemoMemberNumber;
        in.lines.push_back({"5700000000011", "groceries", 1, 1295, 0});  // Økologisk letmælk, 1 l
        in.lines.push_back({"5700000000097", "groceries", 1, 2000, 0});  // Æbler Ingrid Marie, weighed
        in.tenders.push_back({"card", 3295});
        in.body_hash = in.receipt_id;
        ASSERT_TRUE(app_->receipts->Post(store, in, "till").ok());
    }
    EXPECT_FALSE(has(b.Get("/my"), "Økologisk letmælk")) << "no consent yet";
    auto privacy = b.Get("/my/privacy");
    ASSERT_EQ(privacy.status, 200);
    std::smatch version;
    ASSERT_TRUE(
        std::regex_search(privacy.body, version, std::regex("name=\"text_version\" value=\"([^\"]+)\"")));
    const std::string text_version = version[1].str();
    auto consent = [&](const std::string& answer) {
        auto r = b.Post("/my/privacy/consents", {{"csrf_token", CsrfOf(privacy.body)},
                                                 {"text_version", text_version},
                                                 {"personalised_content", answer}});
        EXPECT_EQ(r.status, 303) << r.body;
    };
    consent("yes");
    page = b.Get("/my");
    EXPECT_FALSE(has(page, cat.Text("overview_recommended_off", "da")));
    EXPECT_TRUE(has(page, "Økologisk letmælk"));
    EXPECT_TRUE(has(page, "<span class=\"muted\">1 l</span>"));
    EXPECT_TRUE(has(page, FormatMoney(1295, "DKK", "da")));
    EXPECT_TRUE(has(page, "Æbler Ingrid Marie"));
    EXPECT_TRUE(has(
        page, cat.Format("overview_recommended_per_kg", "da", {{"price", FormatMoney(2000, "DKK", "da")}})))
        << page.body;
    EXPECT_TRUE(has(b.Get("/my?lang=en"), "Recommended for you"));

    consent("no");
    page = b.Get("/my?lang=da");
    EXPECT_TRUE(has(page, cat.Text("overview_recommended_off", "da")));
    EXPECT_FALSE(has(page, "Økologisk letmælk"));
}

TEST_P(PagesTest, HostileFormsGetAPageNotACrash) {
    Browser b(*app_->router);
    EXPECT_EQ(b.Post("/login", {}).status, 400);
    EXPECT_EQ(b.Post("/login", {{"login", std::string(5000, 'a')}, {"password", "x"}}).status, 400);
    EXPECT_EQ(b.Post("/login/verify", {{"challenge", "nonsense"}, {"code", "123456"}}).status, 401);
    EXPECT_EQ(b.Post("/login/verify", {{"challenge", std::string(300, 'c')}, {"code", "1"}}).status, 400);
    Browser m = DemoMember();
    EXPECT_EQ(m.Get("/my/history?before=abc").status, 400);
    EXPECT_EQ(m.Get("/my/history?before=-4").status, 400);
    EXPECT_EQ(m.Get("/my/history").status, 200);
    std::string csrf = CsrfOf(m.Get("/my").body);
    EXPECT_EQ(m.Post("/my/offers/%00/activation", {{"csrf_token", csrf}}).status, 404);
    EXPECT_EQ(m.Post("/my/sessions/nope/end", {{"csrf_token", csrf}}).status, 404);
}

INSTANTIATE_TEST_SUITE_P(Engines, PagesTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

// Every key a template or a page handler names is in the catalogue, in all four languages (the catalogue
// refuses to load a key without one of them), and every template parses.
TEST(PageCatalogue, EveryKeyAPageNamesExistsInAllFourLanguages) {
    const Catalogue& cat = Catalogue::Embedded();
    std::set<std::string> named;
    std::regex in_template("\\{\\{[#^/]?t\\.([a-z0-9_]+)\\}\\}");
    for (const auto& name : TemplateNames()) {
        const std::string& text = TemplateText(name);
        for (std::sregex_iterator it(text.begin(), text.end(), in_template), end; it != end; ++it)
            named.insert((*it)[1].str());
    }
    std::regex in_code(
        "(?:Text|Format|ErrorPage\\([^\"\\n;{]*|IdlePage\\([^\"\\n;{]*|SetupPage\\([^\"\\n;{]*|LoginPage\\([^"
        "\"\\n;{]*)"
        "\\(?\"([a-z][a-z0-9_]*)\"");
    for (const auto& entry : std::filesystem::directory_iterator(test::SourcePath("src/web"))) {
        if (entry.path().extension() != ".cpp") continue;
        std::ifstream in(entry.path());
        std::string code((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        for (std::sregex_iterator it(code.begin(), code.end(), in_code), end; it != end; ++it)
            if (!(*it)[1].str().ends_with('_')) named.insert((*it)[1].str());  // "month_short_" + m
    }
    EXPECT_GT(named.size(), 100u);
    for (const auto& key : named) EXPECT_TRUE(cat.Has(key)) << "missing from i18n/pages.toml: " << key;
    for (int m = 1; m <= 12; ++m) EXPECT_TRUE(cat.Has("month_short_" + std::to_string(m)));
    for (const char* lang : kLanguages)
        for (const auto& key : cat.Keys()) EXPECT_FALSE(cat.Text(key, lang).empty()) << key << " " << lang;
    EXPECT_THROW(Catalogue("[a]\nda = \"x\"\nnb = \"x\"\nsv = \"x\"\n"), std::runtime_error);
}

TEST(PageCatalogue, EveryTemplateRendersInEveryLanguage) {
    for (const char* lang : kLanguages) {
        nlohmann::json d = {{"t", Catalogue::Embedded().Strings(lang)}, {"lang", lang}, {"title", "x"}};
        for (const auto& name : TemplateNames()) {
            if (name == "layout") continue;
            std::string html = RenderPage(name, d);
            EXPECT_TRUE(Contains(html, std::string("<html lang=\"") + lang + "\">")) << name;
            EXPECT_FALSE(Contains(html, "{{")) << name << " " << lang;
        }
    }
}

TEST(PageFormats, MoneyNumbersAndDatesAsEachLanguageWritesThem) {
    const std::string nbsp = "\u00a0";
    EXPECT_EQ(FormatMoney(123450, "DKK", "da"), "1" + nbsp + "234,50" + nbsp + "kr");
    EXPECT_EQ(FormatMoney(123450, "SEK", "sv"), "1" + nbsp + "234,50" + nbsp + "kr");
    EXPECT_EQ(FormatMoney(5, "NOK", "nb"), "0,05" + nbsp + "kr");
    EXPECT_EQ(FormatMoney(-123450, "DKK", "en"), "-DKK" + nbsp + "1,234.50");
    EXPECT_EQ(FormatMoney(100000000, "EUR", "da"), "1" + nbsp + "000" + nbsp + "000,00" + nbsp + "EUR");
    EXPECT_EQ(FormatNumber(999, "sv"), "999");
    EXPECT_EQ(FormatNumber(1000, "sv"), "1" + nbsp + "000");
    EXPECT_EQ(FormatNumber(-1234567, "en"), "-1,234,567");
    // 2026-11-23T23:30:00Z is the 24th in Copenhagen (UTC+1).
    const int64_t late = 1'795'476'600'000;
    EXPECT_EQ(FormatDate(late, "Europe/Copenhagen", "da"), "24.11.2026");
    EXPECT_EQ(FormatDate(late, "Europe/Stockholm", "sv"), "2026-11-24");
    EXPECT_EQ(FormatDate(late, "UTC", "en"), "23 Nov 2026");
    EXPECT_EQ(FormatDateTime(late, "Europe/Oslo", "nb"), "24.11.2026 00:30");
    EXPECT_EQ(FormatIsoDate("2026-12-31", "da"), "31.12.2026");
    EXPECT_EQ(FormatIsoDate("not a date", "da"), "not a date");
    EXPECT_EQ(FormatMonth(202611, "sv"), "nov. 2026");
    EXPECT_EQ(FormatMonth(202605, "en", false), "May");
}

}  // namespace
}  // namespace andel::web
