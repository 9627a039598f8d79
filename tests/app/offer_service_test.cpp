// Offers (issue 6, R_OFF_1, R_OFF_2, R_MEM_1) on SQLite and PostgreSQL over the demo dataset and catalogue,
// with TestApp's fixed clock (2026-11-23, Odense): what the back office may create, who sees which offer,
// activation, the till's priced basket, and the receipt that redeems it exactly once with its extra bonus.
// After every test the ledger check is clean.
#include "app/offers/offer_service.hpp"

#include <gtest/gtest.h>

#include "app/demo/generator.hpp"
#include "app/service_test_support.hpp"
#include "http/test_app.hpp"
#include "test_support.hpp"

namespace andel::app {
namespace {

using core::ErrorCode;
using test::Fails;
using test::IsOk;

constexpr const char* kMilk = "5700000000011";    // Økologisk letmælk 12.95, Mejeri > Mælk
constexpr const char* kCoffee = "5700000000172";  // Kaffe formalet 49.95, Kolonial > Kaffe og te
constexpr const char* kApples = "5700000000097";  // Æbler Ingrid Marie 20.00/kg, Frugt og grønt > Frugt

class OfferServiceTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        SeedDemoCatalogue(*app_->db, app_->config.markets, app_->clock);
        svc_ = app_->offers.get();
        auto c = app_->db->Read();
        member_ = c->QueryOne("SELECT id FROM members WHERE member_number = '33216744'")->Int(0);
        card_ = c->QueryOne("SELECT card_number FROM cards WHERE member_id = $1 AND status = 'active'",
                            {store::Int(member_)})
                    ->Text(0);
        store_ = c->QueryOne("SELECT id FROM stores WHERE code = 'dk-odense-1'")->Int(0);
        household_ = c->QueryOne("SELECT household_id FROM household_members WHERE member_id = $1",
                                 {store::Int(member_)})
                         ->Int(0);
    }
    void TearDown() override {
        if (app_) test::ExpectLedgerClean(*app_->db);
    }
    OfferInput Base(const std::string& code, const std::string& kind) {
        OfferInput in;
        in.code = code;
        in.market = "dk";
        in.title = "Tilbud " + code;
        in.kind = kind;
        in.target_kind = "products";
        in.eans = {kMilk};
        in.valid_from = "2026-11-01";
        in.valid_to = "2026-11-30";
        return in;
    }
    core::Result<Quote> Price(std::vector<TillBasketLine> lines,
                              std::optional<std::string> card = std::nullopt) {
        BasketInput in;
        in.card = card ? card : std::optional(card_);
        in.lines = std::move(lines);
        return svc_->Price(store_, in);
    }
    // The receipt the till posts after pricing: the lines with their discounts, paid by card.
    ReceiptInput Receipt(const std::string& id, const std::vector<TillBasketLine>& lines, const Quote& q) {
        ReceiptInput r;
        r.receipt_id = id;
        r.till = "till-1";
        r.occurred_at = app_->clock.Now();
        r.card = card_;
        int64_t paid = 0;
        for (size_t i = 0; i < lines.size(); ++i) {
            r.lines.push_back({lines[i].sku, lines[i].category, lines[i].quantity, lines[i].amount_minor,
                               q.priced.lines[i].discount_minor});
            paid += lines[i].amount_minor - q.priced.lines[i].discount_minor;
        }
        r.tenders.push_back({"card", paid});
        r.quote_id = q.quote_id;
        r.body_hash = id + ":" + q.quote_id.value_or("");
        return r;
    }
    int64_t Bonus() {
        auto c = app_->db->Read();
        auto r = c->QueryOne(
            "SELECT balance FROM ledger_accounts WHERE kind = 'household_bonus' AND owner_kind = 'household' "
            "AND owner_id = $1",
            {store::Int(household_)});
        return r ? r->Int(0) : 0;
    }
    std::vector<std::string> Codes(int64_t member_id) {
        auto list = svc_->ForMember(member_id);
        EXPECT_TRUE(IsOk(list));
        std::vector<std::string> out;
        if (list)
            for (const auto& m : *list) out.push_back(m.offer.record.code);
        return out;
    }
    std::unique_ptr<test::TestApp> app_;
    OfferService* svc_ = nullptr;
    int64_t member_ = 0, store_ = 0, household_ = 0;
    std::string card_;
};

