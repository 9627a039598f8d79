#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/market.hpp"
#include "core/money.hpp"
#include "core/result.hpp"

namespace andel::core {

// One line of a till receipt. amount_minor is quantity x unit price, before discount_minor; a return line
// has a negative quantity and amount. Categories are the market's category names (snake_case).
struct ReceiptLine {
    std::string sku;
    std::string category;
    int64_t quantity = 1;  // units, or grams for weighed goods
    int64_t amount_minor = 0;
    int64_t discount_minor = 0;  // in [0, amount] on a sale line; in [amount, 0] on a return line
    int64_t Net() const { return amount_minor - discount_minor; }
};

// How the receipt was paid. Kinds: card, cash, gift_card, deposit_voucher, bonus, mobile, invoice,
// cash_withdrawal (money handed out: a negative amount), atm_withdrawal (likewise), bonus_voucher (a points
// shop voucher, R_BON_5: its code travels beside the tender, see app::ReceiptInput::voucher_codes).
inline constexpr const char* kBonusVoucherTender = "bonus_voucher";
struct Tender {
    std::string kind;
    int64_t amount_minor = 0;
};

// What a receipt earns, before it is posted (R_BON_2, R_BON_3, R_BON_6, R_BON_7, R_MEM_2).
struct Earning {
    int64_t total_minor = 0;          // sum of the lines' net amounts
    int64_t eligible_minor = 0;       // the part that earns
    int64_t bonus_minor = 0;          // DK (and NO, where bonus_rate_bp > 0): money to the member account
    int64_t savings_minor = 0;        // DK customer with a profile: money to the savings account (R_MEM_2)
    int64_t points = 0;               // SE: ladder points for the household (R_BON_3)
    int64_t dividend_base_minor = 0;  // NO: purchases that count for the yearly dividend (R_BON_7)
    BasisPoints dividend_bp = 0;      // NO: own- or other-cooperative rate that applies to them
};

struct EarningContext {
    bool profile_customer = false;  // R_MEM_1/R_MEM_2: a customer with a profile, not a member
    bool own_cooperative = true;    // R_BON_7: the store belongs to the member's cooperative
    int64_t household_month_spend_before_minor = 0;  // SE ladder: eligible spend earlier this calendar month
};

// Checks a receipt's lines and tenders: at least one line; at most 10 000 lines and 50 tenders; amounts
// within +-10^11 minor; tenders sum to the lines' total; known tender kinds; withdrawals negative, other
// tenders positive on a sale (all signs flipped on a return, whose total is negative). A sale may hold return
// lines (an exchange) and a return may hold sale lines: the sign of the total decides. Errors: Malformed for
// counts and out-of-range amounts, Invalid for the rest; `field` names the culprit
// ("lines[3].discount_minor", "tenders[1].kind", "tenders" when they do not sum).
Result<void> ValidateReceipt(const std::vector<ReceiptLine>& lines, const std::vector<Tender>& tenders);

// What the receipt earns in `rules`' market. Eligible amount: the net of lines whose category is not
// excluded, less the part paid with excluded tenders that take value in (deposit_voucher) and with bonus or
// a bonus_voucher (paying with bonus or with points-shop vouchers earns nothing), never below zero on a sale
// (R_BON_2). Withdrawals are not purchases and earn nothing. Rounding: bonus and savings half-even at the
// minor unit (ApplyBasisPoints); points by LadderPoints over the household's month. For a return receipt
// (negative total) only total_minor and eligible_minor (both <= 0) are filled: what it takes back depends on
// the original, see Reversal.
Result<Earning> ComputeEarning(const std::vector<ReceiptLine>& lines, const std::vector<Tender>& tenders,
                               const MarketRules& rules, const EarningContext& context);

// What returning goods worth `returned_eligible_minor` (> 0) of an `original` purchase takes back: each of
// bonus, savings, points and dividend base in proportion returned / original eligible, rounded half-even
// (points: half-even too), never more than the original still holds after `already_reversed` (earlier
// returns of the same receipt). The result's fields are positive amounts to take back.
// `already_reversed` is the field-by-field sum of the earlier Reversal results, eligible_minor included: the
// rounding is done on the running total of returned eligible (share of earlier + this return, less what was
// already taken), so a receipt returned in parts takes back exactly what one full return would. The result's
// eligible_minor is the returned amount clamped to the eligible still unreturned (0 once all is returned);
// total_minor is 0 and dividend_bp is the original's. Nothing is taken back when the original earned on 0.
Earning Reversal(const Earning& original, const Earning& already_reversed, int64_t returned_eligible_minor);

}  // namespace andel::core
