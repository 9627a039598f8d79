// My pages' receipts with their lines (R_BON_8, R_HH_6) and partners by category (R_PART_2), as a browser
// uses them, on SQLite and PostgreSQL: the household's receipts and nothing of another's, the paging's edge,
// the partners and rates in force today only, and every page in the four languages.
#include <gtest/gtest.h>

#include "app/demo/generator.hpp"
#include "app/transaction.hpp"
#include "http/test_app.hpp"
#include "store/membership/membership_repository.hpp"
#include "test_support.hpp"
#include "web/browser.hpp"
#include "web/i18n.hpp"
#include "web/web.hpp"

namespace andel::web {
namespace {

class MyRewardsPagesTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        app::SeedDemoCatalogue(*app_->db, app_->config.markets, app_->clock);
        app::SeedDemoHouseholdLogins(*app_->db, *app_->auth, app_->config.markets,
                                     app_->config.national_id_key, app_->clock);
        AddWebRoutes(*app_->router, *app_->services);
        auto c = app_->db->Read();
        auto store = store::MembershipRepository(*c).FindStoreByCode("dk-odense-1");
        ASSERT_TRUE(store);
        store_id_ = store->id;
        store_name_ = store->name;
        // A participant of the demo member's household (R_HH_6: their purchases count for the household).
        participant_ =
            c->QueryOne(
                 "SELECT p.member_number FROM members p JOIN household_members hm ON hm.member_id "
                 "= p.id JOIN household_members o ON o.household_id = hm.household_id JOIN members "
                 "m ON m.id = o.member_id WHERE m.member_number = $1 AND hm.role = 'participant' AND "
                 "p.member_number IS NOT NULL "
                 "ORDER BY p.id LIMIT 1",
                 {store::Text(app::kDemoMemberNumber)})
                ->Text(0);
    }
    // The demo member, logged in through the form (no second step: R_MEM_10).
    Browser DemoMember() {
        Browser b(*app_->router);
        auto r =
            b.Post("/login", {{"login", app::kDemoMemberNumber}, {"password", app::kDemoMemberPassword}});
        EXPECT_EQ(r.status, 303) << r.body;
        return b;
    }
    // A page session of the person with that e-mail, as a browser holds it after the login.
    Browser ByEmail(const std::string& email) {
        int64_t member_id = 0;
        {
            auto c = app_->db->Read();
            member_id = c->QueryOne(
                             "SELECT m.id FROM members m JOIN persons p ON p.id = m.person_id WHERE "
                             "p.email = $1",
                             {store::Text(email)})
                            ->Int(0);
        }
        auto s = app::InTransaction(*app_->db, [&](store::Connection& c) {
            return app_->auth->OpenSession(c, app_->auth->EnsureMemberAccount(c, member_id), "web",
                                           "password+sms", "test");
        });
        EXPECT_TRUE(s.ok());
        Browser b(*app_->router);
        b.cookies = "andel_session=" + s->token;
        return b;
    }
    std::string MemberNumberOf(const std::string& email) {
        auto c = app_->db->Read();
        return c
            ->QueryOne(
                "SELECT m.member_number FROM members m JOIN persons p ON p.id = m.person_id WHERE p.email = "
                "$1",
                {store::Text(email)})
            ->Text(0);
    }
    // A receipt of dk-odense-1 for `member_number`, `minutes_ago` before the clock; paid by card.
    app::ReceiptOutcome Post(const std::string& key, const std::string& member_number,
                             const std::vector<core::ReceiptLine>& lines, int minutes_ago = 60,
                             std::vector<core::Tender> tenders = {},
                             const std::optional<std::string>& original = std::nullopt) {
        app::ReceiptInput in;
        in.receipt_id = key;
        in.till = "1";
        in.occurred_at = app_->clock.Now() - std::chrono::minutes(minutes_ago);
        in.member_number = member_number;
        in.lines = lines;
        int64_t total = 0;
        for (const auto& l : lines) total += l.Net();
        in.tenders = tenders.empty() ? std::vector<core::Tender>{{"card", total}} : tenders;
        in.original_receipt_id = original;
        in.body_hash = key;
        auto out = app_->receipts->Post(store_id_, in, "test");
        EXPECT_TRUE(out.ok()) << key << ": " << (out.ok() ? "" : out.error().detail);
        return out.ok() ? *out : app::ReceiptOutcome{};
    }
    std::string Href(const app::ReceiptOutcome& o) { return "/my/receipts/" + std::to_string(o.receipt.id); }
    // The link to a receipt, whole (receipt 5's is not receipt 50's).
    std::string Link(const app::ReceiptOutcome& o) { return "href=\"" + Href(o) + "\""; }
    static size_t Count(const std::string& haystack, const std::string& needle) {
        size_t n = 0;
        for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1))
            ++n;
        return n;
    }
    std::unique_ptr<test::TestApp> app_;
    int64_t store_id_ = 0;
    std::string store_name_, participant_;
};