TEST_P(OfferServiceTest, TheBackOfficeIsToldWhatIsWrongWithAnOffer_R_OFF_1) {
    auto bad = [&](OfferInput in, const std::string& field) {
        auto r = svc_->Create(in, "test");
        EXPECT_TRUE(Fails(r, ErrorCode::kInvalid)) << field;
        if (!r) {
            EXPECT_EQ(r.error().field, field);
        }
    };
    auto in = Base("milk-price", "member_price");
    in.member_price_minor = 995;
    ASSERT_TRUE(IsOk(svc_->Create(in, "test")));
    EXPECT_TRUE(Fails(svc_->Create(in, "test"), ErrorCode::kConflict));

    auto k = Base("x1", "half_price");
    bad(k, "kind");
    auto points = Base("x2", "extra_points");
    points.points_per_unit = 1;
    bad(points, "kind");  // Denmark earns money
    auto cat = Base("x3", "percent_off");
    cat.percent_bp = 1000;
    cat.target_kind = "category";
    cat.category = "no-such-category";
    bad(cat, "category");
    auto both = Base("x4", "multi_buy");
    both.buy_quantity = 3;
    both.pay_quantity = 2;
    both.bundle_price_minor = 5000;
    bad(both, "pay_quantity");
    auto dates = Base("x5", "percent_off");
    dates.percent_bp = 1000;
    dates.valid_to = "2026-10-31";
    bad(dates, "valid_to");
    auto ean = Base("x6", "percent_off");
    ean.percent_bp = 1000;
    ean.eans = {"5700000000012"};
    bad(ean, "eans");
    auto percent = Base("x7", "percent_off");
    percent.percent_bp = 10'001;
    bad(percent, "percent_bp");
    auto seg = Base("x8", "percent_off");
    seg.percent_bp = 1000;
    seg.audience = "segment";
    bad(seg, "segment");
    auto basket = Base("x9", "multi_buy");
    basket.target_kind = "basket";
    bad(basket, "target_kind");
}

