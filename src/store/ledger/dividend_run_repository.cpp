#include "store/ledger/dividend_run_repository.hpp"

#include "store/batch_sql.hpp"

namespace andel::store {

std::vector<DividendRunRecord> DividendRunRepository::Recent(int limit) {
    std::vector<DividendRunRecord> out;
    for (const auto& r : c_.Query(
             "SELECT id, year, market, started_at, finished_at, households, lines, base_minor, amount_minor, "
             "late_households, late_minor "
             "FROM dividend_runs ORDER BY started_at DESC, id DESC LIMIT $1",
             {Int(limit)}))
        out.push_back({r.Int(0), r.Int(1), r.Text(2), r.Int(3), r.OptInt(4), r.Int(5), r.Int(6), r.Int(7),
                       r.Int(8), r.Int(9), r.Int(10)});
    return out;
}

void DividendRunRepository::AddLines(const std::vector<DividendLineRecord>& lines) {
    std::vector<Value> params;
    ForEachChunk(lines.size(), [&](size_t begin, size_t n) {
        params.clear();
        params.reserve(n * 10);
        for (size_t i = begin; i < begin + n; ++i) {
            const auto& l = lines[i];
            for (int64_t v : {l.run_id, l.year, l.household_id, l.cooperative_id, l.supplement, l.receipts,
                              l.base_minor, l.rate_bp, l.amount_minor})
                params.push_back(Int(v));
            params.push_back(l.entry_id ? Int(*l.entry_id) : Null());
        }
        c_.Execute(
            "INSERT INTO dividend_lines (run_id, year, household_id, cooperative_id, supplement, receipts, "
            "base_minor, rate_bp, amount_minor, entry_id) VALUES " +
                ValuesRows(n, 10),
            params);
    });
}

}  // namespace andel::store