const core::ReceiptLine kMilk{"5700000000011", "groceries", 2, 2590, 0};  // Økologisk letmælk, 2 pieces
const core::ReceiptLine kApples{"5700000000097", "groceries", 532, 1064, 100};  // weighed: 532 g
const core::ReceiptLine kUnknown{"2000000000015", "groceries", 1, 995, 0};      // not in the catalogue

TEST_P(MyRewardsPagesTest, R_BON_8_TheMemberSeesTheHouseholdsReceiptsWithLinesTendersAndReturns) {
    auto sale = Post("S-1", app::kDemoMemberNumber, {kMilk, kApples, kUnknown}, 120,
                     {{"card", 3000}, {"gift_card", 1549}});
    auto theirs = Post("S-2", participant_, {kMilk}, 90);  // R_HH_6: a participant's purchase
    auto back = Post("S-3", app::kDemoMemberNumber, {{"5700000000011", "groceries", -1, -1295, 0}}, 30,
                     {{"card", -1295}}, "S-1");
    ASSERT_GT(sale.receipt.bonus_minor, 0) << "a Danish purchase earns bonus (R_BON_6)";
    Browser b = DemoMember();

    auto list = b.Get("/my/receipts");
    ASSERT_EQ(list.status, 200) << list.body;
    EXPECT_TRUE(Contains(list.body, "<html lang=\"da\">"));
    for (const auto* o : {&sale, &theirs, &back}) EXPECT_TRUE(Contains(list.body, Link(*o))) << Href(*o);
    EXPECT_LT(list.body.find(Link(back)), list.body.find(Link(theirs))) << "newest first";
    EXPECT_LT(list.body.find(Link(theirs)), list.body.find(Link(sale)));
    EXPECT_TRUE(Contains(list.body, store_name_));
    // The date and time in the market's time zone (12:00Z less 120 minutes is 11:00 in Copenhagen).
    EXPECT_TRUE(Contains(list.body, FormatDateTime(sale.receipt.occurred_at, "Europe/Copenhagen", "da")));
    EXPECT_TRUE(Contains(list.body, "11:00"));
    EXPECT_TRUE(Contains(list.body, FormatMoney(4549, "DKK", "da")));
    EXPECT_TRUE(Contains(list.body, FormatMoney(sale.receipt.bonus_minor, "DKK", "da") + " i bonus"));
    EXPECT_TRUE(Contains(list.body, FormatMoney(back.receipt.bonus_minor, "DKK", "da") + " i bonus"))
        << "a return shows the bonus it took back";
    EXPECT_FALSE(Contains(list.body, "/my/receipts?before=")) << "one page holds them all";

    auto page = b.Get(Href(sale));
    ASSERT_EQ(page.status, 200) << page.body;
    EXPECT_TRUE(Contains(page.body, "Økologisk letmælk"));
    EXPECT_TRUE(Contains(page.body, "2 stk."));
    EXPECT_TRUE(Contains(page.body, "Æbler Ingrid Marie"));
    EXPECT_TRUE(Contains(page.body, "0,532\u00a0kg")) << "a weighed line in kilograms";
    EXPECT_TRUE(Contains(page.body, FormatMoney(-100, "DKK", "da"))) << "the line's discount";
    EXPECT_TRUE(Contains(page.body, "2000000000015")) << "a line the catalogue lacks shows its SKU";
    EXPECT_TRUE(Contains(page.body, "<dt>Kort</dt><dd>" + FormatMoney(3000, "DKK", "da") + "</dd>"));
    EXPECT_TRUE(Contains(page.body, "<dt>Gavekort</dt><dd>" + FormatMoney(1549, "DKK", "da") + "</dd>"));
    EXPECT_TRUE(Contains(page.body, FormatMoney(4549, "DKK", "da")));
    EXPECT_TRUE(Contains(page.body, FormatMoney(sale.receipt.eligible_minor, "DKK", "da")));
    EXPECT_TRUE(Contains(page.body, FormatMoney(sale.receipt.bonus_minor, "DKK", "da") + " i bonus"));
    EXPECT_TRUE(Contains(page.body, "id=\"returns-heading\"")) << "the return against it is listed";
    EXPECT_TRUE(Contains(page.body, Link(back)));

    auto returned = b.Get(Href(back));
    ASSERT_EQ(returned.status, 200);
    EXPECT_TRUE(Contains(returned.body, "<h1>Returnering</h1>"));
    EXPECT_TRUE(Contains(returned.body, Link(sale))) << "the return links its sale";
    EXPECT_TRUE(Contains(returned.body, FormatMoney(-1295, "DKK", "da")));
    EXPECT_FALSE(Contains(returned.body, "id=\"returns-heading\""));

    EXPECT_EQ(b.Get(Href(theirs)).status, 200) << "a participant's receipt is the household's";
}