TEST_P(OfferServiceTest, TheTillsBasketGetsTheOffersAndTheReceiptRedeemsThemOnce_R_OFF_1) {
    auto price = Base("milk-price", "member_price");
    price.member_price_minor = 995;
    ASSERT_TRUE(IsOk(svc_->Create(price, "test")));
    auto three = Base("coffee-3-for-2", "multi_buy");
    three.eans = {kCoffee};
    three.buy_quantity = 3;
    three.pay_quantity = 2;
    ASSERT_TRUE(IsOk(svc_->Create(three, "test")));
    auto fruit = Base("fruit-11", "extra_bonus");
    fruit.target_kind = "category";
    fruit.category = "frugt-og-groent";  // the apples are in frugt-og-groent-frugt, below it
    fruit.eans.clear();
    fruit.bonus_bp = 1100;
    ASSERT_TRUE(IsOk(svc_->Create(fruit, "test")));

    std::vector<TillBasketLine> lines = {
        {kMilk, "groceries", 2, 2590}, {kCoffee, "groceries", 3, 14985}, {kApples, "groceries", 1500, 3000}};
    auto q = Price(lines);
    ASSERT_TRUE(IsOk(q));
    ASSERT_TRUE(q->quote_id.has_value());
    EXPECT_EQ(q->priced.lines[0].discount_minor, 600);   // 2 x (12.95 - 9.95)
    EXPECT_EQ(q->priced.lines[1].discount_minor, 4995);  // the third coffee free
    EXPECT_EQ(q->priced.lines[2].discount_minor, 0);
    EXPECT_EQ(q->priced.bonus_minor, 330);  // 11 % of 30.00
    ASSERT_EQ(q->used.size(), 3u);

    const int64_t before = Bonus();
    auto posted = app_->receipts->Post(store_, Receipt("R-1", lines, *q), "test");
    ASSERT_TRUE(IsOk(posted));
    // The programme's bonus on what was paid plus the offer's 3.30, as the quote said (R_BON_2).
    EXPECT_GT(q->bonus_minor, 330);
    EXPECT_EQ(posted->receipt.bonus_minor, q->bonus_minor);
    EXPECT_EQ(Bonus() - before, q->bonus_minor);

    // The same receipt again is a replay; another receipt with the quote is refused.
    auto replay = app_->receipts->Post(store_, Receipt("R-1", lines, *q), "test");
    ASSERT_TRUE(IsOk(replay));
    EXPECT_TRUE(replay->replayed);
    EXPECT_TRUE(Fails(app_->receipts->Post(store_, Receipt("R-2", lines, *q), "test"), ErrorCode::kConflict));

    auto report = svc_->Report("coffee-3-for-2");
    ASSERT_TRUE(IsOk(report));
    EXPECT_EQ(report->counts.redemptions, 1);
    EXPECT_EQ(report->counts.discount_minor, 4995);
    EXPECT_EQ(report->offer.record.redeemed, 1);
    auto fruit_report = svc_->Report("fruit-11");
    EXPECT_EQ(fruit_report->counts.bonus_minor, 330);
}

TEST_P(OfferServiceTest, AQuoteIsForItsStoreItsCustomerAndAWeek) {
    auto price = Base("milk-price", "member_price");
    price.member_price_minor = 995;
    ASSERT_TRUE(IsOk(svc_->Create(price, "test")));
    std::vector<TillBasketLine> lines = {{kMilk, "groceries", 1, 1295}};
    auto q = Price(lines);
    ASSERT_TRUE(IsOk(q));
    auto other = Receipt("R-1", lines, *q);
    other.card.reset();  // no customer: not the quote's
    EXPECT_TRUE(Fails(app_->receipts->Post(store_, other, "test"), ErrorCode::kInvalid));
    auto c = app_->db->Read();
    int64_t elsewhere = c->QueryOne("SELECT id FROM stores WHERE code = 'dk-roskilde-1'")->Int(0);
    EXPECT_TRUE(
        Fails(app_->receipts->Post(elsewhere, Receipt("R-2", lines, *q), "test"), ErrorCode::kInvalid));
    app_->clock.Advance(std::chrono::hours(24 * 7) + std::chrono::milliseconds(1));
    EXPECT_TRUE(Fails(app_->receipts->Post(store_, Receipt("R-3", lines, *q), "test"), ErrorCode::kInvalid));
    auto unknown = Receipt("R-4", lines, *q);
    unknown.quote_id = "q_nothing";
    EXPECT_TRUE(Fails(app_->receipts->Post(store_, unknown, "test"), ErrorCode::kInvalid));
}

