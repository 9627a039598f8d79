#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/database.hpp"
#include "store/ledger/receipt_repository.hpp"
#include "store/membership/records.hpp"

namespace andel::store {

// A household's month (household id, YYYYMM) and its spend in it: eligible minor units and points (R_BON_3).
using HouseholdMonth = std::pair<int64_t, int>;
struct MonthSpendRecord {
    int64_t eligible_minor = 0, points = 0;
};

// The reads and writes of a store's batch upload (issue 3 §2, §8) by many keys at once, each a few multi-row
// statements whatever the batch's length (ReceiptRepository and MembershipRepository do the same one by one).
class ReceiptBatchRepository {
  public:
    explicit ReceiptBatchRepository(Connection& c) : c_(c) {}

    // The store's receipts among `keys`, by receipt key.
    std::unordered_map<std::string, ReceiptRecord> Find(int64_t store_id,
                                                        const std::vector<std::string>& keys);

    // The earners behind active cards, or behind member numbers (MembershipRepository::FindEarner), by the
    // card or member number asked for.
    std::unordered_map<std::string, EarnerRecord> EarnersByCard(const std::vector<std::string>& cards);
    std::unordered_map<std::string, EarnerRecord> EarnersByMemberNumber(
        const std::vector<std::string>& numbers);

    // The households' month rows, created when missing and locked until the transaction ends (as
    // ReceiptRepository::LockMonthSpend, in key order), with what they hold.
    std::map<HouseholdMonth, MonthSpendRecord> LockMonthSpends(std::vector<HouseholdMonth> keys);
    // Adds to the households' month rows.
    void AddMonthSpends(const std::map<HouseholdMonth, MonthSpendRecord>& added);

    // Inserts the receipts and sets each one's id.
    void Insert(const std::vector<ReceiptRecord*>& receipts);

  private:
    Connection& c_;
};

}  // namespace andel::store