TEST_P(MyRewardsPagesTest, R_BON_8_AFullPageLinksToNoEmptyOne_OneMoreLinksToTheOlder) {
    std::vector<app::ReceiptOutcome> posted;
    for (int i = 0; i < 20; ++i)
        posted.push_back(Post("P-" + std::to_string(i), app::kDemoMemberNumber, {kMilk}, 600 - i));
    Browser b = DemoMember();
    auto full = b.Get("/my/receipts");
    ASSERT_EQ(full.status, 200);
    EXPECT_EQ(Count(full.body, "href=\"/my/receipts/"), 20u);
    EXPECT_FALSE(Contains(full.body, "/my/receipts?before=")) << "exactly a page: no link to an empty one";

    auto oldest = posted.front();
    posted.push_back(Post("P-20", app::kDemoMemberNumber, {kMilk}, 10));
    auto first = b.Get("/my/receipts");
    EXPECT_EQ(Count(first.body, "href=\"/my/receipts/"), 20u);
    EXPECT_FALSE(Contains(first.body, Link(oldest))) << "the oldest is on the next page";
    std::string next = "/my/receipts?before=" + std::to_string(posted[1].receipt.id);
    ASSERT_TRUE(Contains(first.body, "href=\"" + next + "\"")) << first.body;
    auto second = b.Get(next);
    ASSERT_EQ(second.status, 200);
    EXPECT_EQ(Count(second.body, "href=\"/my/receipts/"), 1u);
    EXPECT_TRUE(Contains(second.body, Link(oldest)));
    EXPECT_FALSE(Contains(second.body, "/my/receipts?before="));

    for (const char* bad : {"abc", "0", "-5", "", "99999999999999999999999"}) {
        auto r = b.Get(std::string("/my/receipts?before=") + bad);
        EXPECT_EQ(r.status, 400) << bad;
        EXPECT_TRUE(Contains(r.body, "<h1")) << "an error page, not a crash";
    }
}

TEST_P(MyRewardsPagesTest, R_HH_6_AnotherHouseholdsReceiptIsNotFound) {
    auto annas = Post("A-1", MemberNumberOf(app::kDemoAnnaEmail), {kMilk});
    auto ours = Post("D-1", app::kDemoMemberNumber, {kMilk});
    Browser demo = DemoMember();
    auto refused = demo.Get(Href(annas));
    EXPECT_EQ(refused.status, 404);
    EXPECT_FALSE(Contains(refused.body, "Økologisk letmælk"));
    EXPECT_FALSE(Contains(demo.Get("/my/receipts").body, Link(annas)));
    for (const char* id : {"abc", "-1", "0", "1e3", "999999999999", "99999999999999999999999"})
        EXPECT_EQ(demo.Get(std::string("/my/receipts/") + id).status, 404) << id;

    Browser anna = ByEmail(app::kDemoAnnaEmail);
    EXPECT_EQ(anna.Get(Href(annas)).status, 200) << "her own";
    EXPECT_EQ(anna.Get(Href(ours)).status, 404) << "and not the demo household's";
}

