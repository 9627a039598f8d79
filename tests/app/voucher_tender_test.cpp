// A points-shop voucher as a tender of a receipt (R_BON_5, R_BON_2), on SQLite and PostgreSQL over the demo
// dataset with a fixed clock (2026-11-23T12:00:00Z): the voucher is checked at the receipt's time, used by
// the receipt in its own transaction, pays the store from the operator's points_shop account, and its part
// earns nothing; returns give no voucher back. After every test the ledger check is clean.
#include <gtest/gtest.h>

#include <chrono>
#include <latch>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "app/crypto.hpp"
#include "app/ledger/points_shop_service.hpp"
#include "app/ledger/receipt_service.hpp"
#include "app/membership/membership_service.hpp"
#include "app/service_test_support.hpp"
#include "core/ladder.hpp"
#include "http/test_app.hpp"
#include "store/ledger/ledger_repository.hpp"
#include "store/ledger/points_shop_repository.hpp"
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
constexpr const char* kVoucherReward = "se-vardecheck-200";  // demo data: 20 000 points -> 200 SEK
constexpr int64_t kValue = 20'000;                           // 200 SEK

core::Timestamp Day(int month, int day) {
    using namespace std::chrono;
    return core::Timestamp(sys_days(year{2026} / std::chrono::month(month) / day)) + hours{12};
}

struct Paid {
    std::string kind;
    int64_t amount_minor;
    std::optional<std::string> voucher_code;  // for bonus_voucher
};

class VoucherTenderTest : public ::testing::TestWithParam<std::string> {
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

    // A new Swedish member who owns a household; returns (member number, card).
    std::pair<std::string, std::string> RegisterSe() {
        RegisterInput in;
        in.market = "se";
        in.national_id = Personnummer(1960 + serial_ % 30, 1 + serial_ % 12, 1 + serial_ % 28, 500 + serial_);
        ++serial_;
        in.first_name = "Check" + std::to_string(serial_);
        in.last_name = "Testsson";
        in.contact.street = "Storgatan 1";
        in.contact.postal_code = "903 26";
        in.contact.city = "Umeå";
        in.home_store_code = "se-umea-1";
        in.share_paid_minor = 10000;
        auto r = app_->membership->Register(in, kActor);
        EXPECT_TRUE(IsOk(r));
        if (!r.ok()) throw std::runtime_error("registration failed");
        for (const auto& card : r->cards)
            if (card.status == "active") return {*r->member.member_number, card.card_number};
        throw std::runtime_error("no active card");
    }

    // A receipt of `store` with one groceries line per amount, paid by `tenders`.
    ReceiptInput Receipt(const std::string& id, core::Timestamp at, std::optional<std::string> card,
                         const std::vector<int64_t>& lines, const std::vector<Paid>& tenders) {
        ReceiptInput in;
        in.receipt_id = id;
        in.till = "till-1";
        in.occurred_at = at;
        in.card = std::move(card);
        std::string hash = id + "@" + std::to_string(core::ToMillis(at));
        for (size_t i = 0; i < lines.size(); ++i) {
            in.lines.push_back({"sku-" + std::to_string(i), "groceries", lines[i] < 0 ? -1 : 1, lines[i], 0});
            hash += "|" + std::to_string(lines[i]);
        }
        for (size_t i = 0; i < tenders.size(); ++i) {
            in.tenders.push_back({tenders[i].kind, tenders[i].amount_minor});
            if (tenders[i].voucher_code) in.voucher_codes[i] = *tenders[i].voucher_code;
            hash += "|" + tenders[i].kind + ":" + std::to_string(tenders[i].amount_minor) + ":" +
                    tenders[i].voucher_code.value_or("");
        }
        in.body_hash = hash;
        return in;
    }

    Result<ReceiptOutcome> Post(const ReceiptInput& in, int64_t store = 0) {
        return app_->receipts->Post(store ? store : se_store_, in, kActor);
    }

