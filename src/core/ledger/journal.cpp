#include "core/ledger/journal.hpp"

#include <map>

namespace andel::core {

bool IsMemberValueAccount(const std::string& kind) {
    return kind == account_kind::kHouseholdPoints || kind == account_kind::kHouseholdBonus ||
           kind == account_kind::kSavings || kind == account_kind::kDividendAccrual ||
           kind == account_kind::kHouseholdBonusPending || kind == account_kind::kHouseholdPointsPending;
}

void AddTransfer(JournalEntry& e, const AccountRef& to, const AccountRef& from, int64_t amount,
                 std::optional<int> lot) {
    if (amount == 0) return;
    e.postings.push_back({to, amount, lot});
    e.postings.push_back({from, -amount, std::nullopt});
}

Result<void> CheckBalanced(const JournalEntry& entry) {
    if (entry.postings.size() < 2) return Error::Invalid("an entry needs at least two postings");
    std::map<std::string, __int128> sums;
    for (const auto& p : entry.postings) {
        if (p.amount == 0) return Error::Invalid("a posting of zero");
        sums[p.account.unit] += p.amount;
    }
    for (const auto& [unit, sum] : sums)
        if (sum != 0) return Error::Invalid("the postings in " + unit + " do not sum to zero");
    return Ok();
}

int AddMonths(int yyyymm, int months) {
    int index = (yyyymm / 100) * 12 + (yyyymm % 100 - 1) + months;
    return (index / 12) * 100 + index % 12 + 1;
}

}  // namespace andel::core
