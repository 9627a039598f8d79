#include "store/ledger/dividend_run_repository.hpp"

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

}  // namespace andel::store