    // A voucher of 200 SEK bought with the points of a new member (20 000 points, 4 000 a month from
    // November back); returns its code as printed.
    std::string Voucher() {
        auto [number, card] = RegisterSe();
        for (int month = 11; month >= 7; --month) {
            auto in = Receipt("earn-" + number + "-" + std::to_string(month), Day(month, 20), card, {200'000},
                              {{"card", 200'000, std::nullopt}});
            EXPECT_TRUE(IsOk(Post(in)));
        }
        auto r = app_->points_shop->Redeem(number, kVoucherReward, "voucher-" + number, "h", kActor);
        EXPECT_TRUE(IsOk(r));
        if (!r.ok() || !r->voucher || !r->voucher->code) throw std::runtime_error("no voucher");
        return *r->voucher->code;
    }

    store::VoucherRecord VoucherRow(const std::string& code) {
        auto c = app_->db->Read();
        return *store::PointsShopRepository(*c).FindVoucherByHash(Sha256Hex(*NormalizeVoucherCode(code)));
    }
    int64_t Balance(const core::AccountRef& ref) {
        auto c = app_->db->Read();
        auto a = store::LedgerRepository(*c).FindAccount(ref);
        return a ? a->balance : 0;
    }
    int64_t StoreRedemption() { return Balance({kind::kRedemption, "store", se_store_, "SEK"}); }
    int64_t OperatorVouchers() { return Balance({kind::kPointsShop, "operator", 0, "SEK"}); }
    int64_t Count(const std::string& sql) {
        auto c = app_->db->Read();
        return c->QueryOne(sql)->Int(0);
    }
    int64_t Points(const std::string& card) {
        auto c = app_->db->Read();
        auto m = store::MembershipRepository(*c).FindMemberByCard(card);
        return Balance({kind::kHouseholdPoints, "household", *m->household_id, "points"});
    }

    std::unique_ptr<test::TestApp> app_;
    int64_t se_store_ = 0, dk_store_ = 0;
    int serial_ = 0;
};

TEST_P(VoucherTenderTest, VoucherPaysPartOfTheReceiptAndThatPartEarnsNothing_R_BON_5_R_BON_2) {
    auto code = Voucher();
    auto [number, card] = RegisterSe();  // a voucher is a bearer's: another member may pay with it
    const int64_t operator_before = OperatorVouchers();

    auto r = Post(Receipt("V-1", app_->clock.Now(), card, {30'000},
                          {{"bonus_voucher", kValue, code}, {"card", 10'000, std::nullopt}}));
    ASSERT_TRUE(IsOk(r));
    EXPECT_FALSE(r->replayed);
    EXPECT_EQ(r->receipt.total_minor, 30'000);
    EXPECT_EQ(r->receipt.eligible_minor, 10'000);  // only the card part earns (R_BON_2)
    const auto& se = app_->config.markets.at("se");
    EXPECT_EQ(r->receipt.points, core::LadderPoints(se.ladder, 0, 10'000, se.monthly_points_cap));
    EXPECT_GT(r->receipt.points, 0);
    EXPECT_EQ(Points(card), r->receipt.points);

    // Used by this receipt, in its transaction; the operator pays the store the voucher's 200 SEK.
    auto v = VoucherRow(code);
    EXPECT_EQ(v.status, "used");
    EXPECT_EQ(v.used_store_id, se_store_);
    EXPECT_EQ(v.used_receipt_id, "V-1");
    EXPECT_EQ(v.used_amount_minor, kValue);
    EXPECT_EQ(StoreRedemption(), kValue);
    EXPECT_EQ(OperatorVouchers(), operator_before - kValue);
    // The voucher's code is not kept with the receipt.
    EXPECT_EQ(Count("SELECT COUNT(*) FROM receipts WHERE tenders LIKE '%" + code.substr(0, 4) +
                    "-%' OR "
                    "tenders LIKE '%" +
                    *NormalizeVoucherCode(code) + "%'"),
              0);

    // An anonymous customer pays with one too, the whole basket.
    auto code2 = Voucher();
    auto anon =
        Post(Receipt("V-2", app_->clock.Now(), std::nullopt, {kValue}, {{"bonus_voucher", kValue, code2}}));
    ASSERT_TRUE(IsOk(anon));
    EXPECT_EQ(anon->receipt.eligible_minor, 0);
    EXPECT_EQ(StoreRedemption(), 2 * kValue);
}

TEST_P(VoucherTenderTest, AmountUpToTheValueIsTakenOneMinorUnitAboveIsRefused_R_BON_5) {
    auto code = Voucher();
    auto above = Post(
        Receipt("V-1", app_->clock.Now(), std::nullopt, {kValue + 1}, {{"bonus_voucher", kValue + 1, code}}));
    ASSERT_TRUE(Fails(above, ErrorCode::kRuleRefused, "R_BON_5"));
    EXPECT_EQ(above.error().field, "tenders[0].voucher_code");
    EXPECT_EQ(VoucherRow(code).status, "issued");
    EXPECT_EQ(Count("SELECT COUNT(*) FROM receipts WHERE receipt_key = 'V-1'"), 0);

    auto equal = Post(Receipt("V-1", app_->clock.Now(), std::nullopt, {kValue + 1},
                              {{"bonus_voucher", kValue, code}, {"cash", 1, std::nullopt}}));
    ASSERT_TRUE(IsOk(equal));
    EXPECT_EQ(VoucherRow(code).used_amount_minor, kValue);
}

TEST_P(VoucherTenderTest, SmallerBasketUsesTheVoucherWholeAndGivesNoChange_R_BON_5) {
    auto code = Voucher();
    // No change, not even as a cash withdrawal: the vouchers may pay at most the lines total.
    EXPECT_TRUE(
        Fails(Post(Receipt("V-1", app_->clock.Now(), std::nullopt, {15'000},
                           {{"bonus_voucher", kValue, code}, {"cash_withdrawal", -5'000, std::nullopt}})),
              ErrorCode::kRuleRefused, "R_BON_5"));
    EXPECT_EQ(VoucherRow(code).status, "issued");

    ASSERT_TRUE(IsOk(
        Post(Receipt("V-1", app_->clock.Now(), std::nullopt, {15'000}, {{"bonus_voucher", 15'000, code}}))));
    auto v = VoucherRow(code);
    EXPECT_EQ(v.status, "used");
    EXPECT_EQ(v.used_amount_minor, 15'000);
    EXPECT_EQ(StoreRedemption(), 15'000);  // the store is paid what the voucher paid; the rest lapses
    // The rest is not left on it: a second use is a conflict.
    auto again =
        Post(Receipt("V-2", app_->clock.Now(), std::nullopt, {5'000}, {{"bonus_voucher", 5'000, code}}));
    EXPECT_TRUE(Fails(again, ErrorCode::kConflict, "R_BON_5"));
}

TEST_P(VoucherTenderTest, ExpiredAtTheReceiptsTimeIsRefusedOneMillisecondEarlierIsTaken_R_BON_5) {
    auto early = Voucher();
    auto late = Voucher();
    const auto expires = core::FromMillis(VoucherRow(early).expires_at);
    ASSERT_EQ(VoucherRow(late).expires_at, core::ToMillis(expires));
    // Uploaded an hour after the expiry: the receipt's time decides, not the upload's.
    app_->clock.Set(expires + std::chrono::hours{1});
    auto at_expiry = Post(Receipt("V-1", expires, std::nullopt, {kValue}, {{"bonus_voucher", kValue, late}}));
    EXPECT_TRUE(Fails(at_expiry, ErrorCode::kRuleRefused, "R_BON_5"));
    EXPECT_EQ(VoucherRow(late).status, "issued");
    auto before = Post(Receipt("V-2", expires - std::chrono::milliseconds{1}, std::nullopt, {kValue},
                               {{"bonus_voucher", kValue, early}}));
    EXPECT_TRUE(IsOk(before));
    EXPECT_EQ(VoucherRow(early).status, "used");
}

TEST_P(VoucherTenderTest, ReceiptOlderThanTheVoucherIsRefused_R_BON_5) {
    auto code = Voucher();
    const auto issued = core::FromMillis(VoucherRow(code).issued_at);
    // A till's clock may lag 15 minutes; a receipt before that is older than the voucher.
    EXPECT_TRUE(Fails(Post(Receipt("V-1", issued - std::chrono::minutes{15} - std::chrono::milliseconds{1},
                                   std::nullopt, {kValue}, {{"bonus_voucher", kValue, code}})),
                      ErrorCode::kRuleRefused, "R_BON_5"));
    EXPECT_TRUE(IsOk(Post(Receipt("V-2", issued - std::chrono::minutes{15}, std::nullopt, {kValue},
                                  {{"bonus_voucher", kValue, code}}))));
}

TEST_P(VoucherTenderTest, ReplayAnswersTheFirstResultAnotherReceiptIsAConflict_R_BON_5) {
    auto code = Voucher();
    auto [number, card] = RegisterSe();
    auto in = Receipt("V-1", app_->clock.Now(), card, {30'000},
                      {{"card", 10'000, std::nullopt}, {"bonus_voucher", kValue, code}});
    auto first = Post(in);
    ASSERT_TRUE(IsOk(first));
    const int64_t entries = Count("SELECT COUNT(*) FROM ledger_entries");

    auto again = Post(in);
    ASSERT_TRUE(IsOk(again));
    EXPECT_TRUE(again->replayed);
    EXPECT_EQ(again->receipt.id, first->receipt.id);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM ledger_entries"), entries);
    EXPECT_EQ(StoreRedemption(), kValue);
    EXPECT_EQ(VoucherRow(code).used_receipt_id, "V-1");

    auto other =
        Post(Receipt("V-2", app_->clock.Now(), std::nullopt, {kValue}, {{"bonus_voucher", kValue, code}}));
    ASSERT_TRUE(Fails(other, ErrorCode::kConflict, "R_BON_5"));
    EXPECT_EQ(other.error().field, "tenders[0].voucher_code");
    EXPECT_EQ(Count("SELECT COUNT(*) FROM ledger_entries"), entries);
    EXPECT_EQ(StoreRedemption(), kValue);
}

TEST_P(VoucherTenderTest, VoucherTakenByTheSeparateCallIsBookedByThatReceiptOnly_R_BON_5) {
    auto code = Voucher();
    ASSERT_TRUE(IsOk(app_->points_shop->RedeemVoucher(se_store_, code, "V-9")));
    EXPECT_EQ(StoreRedemption(), 0);  // the separate call books nothing
    // Another receipt cannot use it; the receipt it was taken for books it.
    EXPECT_TRUE(Fails(
        Post(Receipt("V-8", app_->clock.Now(), std::nullopt, {kValue}, {{"bonus_voucher", kValue, code}})),
        ErrorCode::kConflict, "R_BON_5"));
    ASSERT_TRUE(IsOk(
        Post(Receipt("V-9", app_->clock.Now(), std::nullopt, {kValue}, {{"bonus_voucher", kValue, code}}))));
    EXPECT_EQ(VoucherRow(code).used_amount_minor, kValue);
    EXPECT_EQ(StoreRedemption(), kValue);
    EXPECT_TRUE(Fails(app_->points_shop->RedeemVoucher(se_store_, code, "V-10"), ErrorCode::kConflict));
}

TEST_P(VoucherTenderTest, BadReferencesAreRefusedBeforeAnythingIsWritten_R_BON_5) {
    auto code = Voucher();
    const auto now = app_->clock.Now();
    const int64_t receipts = Count("SELECT COUNT(*) FROM receipts");
    auto refused = [&](const ReceiptInput& in, ErrorCode error, const std::string& rule, int64_t store = 0) {
        auto r = Post(in, store);
        EXPECT_TRUE(Fails(r, error, rule)) << in.receipt_id;
    };
    // Another market's till (DK), an unknown code, malformed or missing codes, a code on another tender,
    // the same voucher twice.
    auto dk = Receipt("V-1", now, std::nullopt, {kValue}, {{"bonus_voucher", kValue, code}});
    refused(dk, ErrorCode::kRuleRefused, "R_BON_5", dk_store_);
    refused(Receipt("V-2", now, std::nullopt, {kValue}, {{"bonus_voucher", kValue, "0000-0000-0000"}}),
            ErrorCode::kRuleRefused, "R_BON_5");
    refused(Receipt("V-3", now, std::nullopt, {kValue}, {{"bonus_voucher", kValue, "1234-5678"}}),
            ErrorCode::kMalformed, "");
    refused(Receipt("V-4", now, std::nullopt, {kValue}, {{"bonus_voucher", kValue, std::nullopt}}),
            ErrorCode::kMalformed, "");
    refused(Receipt("V-5", now, std::nullopt, {kValue}, {{"card", kValue, code}}), ErrorCode::kMalformed, "");
    refused(Receipt("V-6", now, std::nullopt, {kValue},
                    {{"bonus_voucher", kValue / 2, code},
                     {"bonus_voucher", kValue / 2, *NormalizeVoucherCode(code)}}),
            ErrorCode::kRuleRefused, "R_BON_5");
    refused(Receipt("V-7", now, std::nullopt, {kValue},
                    {{"bonus_voucher", 0, code}, {"card", kValue, std::nullopt}}),
            ErrorCode::kInvalid, "");
    EXPECT_EQ(Count("SELECT COUNT(*) FROM receipts"), receipts);
    EXPECT_EQ(VoucherRow(code).status, "issued");
    // The 12 digits without dashes are the same voucher.
    EXPECT_TRUE(IsOk(Post(Receipt("V-8", now, std::nullopt, {kValue},
                                  {{"bonus_voucher", kValue, *NormalizeVoucherCode(code)}}))));
}

TEST_P(VoucherTenderTest, ReceiptRefusedForAnotherReasonLeavesTheVoucherUnused_R_BON_5) {
    auto good = Voucher();
    auto used = Voucher();
    ASSERT_TRUE(IsOk(
        Post(Receipt("V-0", app_->clock.Now(), std::nullopt, {kValue}, {{"bonus_voucher", kValue, used}}))));
    const int64_t entries = Count("SELECT COUNT(*) FROM ledger_entries");
    // The first voucher passes and is marked used, the second is refused: the whole receipt rolls back.
    auto r = Post(Receipt("V-1", app_->clock.Now(), std::nullopt, {2 * kValue},
                          {{"bonus_voucher", kValue, good}, {"bonus_voucher", kValue, used}}));
    EXPECT_TRUE(Fails(r, ErrorCode::kConflict, "R_BON_5"));
    // An unknown card.
    auto card = Receipt("V-2", app_->clock.Now(), std::string("6047000000009999"), {kValue},
                        {{"bonus_voucher", kValue, good}});
    EXPECT_FALSE(Post(card).ok());
    EXPECT_EQ(VoucherRow(good).status, "issued");
    EXPECT_EQ(Count("SELECT COUNT(*) FROM ledger_entries"), entries);
    EXPECT_EQ(StoreRedemption(), kValue);
}

TEST_P(VoucherTenderTest, ReturnGivesNoVoucherBackAndTakesBackOnlyWhatEarned_R_BON_5_R_BON_2) {
    auto code = Voucher();
    auto [number, card] = RegisterSe();
    auto sale = Post(Receipt("V-1", app_->clock.Now(), card, {15'000, 15'000},
                             {{"bonus_voucher", kValue, code}, {"card", 10'000, std::nullopt}}));
    ASSERT_TRUE(IsOk(sale));
    const int64_t earned = sale->receipt.points;
    ASSERT_GT(earned, 0);
    ASSERT_EQ(sale->receipt.eligible_minor, 10'000);

    auto ret = [&](const std::string& id, std::vector<Paid> tenders) {
        auto in = Receipt(id, app_->clock.Now(), std::nullopt, {-15'000}, tenders);
        in.original_receipt_id = "V-1";
        return Post(in);
    };
    // A negative voucher tender: a voucher is not given back.
    auto back = ret("R-0", {{"bonus_voucher", -15'000, code}});
    ASSERT_TRUE(Fails(back, ErrorCode::kRuleRefused, "R_BON_5"));
    EXPECT_EQ(back.error().field, "tenders[0].kind");
    // Half the goods refunded by card: the vouchers paid 2/3 of them, so 5 000 counts as returned.
    auto half = ret("R-1", {{"card", -15'000, std::nullopt}});
    ASSERT_TRUE(IsOk(half));
    EXPECT_EQ(half->receipt.eligible_minor, -5'000);
    EXPECT_EQ(half->receipt.points, -(earned / 2));
    // The rest, as a gift card: everything earned is taken back, no more.
    auto rest = ret("R-2", {{"gift_card", -15'000, std::nullopt}});
    ASSERT_TRUE(IsOk(rest));
    EXPECT_EQ(rest->receipt.eligible_minor, -5'000);
    EXPECT_EQ(half->receipt.points + rest->receipt.points, -earned);
    EXPECT_EQ(Points(card), 0);
    // Nothing is left of the sale.
    EXPECT_TRUE(Fails(ret("R-3", {{"card", -15'000, std::nullopt}}), ErrorCode::kInvalid));
    // The store keeps what the voucher paid; the voucher stays used.
    EXPECT_EQ(StoreRedemption(), kValue);
    EXPECT_EQ(VoucherRow(code).status, "used");
}

TEST_P(VoucherTenderTest, BatchRefusesOnlyTheReceiptWithABadVoucher_R_BON_5) {
    auto code = Voucher();
    const auto now = app_->clock.Now();
    std::vector<ReceiptInput> batch = {
        Receipt("B-1", now, std::nullopt, {kValue}, {{"bonus_voucher", kValue, code}}),
        Receipt("B-2", now, std::nullopt, {kValue}, {{"bonus_voucher", kValue, code}}),  // used by B-1
        Receipt("B-3", now, std::nullopt, {kValue}, {{"bonus_voucher", kValue, "0000-0000-0000"}}),
        Receipt("B-4", now, std::nullopt, {1'000}, {{"cash", 1'000, std::nullopt}}),
    };
    auto out = app_->receipts->PostBatch(se_store_, batch, kActor);
    ASSERT_EQ(out.size(), 4u);
    EXPECT_TRUE(IsOk(out[0]));
    EXPECT_TRUE(Fails(out[1], ErrorCode::kConflict, "R_BON_5"));
    EXPECT_TRUE(Fails(out[2], ErrorCode::kRuleRefused, "R_BON_5"));
    EXPECT_TRUE(IsOk(out[3]));
    EXPECT_EQ(VoucherRow(code).used_receipt_id, "B-1");
    EXPECT_EQ(StoreRedemption(), kValue);
    // The same upload again: replays, nothing used twice.
    auto again = app_->receipts->PostBatch(se_store_, batch, kActor);
    EXPECT_TRUE(IsOk(again[0]) && again[0]->replayed);
    EXPECT_TRUE(Fails(again[1], ErrorCode::kConflict, "R_BON_5"));
    EXPECT_EQ(StoreRedemption(), kValue);
}

TEST_P(VoucherTenderTest, ConcurrentReceiptsUseAVoucherOnce_R_BON_5) {
    auto code = Voucher();
    constexpr int kThreads = 4;
    std::latch start(kThreads);
    std::vector<Result<ReceiptOutcome>> results(kThreads, core::Error::Conflict("not run"));
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i)
        threads.emplace_back([&, i] {
            auto in = Receipt("C-" + std::to_string(i), app_->clock.Now(), std::nullopt, {kValue},
                              {{"bonus_voucher", kValue, code}});
            start.arrive_and_wait();
            results[i] = app_->receipts->Post(se_store_, in, kActor);
        });
    for (auto& t : threads) t.join();
    int ok = 0;
    for (const auto& r : results) {
        if (r.ok())
            ++ok;
        else
            EXPECT_TRUE(Fails(r, ErrorCode::kConflict, "R_BON_5"));
    }
    EXPECT_EQ(ok, 1);
    EXPECT_EQ(StoreRedemption(), kValue);
}

INSTANTIATE_TEST_SUITE_P(Engines, VoucherTenderTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::app
