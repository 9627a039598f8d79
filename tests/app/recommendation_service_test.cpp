// Personalised content (R_OFF_4, R_PRIV_2) on SQLite and PostgreSQL over the demo catalogue, with TestApp's
// fixed clock (2026-11-23): "Recommended for you" from the member's own purchases and what others buy with
// them, and catalogue searches ranked by it, only while the member's latest answer for
// "personalised_content" is a consent; a withdrawal counts from the next request.
#include "app/catalogue/recommendation_service.hpp"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "app/catalogue/catalogue_service.hpp"
#include "app/demo/generator.hpp"
#include "app/privacy/consent.hpp"
#include "app/service_test_support.hpp"
#include "http/test_app.hpp"
#include "test_support.hpp"

namespace andel::app {
namespace {

using test::IsOk;

constexpr const char* kMilk = "5700000000011";     // Økologisk letmælk, Mejeri > Mælk
constexpr const char* kSkimmed = "5700000000028";  // Skummetmælk, Mejeri > Mælk
constexpr const char* kButter = "5700000000042";   // Smør
constexpr const char* kRye = "5700000000073";      // Rugbrød
constexpr const char* kPasta = "5700000000165";    // Pasta penne
constexpr const char* kCoffee = "5700000000172";   // Kaffe formalet
constexpr const char* kBeer = "5700000000196";     // Classic øl, age limit 18

class RecommendationTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        SeedDemoCatalogue(*app_->db, app_->config.markets, app_->clock);
        consents_ = std::make_unique<ConsentService>(*app_->db, app_->clock);
        auto c = app_->db->Read();
        store_ = c->QueryOne("SELECT id FROM stores WHERE code = 'dk-odense-1'")->Int(0);
        for (const auto& r :
             c->Query("SELECT m.id, m.member_number FROM members m WHERE m.market = 'dk' AND m.kind = "
                      "'member' AND "
                      "m.status = 'active' AND m.member_number IS NOT NULL ORDER BY m.id LIMIT 3"))
            members_.push_back({r.Int(0), r.Text(1)});
        ASSERT_EQ(members_.size(), 3u);
    }
    void TearDown() override {
        if (app_) test::ExpectLedgerClean(*app_->db);
    }
    // A receipt of these products for the member `days_ago` days before the clock.
    void Bought(size_t member, int days_ago, const std::vector<std::string>& eans) {
        ReceiptInput in;
        in.receipt_id = "r-" + std::to_string(++receipts_);
        in.till = "till-1";
        in.occurred_at = app_->clock.Now() - std::chrono::hours(24 * days_ago);
        in.member_number = members_[member].second;
        int64_t total = 0;
        for (const auto& ean : eans) {
            in.lines.push_back({ean, "groceries", 1, 2000, 0});
            total += 2000;
        }
        in.tenders.push_back({"card", total});
        in.body_hash = in.receipt_id;
        ASSERT_TRUE(IsOk(app_->receipts->Post(store_, in, "till")));
    }
    void Consent(size_t member, bool given) {
        ASSERT_TRUE(IsOk(consents_->Set(members_[member].first, RecommendationService::kPurpose, given, "app",
                                        "content-2026-1", "member")));
    }
    // The member's "Recommended for you" as EANs, best first.
    std::vector<std::string> Recommended(size_t member, bool* personalised = nullptr) {
        auto r = app_->catalogue->Recommended(members_[member].first, 10);
        EXPECT_TRUE(IsOk(r));
        std::vector<std::string> out;
        if (!r) return out;
        if (personalised) *personalised = r->personalised;
        for (const auto& v : r->items) out.push_back(v.product.ean);
        return out;
    }
    std::vector<std::string> Search(const std::string& text, std::optional<size_t> member,
                                    std::optional<std::string> category = std::nullopt,
                                    bool* personalised = nullptr) {
        CatalogueService::Query q;
        q.market = "dk";
        q.text = text;
        q.category_code = category;
        if (member) q.personalise_for = members_[*member].first;
        auto page = app_->catalogue->Search(q);
        EXPECT_TRUE(IsOk(page));
        std::vector<std::string> out;
        if (!page) return out;
        if (personalised) *personalised = page->personalised;
        for (const auto& v : page->items) out.push_back(v.product.ean);
        return out;
    }
    // Member 0 buys milk and rye bread every few days, coffee and pasta once long ago, beer lately; members
    // 1 and 2 buy rye bread with butter, which member 0 never bought.
    void Histories() {
        for (int d : {2, 5, 9, 14}) Bought(0, d, {kMilk, kRye});
        Bought(0, 40, {kCoffee});
        Bought(0, 45, {kPasta});
        Bought(0, 1, {kBeer});
        Bought(0, 3, {kBeer});
        for (size_t m : {1, 2})
            for (int d : {4, 8, 12}) Bought(m, d, {kRye, kButter});
    }
    std::unique_ptr<test::TestApp> app_;
    std::unique_ptr<ConsentService> consents_;
    int64_t store_ = 0;
    std::vector<std::pair<int64_t, std::string>> members_;
    int receipts_ = 0;
};

