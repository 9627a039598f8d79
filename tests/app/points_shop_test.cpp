// PointsShopService on SQLite and PostgreSQL, over the demo dataset (whose SE rewards include the 20
// 000-point voucher of config/markets/se.toml) with a fixed clock (2026-11-23): redemption spends the
// household's oldest points first (R_BON_4, R_BON_5), is idempotent per member and Idempotency-Key, and the
// voucher it issues is used once at a till of its market. After every test the ledger check is clean.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/ledger/points_shop_service.hpp"
#include "app/ledger/receipt_service.hpp"
#include "app/membership/membership_service.hpp"
#include "app/service_test_support.hpp"
#include "http/test_app.hpp"
#include "store/ledger/ledger_repository.hpp"
#include "store/membership/membership_repository.hpp"
#include "test_support.hpp"

namespace andel::app {
namespace {

using test::Fails;
using test::IsOk;
using test::Personnummer;

using core::ErrorCode;
using core::Result;
namespace kind = core::account_kind;

constexpr const char* kActor = "test";
constexpr const char* kDemoCard = "6047000000000010";  // the DK demo member
constexpr const char* kVoucher = "se-vardecheck-200";  // demo data: 20 000 points -> 200 SEK (R_BON_5)
constexpr const char* kPartner = "se-partner-biobiljett";

// Noon UTC on a day of 2026.
core::Timestamp Day(int month, int day) {
    using namespace std::chrono;
    return core::Timestamp(sys_days(year{2026} / std::chrono::month(month) / day)) + hours{12};
}

class PointsShopTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        auto c = app_->db->Read();
        store::MembershipRepository repo(*c);
        se_store_ = repo.FindStoreByCode("se-umea-1")->id;
        dk_store_ = repo.FindStoreByCode("dk-odense-1")->id;
    }

    void TearDown() override {
        if (!app_) return;
        test::ExpectLedgerClean(*app_->db);
    }

    // A new Swedish member of the Umeå cooperative who owns a household; returns (member number, card).
    std::pair<std::string, std::string> RegisterSe() {
        RegisterInput in;
        in.market = "se";
        in.national_id = Personnummer(1970 + serial_ % 30, 1 + serial_ % 12, 1 + serial_ % 28, 700 + serial_);
        ++serial_;
        in.first_name = "Shoppa" + std::to_string(serial_);
        in.last_name = "Testsson";
        in.contact.street = "Storgatan 1";
        in.contact.postal_code = "903 26";
        in.contact.city = "Umeå";
        in.home_store_code = "se-umea-1";
        in.share_paid_minor = 10000;  // R_MEM_4
        auto r = app_->membership->Register(in, kActor);
        EXPECT_TRUE(IsOk(r));
        if (!r.ok()) throw std::runtime_error("registration failed");
        for (const auto& card : r->cards)
            if (card.status == "active") return {*r->member.member_number, card.card_number};
        throw std::runtime_error("no active card");
    }

    // A purchase of groceries at se-umea-1 by `card`: earns on the SE ladder (R_BON_3).
    void Buy(const std::string& card, const std::string& id, core::Timestamp at, int64_t amount_minor) {
        ReceiptInput in;
        in.receipt_id = id;
        in.till = "till-1";
        in.occurred_at = at;
        in.card = card;
        in.lines.push_back({"sku-1", "groceries", 1, amount_minor, 0});
        in.tenders.push_back({"card", amount_minor});
        in.body_hash = id + "@" + std::to_string(amount_minor);
        auto r = app_->receipts->Post(se_store_, in, kActor);
        ASSERT_TRUE(IsOk(r)) << id;
    }