TEST_P(OfferServiceTest, AnOfferThatNeedsActivationAppliesOnlyOnceActivated_R_OFF_2) {
    auto coupon = Base("app-coupon", "percent_off");
    coupon.percent_bp = 2000;
    coupon.requires_activation = true;
    ASSERT_TRUE(IsOk(svc_->Create(coupon, "test")));
    std::vector<TillBasketLine> lines = {{kMilk, "groceries", 1, 1295}};
    EXPECT_EQ(Price(lines)->priced.discount_minor, 0);
    auto listed = svc_->ForMember(member_);
    ASSERT_TRUE(IsOk(listed));
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_FALSE((*listed)[0].activated);

    auto a = svc_->Activate(member_, "app-coupon", "app");
    ASSERT_TRUE(IsOk(a));
    EXPECT_TRUE(a->activated);
    EXPECT_TRUE(IsOk(svc_->Activate(member_, "app-coupon", "web")));  // twice is once
    EXPECT_EQ(Price(lines)->priced.discount_minor, 259);
    EXPECT_TRUE(Fails(svc_->Activate(member_, "no-such-offer", "app"), ErrorCode::kNotFound));
    EXPECT_TRUE(Fails(svc_->Activate(member_, "app-coupon", "fax"), ErrorCode::kInvalid));

    // Paused: neither listed nor applied, and not to be activated.
    ASSERT_TRUE(IsOk(svc_->SetStatus("app-coupon", "paused", "test")));
    EXPECT_EQ(Price(lines)->priced.discount_minor, 0);
    EXPECT_TRUE(Codes(member_).empty());
    EXPECT_TRUE(Fails(svc_->Activate(member_, "app-coupon", "app"), ErrorCode::kInvalid));
}

TEST_P(OfferServiceTest, MembersOnlyOffersAreNotForACustomerWithAProfile_R_MEM_1_R_OFF_2) {
    auto members = Base("members-only", "percent_off");
    members.percent_bp = 1000;
    ASSERT_TRUE(IsOk(svc_->Create(members, "test")));
    auto open = Base("open-to-profiles", "percent_off");
    open.percent_bp = 500;
    open.members_only = false;
    open.requires_activation = true;
    ASSERT_TRUE(IsOk(svc_->Create(open, "test")));
    int64_t profile = app_->RegisterDanishProfile().member.id;
    EXPECT_EQ(Codes(profile), (std::vector<std::string>{"open-to-profiles"}));
    EXPECT_TRUE(Fails(svc_->Activate(profile, "members-only", "app"), ErrorCode::kRuleRefused, "R_MEM_1"));
    EXPECT_TRUE(IsOk(svc_->Activate(profile, "open-to-profiles", "app")));
    // The price checker is for members only (R_OFF_2).
    EXPECT_TRUE(Fails(svc_->Activate(profile, "open-to-profiles", "price_checker"), ErrorCode::kRuleRefused,
                      "R_OFF_2"));
    EXPECT_EQ(Codes(member_), (std::vector<std::string>{"members-only", "open-to-profiles"}));
}

TEST_P(OfferServiceTest, PersonalAndSegmentOffersReachOnlyTheirMembers_R_OFF_1) {
    auto personal = Base("just-for-you", "amount_off");
    personal.amount_minor = 200;
    personal.audience = "personal";
    ASSERT_TRUE(IsOk(svc_->Create(personal, "test")));
    EXPECT_TRUE(Codes(member_).empty());
    auto added = svc_->Assign("just-for-you", {"33216744"}, "test");
    ASSERT_TRUE(IsOk(added));
    EXPECT_EQ(*added, 1);
    EXPECT_EQ(*svc_->Assign("just-for-you", {"33216744"}, "test"), 0);
    EXPECT_EQ(Codes(member_), (std::vector<std::string>{"just-for-you"}));
    EXPECT_TRUE(Fails(svc_->Assign("just-for-you", {"99999995"}, "test"), ErrorCode::kInvalid));

    // Household size at its edge: the demo household's size admits, one more does not.
    int64_t size = 0;
    {
        auto c = app_->db->Read();
        size = c->QueryOne("SELECT COUNT(*) FROM household_members WHERE household_id = $1",
                           {store::Int(household_)})
                   ->Int(0);
    }
    auto families = Base("families", "percent_off");
    families.percent_bp = 500;
    families.audience = "segment";
    families.segment.household_size_min = size;
    ASSERT_TRUE(IsOk(svc_->Create(families, "test")));
    auto bigger = Base("bigger-families", "percent_off");
    bigger.percent_bp = 500;
    bigger.audience = "segment";
    bigger.segment.household_size_min = size + 1;
    ASSERT_TRUE(IsOk(svc_->Create(bigger, "test")));
    auto odense = Base("odense", "percent_off");
    odense.percent_bp = 500;
    odense.audience = "segment";
    odense.segment.home_stores = {"dk-roskilde-1"};
    ASSERT_TRUE(IsOk(svc_->Create(odense, "test")));
    EXPECT_EQ(Codes(member_), (std::vector<std::string>{"just-for-you", "families"}));
}