TEST_P(MyRewardsPagesTest, AnonymousVisitorsGoToTheLogin) {
    auto ours = Post("D-1", app::kDemoMemberNumber, {kMilk});
    Browser anonymous(*app_->router);
    for (const std::string& path : {std::string("/my/receipts"), Href(ours), std::string("/my/partners")}) {
        auto r = anonymous.Get(path);
        EXPECT_EQ(r.status, 303) << path;
        EXPECT_EQ(r.Header("Location"), "/login") << path;
        EXPECT_FALSE(Contains(r.body, "Økologisk")) << path;
    }
}

TEST_P(MyRewardsPagesTest, R_PART_2_PartnersByCategoryWithTodaysRatesOnly) {
    app::PartnerService& partners = *app_->partners;
    // OK's fuel rate changed on 1 November (1 % -> 2.5 %) and changes again on 1 December (2.75 %).
    ASSERT_TRUE(partners.AddAgreement("dk-ok", {0, "fuel", "Brændstof", 250, "2026-11-01", {}}, "test").ok());
    ASSERT_TRUE(partners.AddAgreement("dk-ok", {0, "fuel", "Brændstof", 275, "2026-12-01", {}}, "test").ok());
    auto partner = [&](const char* code, const char* name, const char* category, const char* from,
                       std::optional<std::string> to, std::optional<std::string> website = std::nullopt) {
        app::PartnerInput in{code, "dk", name, category, "", std::nullopt, website, true, false, from, to, 0};
        ASSERT_TRUE(partners.Create(in, "test").ok()) << code;
        ASSERT_TRUE(partners.AddAgreement(code, {0, "all", "Alt", 400, "2026-01-01", {}}, "test").ok())
            << code;
    };
    partner("dk-ended", "Ophørt Partner", "experiences", "2026-01-01", "2026-10-31");
    partner("dk-future", "Kommende Partner", "experiences", "2026-12-01", std::nullopt);
    partner("dk-lapsed", "Udløbet Aftale", "car_transport", "2026-01-01", std::nullopt);
    partner("dk-web", "Webpartner", "home", "2026-01-01", std::nullopt, "https://partner.example/");
    auto lapsed = partners.Get("dk-lapsed");
    ASSERT_TRUE(lapsed.ok());
    ASSERT_TRUE(partners.EndAgreement("dk-lapsed", lapsed->agreements.at(0).id, "2026-06-30").ok());

    Browser b = DemoMember();
    auto page = b.Get("/my/partners");
    ASSERT_EQ(page.status, 200) << page.body;
    const std::string& h = page.body;
    // The categories in the configured order, each over its partners; an empty one is left out.
    std::vector<std::string> order = {
        ">Bil &amp; transport</h2>", "<h3>OK</h3>", ">Ferie &amp; hotel</h2>", "<h3>TUI</h3>", ">Hjem</h2>",
        "<h3>Synoptik</h3>"};
    for (size_t i = 0; i < order.size(); ++i) {
        ASSERT_TRUE(Contains(h, order[i])) << order[i];
        if (i > 0) {
            EXPECT_LT(h.find(order[i - 1]), h.find(order[i])) << order[i];
        }
    }
    EXPECT_TRUE(Contains(h, "<h3>Topdanmark</h3>"));
    EXPECT_TRUE(Contains(h, "<h3>Flügger</h3>"));
    EXPECT_FALSE(Contains(h, "Oplevelser")) << "experiences has no active partner in Denmark";
    EXPECT_FALSE(Contains(h, "Ophørt Partner")) << "a partner whose period ended";
    EXPECT_FALSE(Contains(h, "Kommende Partner")) << "a partner not started yet";
    EXPECT_FALSE(Contains(h, "Udløbet Aftale")) << "a partner without a rate in force";
    EXPECT_FALSE(Contains(h, "Fjord Line")) << "another market's partner";
    EXPECT_FALSE(Contains(h, "Liseberg"));
    // Today's rates, with the day a rate ends; neither the old nor the coming one.
    std::string ok =
        h.substr(h.find("<h3>OK</h3>"), h.find(">Ferie &amp; hotel</h2>") - h.find("<h3>OK</h3>"));
    EXPECT_TRUE(Contains(ok, "<strong>2,5 % bonus</strong> · Brændstof (til og med 30.11.2026)")) << ok;
    EXPECT_FALSE(Contains(ok, "1 % bonus"));
    EXPECT_FALSE(Contains(ok, "2,75 % bonus"));
    std::string synoptik = h.substr(h.find("<h3>Synoptik</h3>"));
    EXPECT_TRUE(Contains(synoptik, "<strong>5 % bonus</strong> · Briller og solbriller"));
    EXPECT_TRUE(Contains(synoptik, "<strong>1 % bonus</strong> · Linseabonnementer"));
    EXPECT_TRUE(Contains(h, "href=\"https://partner.example/\""));
    EXPECT_TRUE(Contains(h, app::kDemoMemberNumber))
        << "the member number to give at the checkout (R_PART_3)";
    EXPECT_TRUE(Contains(h, "href=\"/my/partners\" aria-current=\"page\"")) << "in the navigation";
    EXPECT_TRUE(Contains(b.Get("/my/partners?lang=en").body, "<strong>2.5 % bonus</strong>"));

    // Where the reward is points (SE), the rate is points per krona at the voucher's value (R_BON_5).
    Browser sven = ByEmail(app::kDemoSvenEmail);
    auto se = sven.Get("/my/partners");
    ASSERT_EQ(se.status, 200);
    EXPECT_TRUE(Contains(se.body, "<h3>Liseberg</h3>"));
    EXPECT_TRUE(Contains(se.body, "<strong>5 poäng per krona</strong> · Entré och åkband")) << se.body;
    EXPECT_FALSE(Contains(se.body, "<h3>OK</h3>"));
}

