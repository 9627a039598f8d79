#include "core/ledger/earning.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace andel::core {
namespace {

constexpr int64_t kUnit = 100;  // øre / öre per krone / krona

// R_BON_2: the excluded categories and tenders of config/markets/{dk,no,se}.toml (the same list in all
// three).
const std::vector<std::string> kExcludedCategories = {
    "tobacco",    "alcohol",         "gambling",     "lottery",
    "gift_cards", "pharmaceuticals", "carrier_bags", "intermediated_services",
};
const std::vector<std::string> kExcludedTenders = {"cash_withdrawal", "atm_withdrawal", "deposit_voucher"};

// The earning numbers of config/markets/dk.toml: 1 % bonus in money, 1 % savings for a customer with a
// profile.
MarketRules Dk() {
    MarketRules r;
    r.code = "dk";
    r.currency = "DKK";
    r.reward = RewardKind::kBonusMoney;
    r.profile_savings_rate_bp = 100;
    r.excluded_categories = kExcludedCategories;
    r.excluded_tenders = kExcludedTenders;
    r.bonus_rate_bp = 100;
    return r;
}

// The earning numbers of config/markets/no.toml: no base bonus; dividend 3 % own, 1 % other cooperative.
MarketRules No() {
    MarketRules r;
    r.code = "no";
    r.currency = "NOK";
    r.reward = RewardKind::kBonusAndDividend;
    r.profile_savings_rate_bp = 0;
    r.excluded_categories = kExcludedCategories;
    r.excluded_tenders = kExcludedTenders;
    r.bonus_rate_bp = 0;
    r.dividend_own_bp = 300;
    r.dividend_other_bp = 100;
    r.dividend_min_bp = 100;
    return r;
}

// The earning numbers of config/markets/se.toml: the points ladder and its monthly cap.
MarketRules Se() {
    MarketRules r;
    r.code = "se";
    r.currency = "SEK";
    r.reward = RewardKind::kPoints;
    r.profile_savings_rate_bp = 0;
    r.excluded_categories = kExcludedCategories;
    r.excluded_tenders = kExcludedTenders;
    r.ladder = {{0, 2}, {200'000, 3}, {750'000, 4}, {1'500'000, 5}, {4'000'000, 6}};
    r.monthly_points_cap = 235'500;
    return r;
}

ReceiptLine L(std::string category, int64_t amount_minor, int64_t discount_minor = 0) {
    ReceiptLine line;
    line.sku = "sku-" + category;
    line.category = std::move(category);
    line.quantity = amount_minor < 0 ? -1 : 1;
    line.amount_minor = amount_minor;
    line.discount_minor = discount_minor;
    return line;
}

Tender T(std::string kind, int64_t amount_minor) { return Tender{std::move(kind), amount_minor}; }

const EarningContext kMember{};

EarningContext Profile() {
    EarningContext c;
    c.profile_customer = true;
    return c;
}

EarningContext MonthBefore(int64_t spend_minor) {
    EarningContext c;
    c.household_month_spend_before_minor = spend_minor;
    return c;
}

Earning Earn(const std::vector<ReceiptLine>& lines, const std::vector<Tender>& tenders,
             const MarketRules& rules, const EarningContext& context = kMember) {
    auto earning = ComputeEarning(lines, tenders, rules, context);
    if (!earning.ok()) {
        ADD_FAILURE() << earning.error().field << ": " << earning.error().detail;
        return {};
    }
    return *earning;
}

// Checks that a receipt is refused with `code`, naming `field`.
void ExpectRefused(const std::vector<ReceiptLine>& lines, const std::vector<Tender>& tenders, ErrorCode code,
                   const std::string& field) {
    auto result = ValidateReceipt(lines, tenders);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, code);
    EXPECT_EQ(result.error().field, field);
    EXPECT_FALSE(result.error().detail.empty());
    EXPECT_FALSE(ComputeEarning(lines, tenders, Dk(), kMember).ok());  // nothing earns on a bad receipt
}

// ---------------------------------------------------------------------------------------------------------
// ValidateReceipt