TEST_P(OfferServiceTest, LimitsPerMemberAndInAllAndTheValidityDates) {
    auto once = Base("once", "amount_off");
    once.amount_minor = 100;
    once.limit_per_member = 1;
    ASSERT_TRUE(IsOk(svc_->Create(once, "test")));
    auto later = Base("later", "amount_off");
    later.amount_minor = 100;
    later.valid_from = "2026-11-24";  // tomorrow
    ASSERT_TRUE(IsOk(svc_->Create(later, "test")));
    EXPECT_EQ(svc_->Get("later")->state, "scheduled");
    auto ended = Base("ended", "amount_off");
    ended.amount_minor = 100;
    ended.valid_from = "2026-11-01";
    ended.valid_to = "2026-11-22";  // yesterday
    ASSERT_TRUE(IsOk(svc_->Create(ended, "test")));
    EXPECT_EQ(svc_->Get("ended")->state, "ended");
    EXPECT_EQ(Codes(member_), (std::vector<std::string>{"once"}));

    std::vector<TillBasketLine> lines = {{kMilk, "groceries", 1, 1295}};
    auto q = Price(lines);
    ASSERT_TRUE(IsOk(q));
    EXPECT_EQ(q->priced.discount_minor, 100);
    ASSERT_TRUE(IsOk(app_->receipts->Post(store_, Receipt("R-1", lines, *q), "test")));
    EXPECT_TRUE(Codes(member_).empty());  // used up by this member
    EXPECT_EQ(Price(lines)->priced.discount_minor, 0);

    // Tomorrow the scheduled one applies.
    app_->clock.Advance(std::chrono::hours(24));
    EXPECT_EQ(Codes(member_), (std::vector<std::string>{"later"}));
}

TEST_P(OfferServiceTest, BadBasketsGetClearErrors) {
    EXPECT_TRUE(Fails(Price({}), ErrorCode::kMalformed));
    std::vector<TillBasketLine> many(OfferService::kMaxLines + 1,
                                     TillBasketLine{kMilk, "groceries", 1, 1295});
    EXPECT_TRUE(Fails(Price(many), ErrorCode::kMalformed));
    EXPECT_TRUE(Fails(Price({{kMilk, "groceries", -1, 1295}}), ErrorCode::kInvalid));
    EXPECT_TRUE(Fails(Price({{kMilk, "groceries", 1, -5}}), ErrorCode::kInvalid));
    EXPECT_TRUE(
        Fails(Price({{kMilk, "groceries", 1, 1295}}, std::string("6047000000000999")), ErrorCode::kNotFound));
    // A basket of 10 000 lines is priced.
    std::vector<TillBasketLine> full(OfferService::kMaxLines, TillBasketLine{kMilk, "groceries", 1, 1295});
    auto price = Base("milk-price", "member_price");
    price.member_price_minor = 995;
    ASSERT_TRUE(IsOk(svc_->Create(price, "test")));
    auto q = Price(full);
    ASSERT_TRUE(IsOk(q));
    EXPECT_EQ(q->priced.discount_minor, 300 * static_cast<int64_t>(OfferService::kMaxLines));
    // Without a customer: no offers and no quote.
    BasketInput anonymous;
    anonymous.lines = {{kMilk, "groceries", 1, 1295}};
    auto a = svc_->Price(store_, anonymous);
    ASSERT_TRUE(IsOk(a));
    EXPECT_FALSE(a->quote_id.has_value());
    EXPECT_EQ(a->priced.discount_minor, 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, OfferServiceTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::app
