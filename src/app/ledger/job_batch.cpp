#include "app/ledger/job_batch.hpp"

#include "store/batch_sql.hpp"

namespace andel::app {

std::unordered_map<std::string, int64_t> PostedEntries(store::Connection& c, const std::string& source_kind,
                                                       const std::vector<std::string>& keys) {
    // One probe of the unique (source_kind, source_key) per key. Not `source_key IN (...)`: from statistics
    // taken before the job posted its first entry of the kind, PostgreSQL estimates the kind at one row, and
    // scans all its entries with the keys as a filter: quadratic over a run.
    std::unordered_map<std::string, int64_t> out;
    std::vector<store::Value> params;
    store::ForEachChunk(keys.size(), [&](size_t begin, size_t n) {
        params.clear();
        params.reserve(n + 1);
        params.push_back(store::Text(source_kind));
        for (size_t i = begin; i < begin + n; ++i) params.push_back(store::Text(keys[i]));
        for (const auto& r :
             c.Query("SELECT v.column1, (SELECT e.id FROM ledger_entries e WHERE e.source_kind = $1 "
                     "AND e.source_key = v.column1) FROM (VALUES " +
                         store::ValuesRows(n, 1, 2) + ") AS v",
                     params))
            if (!r.IsNull(1)) out.emplace(r.Text(0), r.Int(1));
    });
    return out;
}

core::Result<store::PostedBatch> PostBatch(store::LedgerRepository& ledger,
                                           const std::vector<core::JournalEntry>& entries, int64_t now) {
    auto posted = ledger.PostMany(entries, now);
    if (!posted && posted.error().code == core::ErrorCode::kConflict)
        throw store::DbError(store::DbError::Kind::kUniqueViolation, posted.error().detail);
    return posted;
}

}  // namespace andel::app