TEST(Receipt, AcceptsSaleReturnMixedAndExchange) {
    EXPECT_TRUE(ValidateReceipt({L("groceries", 10'000, 1'000)}, {T("card", 9'000)}).ok());
    // A return: total < 0, every sign flipped; a return line gives its discount back as a negative number.
    EXPECT_TRUE(ValidateReceipt({L("groceries", -10'000, -1'000)}, {T("card", -9'000)}).ok());
    // A return line within a sale.
    EXPECT_TRUE(ValidateReceipt({L("groceries", 30'000), L("groceries", -10'000)}, {T("card", 20'000)}).ok());
    // An even exchange needs no tender.
    EXPECT_TRUE(ValidateReceipt({L("groceries", 5'000), L("groceries", -5'000)}, {}).ok());
    // Every known tender kind, withdrawals negative.
    EXPECT_TRUE(
        ValidateReceipt({L("groceries", 70'000)},
                        {T("card", 10'000), T("cash", 10'000), T("gift_card", 10'000),
                         T("deposit_voucher", 10'000), T("bonus", 10'000), T("mobile", 10'000),
                         T("invoice", 30'000), T("cash_withdrawal", -10'000), T("atm_withdrawal", -10'000)})
            .ok());
}

TEST(Receipt, RefusesNoLines) { ExpectRefused({}, {}, ErrorCode::kMalformed, "lines"); }

TEST(Receipt, RefusesTenThousandAndOneLines) {
    std::vector<ReceiptLine> lines(10'000, L("groceries", 100));
    EXPECT_TRUE(ValidateReceipt(lines, {T("card", 1'000'000)}).ok());
    lines.push_back(L("groceries", 100));
    ExpectRefused(lines, {T("card", 1'000'100)}, ErrorCode::kMalformed, "lines");
}

TEST(Receipt, RefusesFiftyOneTenders) {
    std::vector<Tender> tenders(50, T("cash", 100));
    EXPECT_TRUE(ValidateReceipt({L("groceries", 5'000)}, tenders).ok());
    tenders.push_back(T("cash", 100));
    ExpectRefused({L("groceries", 5'100)}, tenders, ErrorCode::kMalformed, "tenders");
}

TEST(Receipt, RefusesTendersThatDoNotSum) {
    ExpectRefused({L("groceries", 10'000)}, {T("card", 9'999)}, ErrorCode::kInvalid, "tenders");
    ExpectRefused({L("groceries", 10'000, 500)}, {T("card", 10'000)}, ErrorCode::kInvalid, "tenders");
    ExpectRefused({L("groceries", 10'000)}, {}, ErrorCode::kInvalid, "tenders");
}

TEST(Receipt, RefusesUnknownTender) {
    ExpectRefused({L("groceries", 10'000)}, {T("card", 5'000), T("bitcoin", 5'000)}, ErrorCode::kInvalid,
                  "tenders[1].kind");
    ExpectRefused({L("groceries", 10'000)}, {T("", 10'000)}, ErrorCode::kInvalid, "tenders[0].kind");
    ExpectRefused({L("groceries", 10'000)}, {T("CARD", 10'000)}, ErrorCode::kInvalid, "tenders[0].kind");
}

TEST(Receipt, RefusesPositiveWithdrawal) {
    ExpectRefused({L("groceries", 10'000)}, {T("card", 5'000), T("cash_withdrawal", 5'000)},
                  ErrorCode::kInvalid, "tenders[1].amount_minor");
    ExpectRefused({L("groceries", 10'000)}, {T("card", 5'000), T("atm_withdrawal", 5'000)},
                  ErrorCode::kInvalid, "tenders[1].amount_minor");
}

TEST(Receipt, RefusesPaymentOfTheWrongSignOrZero) {
    ExpectRefused({L("groceries", 10'000)}, {T("card", 15'000), T("cash", -5'000)}, ErrorCode::kInvalid,
                  "tenders[1].amount_minor");
    ExpectRefused({L("groceries", 10'000)}, {T("card", 10'000), T("cash", 0)}, ErrorCode::kInvalid,
                  "tenders[1].amount_minor");
    // On a return every sign is flipped: a positive refund is wrong.
    ExpectRefused({L("groceries", -10'000)}, {T("card", 10'000)}, ErrorCode::kInvalid,
                  "tenders[0].amount_minor");
}

TEST(Receipt, RefusesAmountsBeyondTenToTheEleventh) {
    constexpr int64_t kMax = 100'000'000'000;
    EXPECT_TRUE(ValidateReceipt({L("groceries", kMax)}, {T("card", kMax)}).ok());
    ExpectRefused({L("a", 1), L("b", 1), L("c", 1), L("d", kMax + 1)}, {T("card", kMax + 4)},
                  ErrorCode::kMalformed, "lines[3].amount_minor");
    ExpectRefused({L("groceries", -kMax - 1)}, {T("card", -kMax - 1)}, ErrorCode::kMalformed,
                  "lines[0].amount_minor");
    ExpectRefused({L("groceries", kMax)}, {T("card", kMax + 1), T("cash_withdrawal", -1)},
                  ErrorCode::kMalformed, "tenders[0].amount_minor");
}

TEST(Receipt, RefusesDiscountOutsideTheAmount) {
    ExpectRefused({L("groceries", 10'000, -1)}, {T("card", 10'001)}, ErrorCode::kInvalid,
                  "lines[0].discount_minor");
    ExpectRefused({L("groceries", 10'000), L("groceries", 10'000, 10'001)}, {T("card", 9'999)},
                  ErrorCode::kInvalid, "lines[1].discount_minor");
    EXPECT_TRUE(ValidateReceipt({L("groceries", 10'000, 10'000)}, {}).ok());  // free: discount = amount
    // A return line: the discount lies between the amount and 0, so the refund never exceeds the amount.
    ExpectRefused({L("groceries", -10'000, 1'000)}, {T("card", -11'000)}, ErrorCode::kInvalid,
                  "lines[0].discount_minor");
}

// ---------------------------------------------------------------------------------------------------------
// ComputeEarning: what earns (R_BON_2)

TEST(Earning, EachExcludedCategoryEarnsNothing_R_BON_2) {
    for (const auto& rules : {Dk(), No(), Se()}) {
        for (const auto& category : kExcludedCategories) {
            SCOPED_TRACE(rules.code + " " + category);
            // Alone: nothing earns.
            Earning alone = Earn({L(category, 20'000)}, {T("card", 20'000)}, rules);
            EXPECT_EQ(alone.total_minor, 20'000);
            EXPECT_EQ(alone.eligible_minor, 0);
            EXPECT_EQ(alone.bonus_minor, 0);
            EXPECT_EQ(alone.points, 0);
            EXPECT_EQ(alone.dividend_base_minor, 0);
            // Beside groceries: only the groceries earn.
            Earning mixed =
                Earn({L("groceries", 100 * kUnit), L(category, 20'000)}, {T("card", 30'000)}, rules);
            EXPECT_EQ(mixed.total_minor, 30'000);
            EXPECT_EQ(mixed.eligible_minor, 100 * kUnit);
        }
    }
    // What the market does not list earns, e.g. groceries and partner-free goods.
    EXPECT_EQ(Earn({L("household_goods", 10'000)}, {T("card", 10'000)}, Dk()).bonus_minor, 100);
}

TEST(Earning, OperatorMayExcludeMoreCategories_R_BON_2) {
    MarketRules dk = Dk();
    dk.excluded_categories.push_back("newspapers");
    EXPECT_EQ(Earn({L("newspapers", 5'000), L("groceries", 10'000)}, {T("card", 15'000)}, dk).eligible_minor,
              10'000);
}

TEST(Earning, DepositVoucherPartEarnsNothing_R_BON_2) {
    Earning e = Earn({L("groceries", 20'000)}, {T("deposit_voucher", 2'000), T("card", 18'000)}, Dk());
    EXPECT_EQ(e.total_minor, 20'000);
    EXPECT_EQ(e.eligible_minor, 18'000);
    EXPECT_EQ(e.bonus_minor, 180);
    EXPECT_EQ(Earn({L("groceries", 20'000)}, {T("deposit_voucher", 2'000), T("card", 18'000)}, Se()).points,
              360);
}

TEST(Earning, PayingWithBonusEarnsNothing_R_BON_2) {
    EXPECT_EQ(Earn({L("groceries", 20'000)}, {T("bonus", 5'000), T("card", 15'000)}, Dk()).eligible_minor,
              15'000);
    Earning all_bonus = Earn({L("groceries", 20'000)}, {T("bonus", 20'000)}, Dk());
    EXPECT_EQ(all_bonus.eligible_minor, 0);
    EXPECT_EQ(all_bonus.bonus_minor, 0);
}

TEST(Earning, PayingWithABonusVoucherEarnsNothing_R_BON_5_R_BON_2) {
    // 300 SEK, 200 of them with a points-shop voucher: the ladder sees only the 100 paid by card.
    Earning e = Earn({L("groceries", 30'000)}, {T("bonus_voucher", 20'000), T("card", 10'000)}, Se());
    EXPECT_EQ(e.eligible_minor, 10'000);
    EXPECT_EQ(e.points, 200);  // the first band: 2 points a krona
    Earning all_voucher = Earn({L("groceries", 20'000)}, {T("bonus_voucher", 20'000)}, Se());
    EXPECT_EQ(all_voucher.eligible_minor, 0);
    EXPECT_EQ(all_voucher.points, 0);
    // Paying for excluded goods with it takes nothing more off (never below zero).
    EXPECT_EQ(Earn({L("tobacco", 20'000), L("groceries", 5'000)},
                   {T("bonus_voucher", 20'000), T("cash", 5'000)}, Se())
                  .eligible_minor,
              0);
}

TEST(Earning, PayingWithGiftCardEarns_R_BON_2) {
    Earning e = Earn({L("groceries", 20'000)}, {T("gift_card", 20'000)}, Dk());
    EXPECT_EQ(e.eligible_minor, 20'000);
    EXPECT_EQ(e.bonus_minor, 200);
}

TEST(Earning, BuyingGiftCardEarnsNothing_R_BON_2) {
    Earning e = Earn({L("gift_cards", 50'000), L("groceries", 10'000)}, {T("card", 60'000)}, Dk());
    EXPECT_EQ(e.total_minor, 60'000);
    EXPECT_EQ(e.eligible_minor, 10'000);
    EXPECT_EQ(e.bonus_minor, 100);
}

TEST(Earning, WithdrawalEarnsNothingAndKeepsTheGoodsEarning_R_BON_2) {
    for (const char* kind : {"cash_withdrawal", "atm_withdrawal"}) {
        SCOPED_TRACE(kind);
        // 100 kr of goods and 500 kr cash out: the card pays 600, 100 earns.
        Earning e = Earn({L("groceries", 10'000)}, {T("card", 60'000), T(kind, -50'000)}, Dk());
        EXPECT_EQ(e.total_minor, 10'000);
        EXPECT_EQ(e.eligible_minor, 10'000);
        EXPECT_EQ(e.bonus_minor, 100);
    }
}

TEST(Earning, ExcludedTendersNeverTakeEligibleBelowZero_R_BON_2) {
    // The voucher is set against the eligible goods, not the tobacco: conservative, and never negative.
    Earning e = Earn({L("tobacco", 10'000), L("groceries", 2'000)},
                     {T("deposit_voucher", 5'000), T("card", 7'000)}, Dk());
    EXPECT_EQ(e.total_minor, 12'000);
    EXPECT_EQ(e.eligible_minor, 0);
    EXPECT_EQ(e.bonus_minor, 0);
}

TEST(Earning, OperatorMayExcludeMoreTenders_R_BON_2) {
    MarketRules dk = Dk();
    dk.excluded_tenders.push_back("invoice");
    EXPECT_EQ(Earn({L("groceries", 20'000)}, {T("invoice", 5'000), T("card", 15'000)}, dk).eligible_minor,
              15'000);
    EXPECT_EQ(Earn({L("groceries", 20'000)}, {T("invoice", 5'000), T("card", 15'000)}, Dk()).eligible_minor,
              20'000);
}

TEST(Earning, DiscountsAndReturnLinesReduceEligible_R_BON_2) {
    EXPECT_EQ(Earn({L("groceries", 10'000, 2'000)}, {T("card", 8'000)}, Dk()).eligible_minor, 8'000);
    // A return line within a sale takes its amount off; an excluded one takes nothing off.
    EXPECT_EQ(
        Earn({L("groceries", 30'000), L("groceries", -10'000)}, {T("card", 20'000)}, Dk()).eligible_minor,
        20'000);
    EXPECT_EQ(Earn({L("groceries", 30'000), L("alcohol", -10'000)}, {T("card", 20'000)}, Dk()).eligible_minor,
              30'000);
    EXPECT_EQ(Earn({L("groceries", 5'000), L("groceries", -5'000)}, {}, Dk()).eligible_minor, 0);
}

// ---------------------------------------------------------------------------------------------------------
// ComputeEarning per market

TEST(Earning, DkOnePercentOfOneThousandKroner_R_BON_6) {
    Earning e = Earn({L("groceries", 1'000 * kUnit)}, {T("card", 1'000 * kUnit)}, Dk());
    EXPECT_EQ(e.total_minor, 100'000);
    EXPECT_EQ(e.eligible_minor, 100'000);
    EXPECT_EQ(e.bonus_minor, 10 * kUnit);
    EXPECT_EQ(e.savings_minor, 0);
    EXPECT_EQ(e.points, 0);
    EXPECT_EQ(e.dividend_base_minor, 0);
    EXPECT_EQ(e.dividend_bp, 0);
}

TEST(Earning, DkBonusRoundsHalfEven_R_BON_6) {
    auto bonus = [](int64_t spend) {
        return Earn({L("groceries", spend)}, {T("card", spend)}, Dk()).bonus_minor;
    };
    EXPECT_EQ(bonus(49), 0);      // 0.49 øre
    EXPECT_EQ(bonus(50), 0);      // 0.5 øre -> 0 (even)
    EXPECT_EQ(bonus(51), 1);      // 0.51 øre
    EXPECT_EQ(bonus(150), 2);     // 1.5 -> 2 (even)
    EXPECT_EQ(bonus(250), 2);     // 2.5 -> 2 (even)
    EXPECT_EQ(bonus(1'050), 10);  // 10.5 -> 10
    EXPECT_EQ(bonus(1'150), 12);  // 11.5 -> 12
}

TEST(Earning, DkProfileCustomerSavesInsteadOfBonus_R_MEM_2) {
    Earning e =
        Earn({L("groceries", 1'000 * kUnit), L("tobacco", 5'000)}, {T("card", 105'000)}, Dk(), Profile());
    EXPECT_EQ(e.eligible_minor, 100'000);
    EXPECT_EQ(e.savings_minor, 1'000);
    EXPECT_EQ(e.bonus_minor, 0);
    // A market without savings (rate 0) gives a customer with a profile nothing.
    MarketRules dk = Dk();
    dk.profile_savings_rate_bp = 0;
    Earning none = Earn({L("groceries", 100'000)}, {T("card", 100'000)}, dk, Profile());
    EXPECT_EQ(none.savings_minor, 0);
    EXPECT_EQ(none.bonus_minor, 0);
}

TEST(Earning, NoOwnCooperativeRateAndOtherCooperativeRate_R_BON_7) {
    EarningContext own;
    own.own_cooperative = true;
    EarningContext other;
    other.own_cooperative = false;
    const std::vector<ReceiptLine> lines = {L("groceries", 1'000 * kUnit), L("alcohol", 30'000)};
    const std::vector<Tender> tenders = {T("card", 130'000)};

    Earning at_own = Earn(lines, tenders, No(), own);
    EXPECT_EQ(at_own.dividend_base_minor, 100'000);
    EXPECT_EQ(at_own.dividend_bp, 300);
    EXPECT_EQ(at_own.bonus_minor, 0);  // no base bonus in NO
    EXPECT_EQ(at_own.points, 0);

    Earning at_other = Earn(lines, tenders, No(), other);
    EXPECT_EQ(at_other.dividend_base_minor, 100'000);
    EXPECT_EQ(at_other.dividend_bp, 100);
}

TEST(Earning, NoBonusWhereTheRateIsSet_R_BON_7) {
    MarketRules no = No();
    no.bonus_rate_bp = 50;
    Earning e = Earn({L("groceries", 10'000)}, {T("card", 10'000)}, no);
    EXPECT_EQ(e.bonus_minor, 50);
    EXPECT_EQ(e.dividend_base_minor, 10'000);
}

TEST(Earning, NoProfileCustomerEarnsNothing_R_MEM_2) {
    Earning e = Earn({L("groceries", 10'000)}, {T("card", 10'000)}, No(), Profile());
    EXPECT_EQ(e.eligible_minor, 10'000);
    EXPECT_EQ(e.dividend_base_minor, 0);
    EXPECT_EQ(e.dividend_bp, 0);
    EXPECT_EQ(e.bonus_minor, 0);
    EXPECT_EQ(e.savings_minor, 0);
}

TEST(Earning, SeLadderAcrossBandEdges_R_BON_3) {
    auto points = [](int64_t before_sek, int64_t spend_sek) {
        const int64_t spend = spend_sek * kUnit;
        return Earn({L("groceries", spend)}, {T("card", spend)}, Se(), MonthBefore(before_sek * kUnit))
            .points;
    };
    EXPECT_EQ(points(0, 100), 200);         // 2 per krona
    EXPECT_EQ(points(1'900, 200), 500);     // 100 kr at 2 + 100 kr at 3
    EXPECT_EQ(points(2'000, 1), 3);         // the edge belongs to the higher band
    EXPECT_EQ(points(7'400, 200), 700);     // 100 at 3 + 100 at 4
    EXPECT_EQ(points(0, 10'000), 30'500);   // 4 000 + 16 500 + 2 500 x 4
    EXPECT_EQ(points(39'900, 200), 1'100);  // 100 at 5 + 100 at 6
    EXPECT_EQ(points(0, 50'000), 235'500);  // the ladder reaches the cap at 50 000 kr
}

TEST(Earning, SeMonthlyCapWithSpendBefore_R_BON_3) {
    auto points = [](int64_t before_sek, int64_t spend_sek) {
        const int64_t spend = spend_sek * kUnit;
        return Earn({L("groceries", spend)}, {T("card", spend)}, Se(), MonthBefore(before_sek * kUnit))
            .points;
    };
    EXPECT_EQ(points(49'000, 2'000), 6'000);  // only the 1 000 kr up to the cap earn
    EXPECT_EQ(points(50'000, 1'000), 0);
    EXPECT_EQ(points(0, 1'000'000), 235'500);
}

TEST(Earning, SeLadderCountsOnlyEligibleSpend_R_BON_3) {
    // 1 900 kr before; 300 kr of which 100 kr alcohol and 50 kr deposit vouchers: 150 kr earns, 100 at 2, 50
    // at 3.
    Earning e = Earn({L("groceries", 20'000), L("alcohol", 10'000)},
                     {T("deposit_voucher", 5'000), T("card", 25'000)}, Se(), MonthBefore(1'900 * kUnit));
    EXPECT_EQ(e.eligible_minor, 15'000);
    EXPECT_EQ(e.points, 350);
    EXPECT_EQ(e.bonus_minor, 0);
}

TEST(Earning, SeProfileCustomerEarnsNothing_R_MEM_2) {
    Earning e = Earn({L("groceries", 10'000)}, {T("card", 10'000)}, Se(), Profile());
    EXPECT_EQ(e.points, 0);
    EXPECT_EQ(e.savings_minor, 0);
}

TEST(Earning, ReturnReceiptFillsOnlyTotalAndEligible_R_BON_2) {
    Earning plain = Earn({L("groceries", -10'000)}, {T("card", -10'000)}, Dk());
    EXPECT_EQ(plain.total_minor, -10'000);
    EXPECT_EQ(plain.eligible_minor, -10'000);
    EXPECT_EQ(plain.bonus_minor, 0);
    EXPECT_EQ(Earn({L("groceries", -10'000)}, {T("card", -10'000)}, Se()).points, 0);
    // The part refunded as bonus or deposit voucher had not earned: it is not taken back.
    EXPECT_EQ(Earn({L("groceries", -10'000)}, {T("bonus", -3'000), T("card", -7'000)}, Dk()).eligible_minor,
              -7'000);
    // Returned tobacco had not earned either.
    EXPECT_EQ(Earn({L("tobacco", -10'000)}, {T("cash", -10'000)}, Dk()).eligible_minor, 0);
    EXPECT_EQ(Earn({L("tobacco", -10'000)}, {T("bonus", -10'000)}, Dk()).eligible_minor, 0);
}

// ---------------------------------------------------------------------------------------------------------
// Reversal

Earning DkPurchase() {  // 1 000 kr of groceries: 10 kr bonus
    return Earn({L("groceries", 100'000)}, {T("card", 100'000)}, Dk());
}

Earning Plus(const Earning& a, const Earning& b) {
    Earning s;
    s.total_minor = a.total_minor + b.total_minor;
    s.eligible_minor = a.eligible_minor + b.eligible_minor;
    s.bonus_minor = a.bonus_minor + b.bonus_minor;
    s.savings_minor = a.savings_minor + b.savings_minor;
    s.points = a.points + b.points;
    s.dividend_base_minor = a.dividend_base_minor + b.dividend_base_minor;
    return s;
}

TEST(EarningReversal, TakesBackInProportion_R_BON_6) {
    Earning back = Reversal(DkPurchase(), {}, 25'000);
    EXPECT_EQ(back.eligible_minor, 25'000);
    EXPECT_EQ(back.bonus_minor, 250);
    EXPECT_EQ(back.savings_minor, 0);
    EXPECT_EQ(back.points, 0);
    EXPECT_EQ(back.total_minor, 0);
}

TEST(EarningReversal, PartialReturnsTwiceThenOneThatWouldExceed_R_BON_6) {
    const Earning original = DkPurchase();
    Earning reversed;
    Earning first = Reversal(original, reversed, 30'000);
    EXPECT_EQ(first.bonus_minor, 300);
    reversed = Plus(reversed, first);
    Earning second = Reversal(original, reversed, 50'000);
    EXPECT_EQ(second.bonus_minor, 500);
    reversed = Plus(reversed, second);
    // 400 kr more would pass the 1 000 kr bought: only the 200 kr left and their 2 kr come back.
    Earning third = Reversal(original, reversed, 40'000);
    EXPECT_EQ(third.eligible_minor, 20'000);
    EXPECT_EQ(third.bonus_minor, 200);
    reversed = Plus(reversed, third);
    EXPECT_EQ(reversed.bonus_minor, original.bonus_minor);
    EXPECT_EQ(reversed.eligible_minor, original.eligible_minor);
    // Nothing is left.
    Earning fourth = Reversal(original, reversed, 10'000);
    EXPECT_EQ(fourth.eligible_minor, 0);
    EXPECT_EQ(fourth.bonus_minor, 0);
}

TEST(EarningReversal, RoundsHalfEvenOnTheRunningTotal_R_BON_3) {
    Earning original;
    original.eligible_minor = 10'000;
    original.points = 5;
    Earning first = Reversal(original, {}, 5'000);
    EXPECT_EQ(first.points, 2);  // 2.5 -> 2 (even)
    Earning second = Reversal(original, first, 5'000);
    EXPECT_EQ(second.points, 3);  // all 5 are back: 5 - 2
    // Three thirds of 10 points: 3.33 -> 3, 6.67 -> 7 (4 more), 10 (3 more).
    original.points = 10;
    original.eligible_minor = 9'000;
    Earning reversed;
    for (int64_t expected : {3, 4, 3}) {
        Earning part = Reversal(original, reversed, 3'000);
        EXPECT_EQ(part.points, expected);
        reversed = Plus(reversed, part);
    }
    EXPECT_EQ(reversed.points, 10);
}

TEST(EarningReversal, DividendBaseAndSavingsComeBackToo_R_BON_7) {
    EarningContext other;
    other.own_cooperative = false;
    Earning no = Earn({L("groceries", 100'000)}, {T("card", 100'000)}, No(), other);
    Earning back = Reversal(no, {}, 40'000);
    EXPECT_EQ(back.dividend_base_minor, 40'000);
    EXPECT_EQ(back.dividend_bp, 100);
    Earning dk = Earn({L("groceries", 100'000)}, {T("card", 100'000)}, Dk(), Profile());
    EXPECT_EQ(Reversal(dk, {}, 40'000).savings_minor, 400);
}

TEST(EarningReversal, NeverBeyondWhatRemains_R_BON_6) {
    const Earning original = DkPurchase();
    // More than was bought in one go: the whole earning, no more.
    Earning all = Reversal(original, {}, 500'000);
    EXPECT_EQ(all.eligible_minor, 100'000);
    EXPECT_EQ(all.bonus_minor, 1'000);
    // Earlier returns that already took the bonus (e.g. recorded apart): nothing more.
    Earning taken;
    taken.eligible_minor = 50'000;
    taken.bonus_minor = 1'000;
    EXPECT_EQ(Reversal(original, taken, 50'000).bonus_minor, 0);
}

TEST(EarningReversal, NothingForNothing_R_BON_2) {
    EXPECT_EQ(Reversal(DkPurchase(), {}, 0).bonus_minor, 0);
    EXPECT_EQ(Reversal(DkPurchase(), {}, -5'000).bonus_minor, 0);
    Earning tobacco = Earn({L("tobacco", 10'000)}, {T("card", 10'000)}, Dk());
    Earning back = Reversal(tobacco, {}, 10'000);
    EXPECT_EQ(back.eligible_minor, 0);
    EXPECT_EQ(back.bonus_minor, 0);
}

}  // namespace
}  // namespace andel::core