TEST_P(MyRewardsPagesTest, EveryPageRendersInFourLanguagesWithoutMissingText) {
    auto sale = Post("S-1", app::kDemoMemberNumber, {kMilk, kApples}, 60, {{"card", 3554}});
    Post("S-2", app::kDemoMemberNumber, {{"5700000000011", "groceries", -1, -1295, 0}}, 30, {{"card", -1295}},
         "S-1");
    Browser b = DemoMember();
    const Catalogue& cat = Catalogue::Embedded();
    for (const char* lang : kLanguages) {
        struct Visit {
            std::string path, heading_key;
        };
        for (const Visit& v :
             {Visit{"/my/receipts", "my_receipts_heading"}, Visit{Href(sale), "my_receipt_heading"},
              Visit{"/my/partners", "my_partners_heading"}}) {
            auto page = b.Get(v.path + "?lang=" + lang);
            ASSERT_EQ(page.status, 200) << v.path << " " << lang;
            EXPECT_TRUE(Contains(page.body, std::string("<html lang=\"") + lang + "\">"));
            EXPECT_TRUE(Contains(page.body, "<h1>" + cat.Text(v.heading_key, lang) + "</h1>")) << v.path;
            EXPECT_FALSE(Contains(page.body, "{{")) << v.path << " " << lang;
            // A key the catalogue lacks shows as itself (Catalogue::Text).
            for (const char* prefix : {"my_receipt", "my_partners", "my_history", "nav_", "source_"})
                EXPECT_FALSE(Contains(page.body, prefix)) << v.path << " " << lang << ": " << prefix;
            EXPECT_TRUE(Contains(page.body, "href=\"/my/receipts\"")) << "the navigation lists the receipts";
        }
    }
    EXPECT_TRUE(Contains(b.Get("/my/history").body, "href=\"/my/receipts\""));
}

INSTANTIATE_TEST_SUITE_P(Engines, MyRewardsPagesTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::web