// R_OFF_4: with the consent, what the member buys often and lately comes first, then what others buy with
// it (butter with rye bread), then what they bought once long ago; never a product with an age limit or one
// no longer sold.
TEST_P(RecommendationTest, ConsentGivenRecommendsFromPurchaseHistory_R_OFF_4) {
    Histories();
    {
        auto c = app_->db->Write();
        c->Execute("UPDATE products SET active = 0 WHERE market = 'dk' AND ean = $1", {store::Text(kPasta)});
    }
    for (size_t m = 0; m < 3; ++m) Consent(m, true);
    bool personalised = false;
    auto mine = Recommended(0, &personalised);
    EXPECT_TRUE(personalised);
    ASSERT_EQ(mine.size(), 4u) << ::testing::PrintToString(mine);
    EXPECT_EQ(std::set<std::string>(mine.begin(), mine.begin() + 2), (std::set<std::string>{kMilk, kRye}));
    EXPECT_EQ(mine[2], kButter) << "co-bought with rye bread by others";
    EXPECT_EQ(mine[3], kCoffee);
    // Another member's own history decides theirs.
    auto theirs = Recommended(1);
    ASSERT_EQ(theirs.size(), 3u) << ::testing::PrintToString(theirs);
    EXPECT_EQ(std::set<std::string>(theirs.begin(), theirs.begin() + 2),
              (std::set<std::string>{kRye, kButter}));
    EXPECT_EQ(theirs[2], kMilk) << "co-bought with rye bread by member 0";
    // The bound of a request: a limit of 1 to 50.
    EXPECT_TRUE(test::Fails(app_->catalogue->Recommended(members_[0].first, 0), core::ErrorCode::kInvalid));
    EXPECT_TRUE(test::Fails(app_->catalogue->Recommended(members_[0].first, 51), core::ErrorCode::kInvalid));
    auto two = app_->catalogue->Recommended(members_[0].first, 2);
    ASSERT_TRUE(IsOk(two));
    EXPECT_EQ(two->items.size(), 2u);
}

// R_OFF_4, R_PRIV_2: without the consent (never answered, or answered no) there are no recommendations, and
// the member's purchases do not rank their searches; a consent to personal offers is not one to content.
TEST_P(RecommendationTest, NoConsentNoRecommendations_R_OFF_4) {
    Histories();
    Consent(1, true);
    Consent(2, false);
    ASSERT_TRUE(IsOk(
        consents_->Set(members_[0].first, "personalised_offers", true, "app", "offers-2026-1", "member")));
    for (size_t m : {0, 2}) {
        bool personalised = true;
        EXPECT_TRUE(Recommended(m, &personalised).empty()) << m;
        EXPECT_FALSE(personalised) << m;
        EXPECT_FALSE(app_->catalogue->recommendations().ForMember(members_[m].first).consented);
    }
    // Nor through the API: an empty list that says personalisation is off.
    auto [status, body] =
        app_->Call("GET", "/api/v1/me/recommendations", nullptr, app_->MemberSession(members_[0].first));
    ASSERT_EQ(status, 200) << body.dump();
    EXPECT_EQ(body["personalised"], false);
    EXPECT_EQ(body["consent_purpose"], "personalised_content");
    EXPECT_TRUE(body["items"].empty());
    // A bad limit is a clear 422, never a 500.
    auto token = app_->MemberSession(members_[0].first);
    for (const char* limit : {"abc", "0", "51", "-1", "99999999999999999999999"})
        EXPECT_EQ(
            app_->Call("GET", std::string("/api/v1/me/recommendations?limit=") + limit, nullptr, token).first,
            422)
            << limit;
    // Anonymous or a till's key: refused.
    EXPECT_EQ(app_->Call("GET", "/api/v1/me/recommendations").first, 401);
    EXPECT_EQ(app_->Call("GET", "/api/v1/me/recommendations", nullptr, kDemoTillToken).first, 403);
}

// R_OFF_4, R_PRIV_2: withdrawing the consent takes effect at once: the next request has no recommendations
// and searches in the plain order; consenting again brings them back.
TEST_P(RecommendationTest, WithdrawnConsentIsGoneAtOnce_R_OFF_4) {
    Histories();
    for (size_t m = 0; m < 3; ++m) Consent(m, true);
    const auto plain = Search("mælk", std::nullopt);
    EXPECT_FALSE(Recommended(0).empty());
    auto token = app_->MemberSession(members_[0].first);
    auto [status, body] = app_->Call("GET", "/api/v1/me/recommendations?limit=3", nullptr, token);
    ASSERT_EQ(status, 200) << body.dump();
    EXPECT_EQ(body["personalised"], true);
    EXPECT_EQ(body["items"].size(), 3u);

    Consent(0, false);
    bool personalised = true;
    EXPECT_TRUE(Recommended(0, &personalised).empty());
    EXPECT_FALSE(personalised);
    EXPECT_EQ(Search("mælk", 0, std::nullopt, &personalised), plain);
    EXPECT_FALSE(personalised);
    auto after = app_->Call("GET", "/api/v1/me/recommendations", nullptr, token);
    EXPECT_EQ(after.second["personalised"], false);
    EXPECT_TRUE(after.second["items"].empty());

    Consent(0, true);
    EXPECT_FALSE(Recommended(0).empty());
}

