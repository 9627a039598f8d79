#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace andel::core {

// The kinds of ledger account. Members' value: household_points (SE, R_BON_3/R_HH_6), household_bonus
// (DK/NO money, R_BON_6), savings (a DK customer with a profile, R_MEM_2), dividend_accrual (NO, R_BON_7).
// The operator's counter-accounts: store_funding (what a store gives out), dividend_payable (a cooperative's
// dividend promised), redemption, expiry, forfeiture, adjustment.
namespace account_kind {
inline constexpr const char* kHouseholdPoints = "household_points";
inline constexpr const char* kHouseholdBonus = "household_bonus";
inline constexpr const char* kSavings = "savings";
inline constexpr const char* kDividendAccrual = "dividend_accrual";
inline constexpr const char* kStoreFunding = "store_funding";
inline constexpr const char* kDividendPayable = "dividend_payable";
inline constexpr const char* kRedemption = "redemption";  // value members spent, owed to the store
inline constexpr const char* kExpiry = "expiry";
inline constexpr const char* kShareCapital = "share_capital";      // a cooperative's paid-in shares (R_MEM_4)
inline constexpr const char* kMemberPayments = "member_payments";  // money members paid in from outside
inline constexpr const char* kPointsShop = "points_shop";  // points spent in the points shop (R_BON_5)
// Partner bonus (R_PART_3): a household's bonus or points still held back by the partner's holding period,
// what each partner owes the operator for the bonus its sales earned (negative: owed), the points a partner
// funded in a points market with the money that stands for them, and what a reversal could not take back
// because the household had spent it (the operator's loss).
inline constexpr const char* kHouseholdBonusPending = "household_bonus_pending";
inline constexpr const char* kHouseholdPointsPending = "household_points_pending";
inline constexpr const char* kPartnerReceivable = "partner_receivable";
inline constexpr const char* kPartnerPoints = "partner_points";
inline constexpr const char* kPartnerPointsFunded = "partner_points_funded";
inline constexpr const char* kPartnerWriteOff = "partner_write_off";
inline constexpr const char* kPartnerPaid = "partner_paid";  // what partners paid the operator (R_PART_4)
// What ended memberships forfeited (R_LIFE_2, R_BON_9): the operator's counter-account.
inline constexpr const char* kForfeiture = "forfeiture";
// What the back office credited or took back by hand, with a reason (RewardAdjustments).
inline constexpr const char* kAdjustment = "adjustment";
}  // namespace account_kind

// Whose value an account holds: a member's must never go below zero.
bool IsMemberValueAccount(const std::string& kind);

struct AccountRef {
    std::string kind, owner_kind;
    int64_t owner_id = 0;
    std::string unit;  // "points" or a currency
    friend bool operator==(const AccountRef&, const AccountRef&) = default;
};

struct PostingLine {
    AccountRef account;
    int64_t amount = 0;
    std::optional<int> lot_month;  // YYYYMM: credits to and debits from points lots
};

// A journal entry to post: idempotent on (source_kind, source_key).
struct JournalEntry {
    std::string source_kind, source_key, description, actor;
    int64_t occurred_at = 0;
    std::vector<PostingLine> postings;
};

// Adds the pair of postings that moves `amount` into `to` from `from` (`lot`, if any, is the points lot of
// `to`); nothing when the amount is zero.
void AddTransfer(JournalEntry& e, const AccountRef& to, const AccountRef& from, int64_t amount,
                 std::optional<int> lot = std::nullopt);

// An entry is balanced when its postings sum to zero in every unit, and has at least two postings and no
// zero amounts (a zero posting says nothing and is left out by the builders).
Result<void> CheckBalanced(const JournalEntry& entry);

// YYYYMM arithmetic for lots (R_BON_4).
int AddMonths(int yyyymm, int months);

}  // namespace andel::core
