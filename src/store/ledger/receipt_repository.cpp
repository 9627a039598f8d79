#include "store/ledger/receipt_repository.hpp"

#include "store/batch_sql.hpp"
#include "store/ledger/receipt_rows.hpp"

namespace andel::store {
namespace {

using receipt_rows::kSelect;
using receipt_rows::ToReceipt;

}  // namespace

int64_t ReceiptRepository::Insert(const ReceiptRecord& r) {
    static const std::string sql = std::string(receipt_rows::kInsertColumns) +
                                   ValuesRows(1, receipt_rows::kInsertColumnCount) + " RETURNING id";
    std::vector<Value> params;
    params.reserve(receipt_rows::kInsertColumnCount);
    receipt_rows::AppendInsertValues(r, params);
    return c_.QueryOne(sql, params)->Int(0);
}

std::optional<ReceiptRecord> ReceiptRepository::Find(int64_t store_id, const std::string& receipt_key) {
    static const std::string sql = std::string(kSelect) + "WHERE store_id = $1 AND receipt_key = $2";
    auto r = c_.QueryOne(sql, {Int(store_id), Text(receipt_key)});
    if (!r) return std::nullopt;
    return ToReceipt(*r);
}

std::optional<ReceiptRecord> ReceiptRepository::FindById(int64_t id) {
    static const std::string sql = std::string(kSelect) + "WHERE id = $1";
    auto r = c_.QueryOne(sql, {Int(id)});
    if (!r) return std::nullopt;
    return ToReceipt(*r);
}

void ReceiptRepository::Lock(int64_t receipt_id) {
    c_.Execute("UPDATE receipts SET entry_id = entry_id WHERE id = $1", {Int(receipt_id)});
}

ReturnedSums ReceiptRepository::Returned(int64_t original_receipt_id) {
    auto r = c_.QueryOne(
        "SELECT COALESCE(SUM(total_minor), 0), COALESCE(SUM(eligible_minor), 0), COALESCE(SUM(bonus_minor), "
        "0), "
        "COALESCE(SUM(savings_minor), 0), COALESCE(SUM(points), 0), "
        "COALESCE(SUM(dividend_base_minor), 0), COALESCE(SUM(dividend_minor), 0) FROM receipts "
        "WHERE original_receipt_id = $1",
        {Int(original_receipt_id)});
    // Returns are stored with negative amounts.
    return {-r->Int(0), -r->Int(1), -r->Int(2), -r->Int(3), -r->Int(4), -r->Int(5), -r->Int(6)};
}

std::vector<ReceiptRecord> ReceiptRepository::ReturnsOf(int64_t original_receipt_id, int limit) {
    static const std::string sql =
        std::string(kSelect) + "WHERE original_receipt_id = $1 ORDER BY id LIMIT $2";
    std::vector<ReceiptRecord> out;
    for (const auto& r : c_.Query(sql, {Int(original_receipt_id), Int(limit)})) out.push_back(ToReceipt(r));
    return out;
}

std::vector<ReceiptRecord> ReceiptRepository::ForHousehold(int64_t household_id, int limit,
                                                           int64_t before_id) {
    static const std::string sql = std::string(kSelect) +
                                   "WHERE household_id = $1 AND (CAST($2 AS BIGINT) = 0 OR id < $2) "
                                   "ORDER BY id DESC LIMIT $3";
    std::vector<ReceiptRecord> out;
    for (const auto& r : c_.Query(sql, {Int(household_id), Int(before_id), Int(limit)}))
        out.push_back(ToReceipt(r));
    return out;
}

std::pair<int64_t, int64_t> ReceiptRepository::MonthSpend(int64_t household_id, int month) {
    auto r = c_.QueryOne(
        "SELECT eligible_minor, points FROM household_month_spend WHERE household_id = $1 AND month = $2",
        {Int(household_id), Int(month)});
    if (!r) return {0, 0};
    return {r->Int(0), r->Int(1)};
}

std::vector<MonthTotal> ReceiptRepository::MonthTotals(int64_t household_id, int from_month) {
    auto rows = c_.Query(
        "SELECT month, SUM(eligible_minor), SUM(bonus_minor), SUM(points) FROM receipts "
        "WHERE household_id = $1 AND month >= $2 GROUP BY month ORDER BY month",
        {Int(household_id), Int(from_month)});
    std::vector<MonthTotal> out;
    out.reserve(rows.size());
    for (const auto& r : rows) out.push_back({static_cast<int>(r.Int(0)), r.Int(1), r.Int(2), r.Int(3)});
    return out;
}

std::pair<int64_t, int64_t> ReceiptRepository::LockMonthSpend(int64_t household_id, int month) {
    auto r = c_.QueryOne(
        "INSERT INTO household_month_spend (household_id, month, eligible_minor, points) "
        "VALUES ($1, $2, 0, 0) ON CONFLICT (household_id, month) DO UPDATE SET "
        "eligible_minor = household_month_spend.eligible_minor RETURNING eligible_minor, points",
        {Int(household_id), Int(month)});
    return {r->Int(0), r->Int(1)};
}

void ReceiptRepository::AddMonthSpend(int64_t household_id, int month, int64_t eligible_minor,
                                      int64_t points) {
    c_.Execute(
        "INSERT INTO household_month_spend (household_id, month, eligible_minor, points) VALUES ($1, $2, $3, "
        "$4) "
        "ON CONFLICT (household_id, month) DO UPDATE SET "
        "eligible_minor = household_month_spend.eligible_minor + $3, points = household_month_spend.points + "
        "$4",
        {Int(household_id), Int(month), Int(eligible_minor), Int(points)});
}

}  // namespace andel::store
