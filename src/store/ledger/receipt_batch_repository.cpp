#include "store/ledger/receipt_batch_repository.hpp"

#include <algorithm>

#include "store/batch_sql.hpp"
#include "store/ledger/receipt_rows.hpp"

namespace andel::store {
namespace {

// The earners whose key is among `values` (EarnerRecord's columns, then the value asked for). `join` joins
// the values (v.column1) to the member (m): a join on a VALUES list, which both engines run as one index
// look-up per value (PostgreSQL evaluated `IN ($1, ..., $512)` as an array for every row it scanned).
std::unordered_map<std::string, EarnerRecord> Earners(Connection& c, const std::string& join,
                                                      const std::vector<std::string>& values) {
    std::unordered_map<std::string, EarnerRecord> out;
    std::vector<Value> params;
    ForEachChunk(values.size(), [&](size_t begin, size_t n) {
        params.clear();
        params.reserve(n);
        for (size_t i = begin; i < begin + n; ++i) params.push_back(Text(values[i]));
        for (const auto& r :
             c.Query("SELECT m.id, m.member_number, m.kind, m.status, m.market, m.cooperative_id, "
                     "hm.household_id, v.column1 FROM (VALUES " +
                         ValuesRows(n, 1) + ") AS v " + join +
                         " LEFT JOIN household_members hm ON hm.member_id = m.id",
                     params))
            out.emplace(r.Text(7), EarnerRecord{r.Int(0), r.OptText(1), r.Text(2), r.Text(3), r.Text(4),
                                                r.OptInt(5), r.OptInt(6)});
    });
    return out;
}

}  // namespace

std::unordered_map<std::string, ReceiptRecord> ReceiptBatchRepository::Find(
    int64_t store_id, const std::vector<std::string>& keys) {
    std::unordered_map<std::string, ReceiptRecord> out;
    std::vector<Value> params;
    ForEachChunk(keys.size(), [&](size_t begin, size_t n) {
        params.clear();
        params.reserve(n + 1);
        params.push_back(Int(store_id));
        for (size_t i = begin; i < begin + n; ++i) params.push_back(Text(keys[i]));
        for (const auto& r :
             c_.Query(std::string(receipt_rows::kSelect) + "JOIN (VALUES " + ValuesRows(n, 1, 2) +
                          ") AS v ON receipt_key = v.column1 WHERE store_id = $1",
                      params)) {
            auto receipt = receipt_rows::ToReceipt(r);
            auto key = receipt.receipt_key;
            out.emplace(std::move(key), std::move(receipt));
        }
    });
    return out;
}

std::unordered_map<std::string, EarnerRecord> ReceiptBatchRepository::EarnersByCard(
    const std::vector<std::string>& cards) {
    return Earners(c_,
                   "JOIN cards c ON c.card_number = v.column1 AND c.status = 'active' "
                   "JOIN members m ON m.id = c.member_id",
                   cards);
}

std::unordered_map<std::string, EarnerRecord> ReceiptBatchRepository::EarnersByMemberNumber(
    const std::vector<std::string>& numbers) {
    return Earners(c_, "JOIN members m ON m.member_number = v.column1", numbers);
}

std::map<HouseholdMonth, MonthSpendRecord> ReceiptBatchRepository::LockMonthSpends(
    std::vector<HouseholdMonth> keys) {
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    std::map<HouseholdMonth, MonthSpendRecord> out;
    std::vector<Value> params;
    ForEachChunk(keys.size(), [&](size_t begin, size_t n) {
        params.clear();
        params.reserve(n * 2);
        for (size_t i = begin; i < begin + n; ++i) {
            params.push_back(Int(keys[i].first));
            params.push_back(Int(keys[i].second));
        }
        for (const auto& r :
             c_.Query("INSERT INTO household_month_spend (household_id, month, eligible_minor, "
                      "points) SELECT v.column1, v.column2, 0, 0 FROM (VALUES " +
                          ValuesRows(n, 2, 1, true) +
                          ") AS v WHERE true ON CONFLICT (household_id, month) DO UPDATE SET "
                          "eligible_minor = household_month_spend.eligible_minor "
                          "RETURNING household_id, month, eligible_minor, points",
                      params))
            out[{r.Int(0), static_cast<int>(r.Int(1))}] = {r.Int(2), r.Int(3)};
    });
    return out;
}

void ReceiptBatchRepository::AddMonthSpends(const std::map<HouseholdMonth, MonthSpendRecord>& added) {
    std::vector<std::pair<HouseholdMonth, MonthSpendRecord>> rows(added.begin(), added.end());
    std::vector<Value> params;
    ForEachChunk(rows.size(), [&](size_t begin, size_t n) {
        params.clear();
        params.reserve(n * 4);
        for (size_t i = begin; i < begin + n; ++i) {
            params.push_back(Int(rows[i].first.first));
            params.push_back(Int(rows[i].first.second));
            params.push_back(Int(rows[i].second.eligible_minor));
            params.push_back(Int(rows[i].second.points));
        }
        c_.Execute("INSERT INTO household_month_spend (household_id, month, eligible_minor, points) VALUES " +
                       ValuesRows(n, 4) +
                       " ON CONFLICT (household_id, month) DO UPDATE SET eligible_minor = "
                       "household_month_spend.eligible_minor + excluded.eligible_minor, points = "
                       "household_month_spend.points + excluded.points",
                   params);
    });
}

void ReceiptBatchRepository::Insert(const std::vector<ReceiptRecord*>& receipts) {
    std::unordered_map<std::string, ReceiptRecord*> by_key;
    std::vector<Value> params;
    ForEachChunk(receipts.size(), [&](size_t begin, size_t n) {
        params.clear();
        params.reserve(n * receipt_rows::kInsertColumnCount);
        by_key.clear();
        for (size_t i = begin; i < begin + n; ++i) {
            by_key.emplace(receipts[i]->receipt_key, receipts[i]);
            receipt_rows::AppendInsertValues(*receipts[i], params);
        }
        for (const auto& row :
             c_.Query(std::string(receipt_rows::kInsertColumns) +
                          ValuesRows(n, receipt_rows::kInsertColumnCount) + " RETURNING id, receipt_key",
                      params))
            by_key.at(row.Text(1))->id = row.Int(0);
    });
}

}  // namespace andel::store
