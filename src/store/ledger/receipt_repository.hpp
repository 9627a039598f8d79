#pragma once
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"

namespace andel::store {

struct ReceiptRecord {
    int64_t id = 0;
    int64_t store_id = 0;
    std::string receipt_key, till;
    int64_t occurred_at = 0;
    int month = 0;
    std::optional<int64_t> member_id, household_id;
    std::optional<std::string> identified_by;
    std::string currency;
    int64_t total_minor = 0, eligible_minor = 0, bonus_minor = 0, savings_minor = 0, points = 0,
            dividend_base_minor = 0, dividend_minor = 0;
    std::optional<int64_t> original_receipt_id;
    std::string lines_json, tenders_json, body_hash;
    std::optional<int64_t> entry_id;
    int64_t created_at = 0;
};

// Sums of what earlier returns took back from a receipt (positive amounts).
struct ReturnedSums {
    int64_t total_minor = 0, eligible_minor = 0, bonus_minor = 0, savings_minor = 0, points = 0,
            dividend_base_minor = 0, dividend_minor = 0;
};

struct MonthTotal {
    int month = 0;  // YYYYMM
    int64_t eligible_minor = 0, bonus_minor = 0, points = 0;
};

class ReceiptRepository {
  public:
    explicit ReceiptRepository(Connection& c) : c_(c) {}
    int64_t Insert(const ReceiptRecord& r);
    std::optional<ReceiptRecord> Find(int64_t store_id, const std::string& receipt_key);
    std::optional<ReceiptRecord> FindById(int64_t id);
    ReturnedSums Returned(int64_t original_receipt_id);
    // The returns of a sale, oldest first, at most `limit`.
    std::vector<ReceiptRecord> ReturnsOf(int64_t original_receipt_id, int limit);
    // Locks a sale's row until the transaction ends, so concurrent returns of it take turns (PostgreSQL; on
    // SQLite the single writer already serialises).
    void Lock(int64_t receipt_id);
    std::vector<ReceiptRecord> ForHousehold(int64_t household_id, int limit, int64_t before_id);
    // The household's eligible spend and points in a month (R_BON_3), and adding to them.
    std::pair<int64_t, int64_t> MonthSpend(int64_t household_id, int month);
    // The household's receipts (returns count against) summed per month from `from_month` (YYYYMM) on:
    // only months with receipts, oldest first.
    std::vector<MonthTotal> MonthTotals(int64_t household_id, int from_month);
    // The same, locking the household's month row until the transaction ends (created if missing), so
    // concurrent purchases of one household take turns (PostgreSQL runs READ COMMITTED).
    std::pair<int64_t, int64_t> LockMonthSpend(int64_t household_id, int month);
    void AddMonthSpend(int64_t household_id, int month, int64_t eligible_minor, int64_t points);

  private:
    Connection& c_;
};

}  // namespace andel::store