// R_OFF_4: with the consent, what the member buys ranks first among equal text matches (and in a category
// listed by name); a product whose name holds the words still ranks before one matched by its category only.
// Without the consent, anonymous, or with personalised=false, the order is exactly the plain one.
TEST_P(RecommendationTest, SearchOrderChangesWithConsentAndIsUnchangedWithout_R_OFF_4) {
    // A product with "mælk" in its name: a better text match than the milks, matched by their category.
    std::istringstream csv(
        "ean,name,brand,size,unit_price_minor,comparison_price_minor,comparison_unit,category,labels,weighed,"
        "age_limit,stores\n"
        "5700000000226,Mælkesnitter,Kelsen,4 stk,1995,,,Kolonial > Kiks,gluten,,,\n");
    auto imported = app_->catalogue->Import(csv, CatalogueImportOptions{"dk", "csv", false, false}, "test");
    ASSERT_TRUE(IsOk(imported));
    ASSERT_EQ(imported->created, 1);

    const auto plain = Search("mælk", std::nullopt);
    ASSERT_EQ(plain.size(), 3u) << ::testing::PrintToString(plain);
    std::vector<std::string> milks;  // matched by their category "Mælk" alone, in the plain order
    for (const auto& ean : plain)
        if (ean != "5700000000226") milks.push_back(ean);
    ASSERT_EQ(std::set<std::string>(milks.begin(), milks.end()), (std::set<std::string>{kMilk, kSkimmed}));
    const auto plain_dairy = Search("", std::nullopt, "mejeri");
    ASSERT_GE(plain_dairy.size(), 5u);
    // Member 0 buys the milk that the plain search puts last of the two, and the last other dairy product.
    const std::string wanted = milks[1];
    std::string last_dairy;
    for (const auto& ean : plain_dairy)
        if (ean != wanted) last_dairy = ean;
    for (int d : {2, 6, 10}) Bought(0, d, {wanted, last_dairy});

    // No consent: the plain order, whoever asks.
    bool personalised = true;
    EXPECT_EQ(Search("mælk", 0, std::nullopt, &personalised), plain);
    EXPECT_FALSE(personalised);
    EXPECT_EQ(Search("", 0, "mejeri"), plain_dairy);

    Consent(0, true);
    auto mine = Search("mælk", 0, std::nullopt, &personalised);
    EXPECT_TRUE(personalised);
    ASSERT_EQ(mine.size(), 3u);
    EXPECT_EQ(mine[0], "5700000000226") << "the name match stays first";
    EXPECT_EQ(mine[1], wanted) << "the member's milk first among the equal matches";
    EXPECT_EQ(mine[2], milks[0]);
    auto dairy = Search("", 0, "mejeri");
    ASSERT_EQ(dairy.size(), plain_dairy.size());
    EXPECT_EQ(std::set<std::string>(dairy.begin(), dairy.begin() + 2),
              (std::set<std::string>{wanted, last_dairy}));
    EXPECT_EQ(Search("mælk", std::nullopt), plain) << "anonymous: unchanged";
    EXPECT_EQ(Search("mælk", 1), plain) << "another member without the consent: unchanged";

    // Through the API: a signed-in member's search is personalised; anonymous or personalised=false is not.
    auto eans = [](const nlohmann::json& page) {
        std::vector<std::string> out;
        for (const auto& p : page["items"]) out.push_back(p["ean"].get<std::string>());
        return out;
    };
    auto token = app_->MemberSession(members_[0].first);
    auto [status, page] = app_->Call("GET", "/api/v1/catalogue/products?market=dk&q=mælk", nullptr, token);
    ASSERT_EQ(status, 200) << page.dump();
    EXPECT_EQ(page["personalised"], true);
    EXPECT_EQ(eans(page), mine);
    auto off =
        app_->Call("GET", "/api/v1/catalogue/products?market=dk&q=mælk&personalised=false", nullptr, token);
    EXPECT_EQ(off.second["personalised"], false);
    EXPECT_EQ(eans(off.second), plain);
    auto anonymous = app_->Call("GET", "/api/v1/catalogue/products?market=dk&q=mælk");
    EXPECT_EQ(anonymous.second["personalised"], false);
    EXPECT_EQ(eans(anonymous.second), plain);
    EXPECT_EQ(
        app_->Call("GET", "/api/v1/catalogue/products?market=dk&personalised=maybe", nullptr, token).first,
        422);
    // Paging keeps the personalised order.
    auto second =
        app_->Call("GET", "/api/v1/catalogue/products?market=dk&q=mælk&limit=1&offset=1", nullptr, token);
    EXPECT_EQ(eans(second.second), std::vector<std::string>{wanted});
}

INSTANTIATE_TEST_SUITE_P(Engines, RecommendationTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::app
