#pragma once
// The receipts table's columns as ReceiptRepository and ReceiptBatchRepository read them (store/ledger only).
#include <cstddef>
#include <string_view>
#include <vector>

#include "store/database.hpp"
#include "store/ledger/receipt_repository.hpp"

namespace andel::store::receipt_rows {

inline constexpr std::string_view kSelect =
    "SELECT id, store_id, receipt_key, till, occurred_at, month, member_id, household_id, identified_by, "
    "currency, "
    "total_minor, eligible_minor, bonus_minor, savings_minor, points, dividend_base_minor, dividend_minor, "
    "original_receipt_id, lines, tenders, body_hash, entry_id, created_at FROM receipts ";

inline ReceiptRecord ToReceipt(const Row& r) {
    ReceiptRecord x;
    x.id = r.Int(0);
    x.store_id = r.Int(1);
    x.receipt_key = r.Text(2);
    x.till = r.Text(3);
    x.occurred_at = r.Int(4);
    x.month = static_cast<int>(r.Int(5));
    x.member_id = r.OptInt(6);
    x.household_id = r.OptInt(7);
    x.identified_by = r.OptText(8);
    x.currency = r.Text(9);
    x.total_minor = r.Int(10);
    x.eligible_minor = r.Int(11);
    x.bonus_minor = r.Int(12);
    x.savings_minor = r.Int(13);
    x.points = r.Int(14);
    x.dividend_base_minor = r.Int(15);
    x.dividend_minor = r.Int(16);
    x.original_receipt_id = r.OptInt(17);
    x.lines_json = r.Text(18);
    x.tenders_json = r.Text(19);
    x.body_hash = r.Text(20);
    x.entry_id = r.OptInt(21);
    x.created_at = r.Int(22);
    return x;
}

// The columns an INSERT writes, and a receipt's values for them in that order.
inline constexpr std::string_view kInsertColumns =
    "INSERT INTO receipts (store_id, receipt_key, till, occurred_at, month, member_id, household_id, "
    "identified_by, currency, total_minor, eligible_minor, bonus_minor, savings_minor, points, "
    "dividend_base_minor, dividend_minor, original_receipt_id, lines, tenders, body_hash, entry_id, "
    "created_at) VALUES ";
inline constexpr size_t kInsertColumnCount = 22;
inline void AppendInsertValues(const ReceiptRecord& r, std::vector<Value>& params) {
    auto opt = [](const std::optional<int64_t>& v) { return v ? Int(*v) : Null(); };
    params.insert(params.end(), {Int(r.store_id),
                                 Text(r.receipt_key),
                                 Text(r.till),
                                 Int(r.occurred_at),
                                 Int(r.month),
                                 opt(r.member_id),
                                 opt(r.household_id),
                                 OptionalText(r.identified_by),
                                 Text(r.currency),
                                 Int(r.total_minor),
                                 Int(r.eligible_minor),
                                 Int(r.bonus_minor),
                                 Int(r.savings_minor),
                                 Int(r.points),
                                 Int(r.dividend_base_minor),
                                 Int(r.dividend_minor),
                                 opt(r.original_receipt_id),
                                 Text(r.lines_json),
                                 Text(r.tenders_json),
                                 Text(r.body_hash),
                                 opt(r.entry_id),
                                 Int(r.created_at)});
}

}  // namespace andel::store::receipt_rows