    int64_t HouseholdOf(const std::string& member_number) {
        auto c = app_->db->Read();
        return *store::MembershipRepository(*c).FindMemberByNumber(member_number)->household_id;
    }
    int64_t Points(const std::string& member_number) {
        auto c = app_->db->Read();
        auto a = store::LedgerRepository(*c).FindAccount(
            {kind::kHouseholdPoints, "household", HouseholdOf(member_number), "points"});
        return a ? a->balance : 0;
    }
    std::vector<store::LotRecord> Lots(const std::string& member_number) {
        auto c = app_->db->Read();
        store::LedgerRepository ledger(*c);
        auto a =
            ledger.FindAccount({kind::kHouseholdPoints, "household", HouseholdOf(member_number), "points"});
        return a ? ledger.Lots(a->id) : std::vector<store::LotRecord>{};
    }
    int64_t Count(const std::string& sql) {
        auto c = app_->db->Read();
        return c->QueryOne(sql)->Int(0);
    }
    Result<RedemptionOutcome> Redeem(const std::string& member, const std::string& reward,
                                     const std::string& key, const std::string& hash = "h1") {
        return app_->points_shop->Redeem(member, reward, key, hash, kActor);
    }
    // A member with `points` points, at most 4 000 a month from November back (the ladder's first band: 2
    // points per krona, R_BON_3).
    std::string MemberWith(int64_t points) {
        auto [number, card] = RegisterSe();
        int64_t left = points;
        for (int month = 11; left > 0 && month >= 1; --month) {
            int64_t n = std::min<int64_t>(left, 4'000);
            Buy(card, "earn-" + number + "-" + std::to_string(month), Day(month, 20), n * 50);
            left -= n;
        }
        EXPECT_EQ(Points(number), points);
        return number;
    }

    std::unique_ptr<test::TestApp> app_;
    int64_t se_store_ = 0, dk_store_ = 0;
    int serial_ = 0;
};

TEST_P(PointsShopTest, CatalogueListsTheMarketsActiveRewards_R_BON_5) {
    auto se = app_->points_shop->Catalogue("se");
    ASSERT_TRUE(IsOk(se));
    ASSERT_EQ(se->size(), 2u);
    const auto& voucher = (*se)[1].code == kVoucher ? (*se)[1] : (*se)[0];
    EXPECT_EQ(voucher.code, kVoucher);
    EXPECT_EQ(voucher.kind, "voucher");
    EXPECT_EQ(voucher.points, app_->config.markets.at("se").voucher_points);
    EXPECT_EQ(voucher.value_minor, app_->config.markets.at("se").voucher_value_minor);
    EXPECT_TRUE(IsOk(app_->points_shop->Catalogue("dk")));
    EXPECT_TRUE(Fails(app_->points_shop->Catalogue("xx"), ErrorCode::kNotFound));

    // Back office adds rewards in a points market only; codes are unique.
    RewardInput in{"se", "se-kaffe", "Kaffe och bulle", "partner", 3000, 4500, true};
    ASSERT_TRUE(IsOk(app_->points_shop->AddReward(in)));
    EXPECT_TRUE(Fails(app_->points_shop->AddReward(in), ErrorCode::kConflict));
    in.market = "dk";
    in.code = "dk-kaffe";
    EXPECT_TRUE(Fails(app_->points_shop->AddReward(in), ErrorCode::kRuleRefused, "R_BON_5"));
    in = {"se", "se-gammal", "Utgången", "partner", 100, 0, false};
    ASSERT_TRUE(IsOk(app_->points_shop->AddReward(in)));
    EXPECT_EQ(app_->points_shop->Catalogue("se")->size(), 3u);  // the inactive one is not listed
    EXPECT_TRUE(Fails(Redeem(MemberWith(1000), "se-gammal", "k"), ErrorCode::kInvalid));
}

TEST_P(PointsShopTest, RedemptionTakesTheOldestLotsFirst_R_BON_4_R_BON_5) {
    auto [number, card] = RegisterSe();
    Buy(card, "oct", Day(10, 15), 100'000);  // 1 000 SEK in October: 2 000 points
    Buy(card, "nov", Day(11, 15), 900'000);  // 9 000 SEK in November: 4 000 + 16 500 + 6 000 = 26 500
    ASSERT_EQ(Points(number), 28'500);

    auto r = Redeem(number, kVoucher, "key-1");
    ASSERT_TRUE(IsOk(r));
    EXPECT_FALSE(r->replayed);
    EXPECT_EQ(r->points, 20'000);
    ASSERT_EQ(r->lots.size(), 2u);
    EXPECT_EQ(r->lots[0], (std::pair<int, int64_t>{202610, 2'000}));
    EXPECT_EQ(r->lots[1], (std::pair<int, int64_t>{202611, 18'000}));
    EXPECT_EQ(r->balance_after, 8'500);
    EXPECT_EQ(Points(number), 8'500);
    auto lots = Lots(number);
    ASSERT_EQ(lots.size(), 2u);
    EXPECT_EQ(lots[0].remaining, 0);
    EXPECT_EQ(lots[1].remaining, 8'500);

    // The voucher: 200 SEK, valid 12 months, its code shown once and stored only hashed.
    ASSERT_TRUE(r->voucher && r->voucher->code);
    EXPECT_EQ(r->voucher->value_minor, 20'000);
    EXPECT_EQ(r->voucher->currency, "SEK");
    EXPECT_EQ(r->voucher->expires_at,
              app_->clock.Now() + std::chrono::days{365});  // 12 months from 2026-11-23
    EXPECT_EQ(r->voucher->code->size(), 14u);
    EXPECT_TRUE(NormalizeVoucherCode(*r->voucher->code));
    EXPECT_EQ(Count("SELECT COUNT(*) FROM vouchers WHERE code_hash = '" +
                    NormalizeVoucherCode(*r->voucher->code).value() + "'"),
              0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM vouchers"), 1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM ledger_accounts WHERE kind = 'points_shop' AND balance = 20000"),
              1);

    // A partner reward spends the rest of November's lot first, then refuses what is not there.
    auto partner = Redeem(number, kPartner, "key-2");
    EXPECT_TRUE(Fails(partner, ErrorCode::kRuleRefused, "R_BON_5"));  // 12 000 > 8 500
}

TEST_P(PointsShopTest, NineteenThousandNineHundredNinetyNinePointsDoNotBuyTheVoucher_R_BON_5) {
    auto [number, card] = RegisterSe();
    Buy(card, "a", Day(11, 10), 733'300);  // 4 000 + 15 999 points
    ASSERT_EQ(Points(number), 19'999);
    auto refused = Redeem(number, kVoucher, "k1");
    ASSERT_TRUE(Fails(refused, ErrorCode::kRuleRefused, "R_BON_5"));
    EXPECT_NE(refused.error().detail.find("19999"), std::string::npos) << refused.error().detail;
    EXPECT_EQ(Count("SELECT COUNT(*) FROM ledger_entries WHERE source_kind = 'redemption'"), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM redemptions"), 0);

    Buy(card, "b", Day(11, 11), 34);  // the running total reaches 20 000
    ASSERT_EQ(Points(number), 20'000);
    auto bought = Redeem(number, kVoucher, "k2");
    ASSERT_TRUE(IsOk(bought));
    EXPECT_EQ(bought->balance_after, 0);
    EXPECT_EQ(Points(number), 0);
}

TEST_P(PointsShopTest, ReplayReturnsTheFirstResultAndPostsNothing) {
    auto number = MemberWith(30'000);
    auto first = Redeem(number, kVoucher, "same-key", "hash-a");
    ASSERT_TRUE(IsOk(first));
    ASSERT_TRUE(first->voucher && first->voucher->code);
    int64_t entries = Count("SELECT COUNT(*) FROM ledger_entries");

    auto again = Redeem(number, kVoucher, "same-key", "hash-a");
    ASSERT_TRUE(IsOk(again));
    EXPECT_TRUE(again->replayed);
    EXPECT_EQ(again->redemption_id, first->redemption_id);
    EXPECT_EQ(again->points, first->points);
    EXPECT_EQ(again->lots, first->lots);
    EXPECT_EQ(again->balance_after, first->balance_after);
    ASSERT_TRUE(again->voucher);
    EXPECT_FALSE(again->voucher->code);  // stored hashed: shown only in the first answer
    EXPECT_EQ(again->voucher->expires_at, first->voucher->expires_at);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM ledger_entries"), entries);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM vouchers"), 1);
    EXPECT_EQ(Points(number), 10'000);

    // The same key with another request is a conflict, and posts nothing either.
    EXPECT_TRUE(Fails(Redeem(number, kPartner, "same-key", "hash-b"), ErrorCode::kConflict));
    EXPECT_EQ(Count("SELECT COUNT(*) FROM ledger_entries"), entries);
    // Keys are per member: another member may use the same key.
    EXPECT_TRUE(IsOk(Redeem(MemberWith(20'000), kVoucher, "same-key", "hash-a")));
}

TEST_P(PointsShopTest, VoucherIsUsedOnceAtATillOfItsMarket_R_BON_5) {
    auto r = Redeem(MemberWith(20'000), kVoucher, "k");
    ASSERT_TRUE(IsOk(r) && r->voucher && r->voucher->code);
    const std::string code = *r->voucher->code;

    EXPECT_TRUE(
        Fails(app_->points_shop->RedeemVoucher(dk_store_, code, "D-1"), ErrorCode::kRuleRefused, "R_BON_5"));
    EXPECT_TRUE(
        Fails(app_->points_shop->RedeemVoucher(se_store_, "000000000000", "S-1"), ErrorCode::kNotFound));
    EXPECT_TRUE(Fails(app_->points_shop->RedeemVoucher(se_store_, "12ab", "S-1"), ErrorCode::kMalformed));

    auto used = app_->points_shop->RedeemVoucher(se_store_, code, "S-1");
    ASSERT_TRUE(IsOk(used));
    EXPECT_EQ(used->value_minor, 20'000);
    EXPECT_EQ(used->currency, "SEK");
    EXPECT_TRUE(Fails(app_->points_shop->RedeemVoucher(se_store_, code, "S-2"), ErrorCode::kConflict));
    EXPECT_EQ(Count("SELECT COUNT(*) FROM vouchers WHERE status = 'used' AND used_receipt_id = 'S-1' AND "
                    "used_store_id = " +
                    std::to_string(se_store_)),
              1);
}

TEST_P(PointsShopTest, ExpiredVoucherIsRefused_R_BON_5) {
    auto r = Redeem(MemberWith(20'000), kVoucher, "k");
    ASSERT_TRUE(IsOk(r) && r->voucher && r->voucher->code);
    auto second = Redeem(MemberWith(20'000), kVoucher, "k");
    ASSERT_TRUE(IsOk(second) && second->voucher && second->voucher->code);
    ASSERT_EQ(second->voucher->expires_at, r->voucher->expires_at);
    app_->clock.Set(r->voucher->expires_at - std::chrono::milliseconds{1});  // the last moment it is valid
    EXPECT_TRUE(IsOk(app_->points_shop->RedeemVoucher(se_store_, *second->voucher->code, "S-0")));

    app_->clock.Set(r->voucher->expires_at);
    EXPECT_TRUE(Fails(app_->points_shop->RedeemVoucher(se_store_, *r->voucher->code, "S-1"),
                      ErrorCode::kRuleRefused, "R_BON_5"));
    EXPECT_EQ(Count("SELECT COUNT(*) FROM vouchers WHERE status = 'issued'"), 1);
}

TEST_P(PointsShopTest, DanishMemberCannotRedeem_R_BON_5) {
    std::string dk_number;
    {
        auto c = app_->db->Read();
        dk_number = *store::MembershipRepository(*c).FindMemberByCard(kDemoCard)->member_number;
    }
    EXPECT_TRUE(Fails(Redeem(dk_number, kVoucher, "k"), ErrorCode::kRuleRefused, "R_BON_5"));
    EXPECT_TRUE(Fails(Redeem("1234567X", kVoucher, "k"), ErrorCode::kMalformed));
    EXPECT_TRUE(Fails(Redeem(MemberWith(100), "no-such-reward", "k"), ErrorCode::kNotFound));
    EXPECT_TRUE(Fails(Redeem(MemberWith(100), kVoucher, std::string(65, 'k')), ErrorCode::kMalformed));
    EXPECT_EQ(Count("SELECT COUNT(*) FROM redemptions"), 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, PointsShopTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::app
