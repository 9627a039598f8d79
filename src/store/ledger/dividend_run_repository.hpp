#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"

namespace andel::store {

// One real run of the yearly purchase dividend of a market (R_BON_7, a row of dividend_runs, migration
// 0004, 0023): what that run paid. A repeat of a year is a run of its own that pays only what was left and
// what receipts posted after the payment added (supplements: late_households, late_minor).
struct DividendRunRecord {
    int64_t id = 0;
    int64_t year = 0;
    std::string market;
    int64_t started_at = 0;
    std::optional<int64_t> finished_at;  // none while running, or when the run was stopped
    int64_t households = 0, lines = 0, base_minor = 0, amount_minor = 0;  // amount_minor: what it paid
    int64_t late_households = 0, late_minor = 0;  // of it, paid by supplements for late receipts
};

// One line of a household's payment (a row of dividend_lines, migration 0004, 0023): what its receipts of
// the year in one cooperative's stores accrued, or, for a supplement, added since.
struct DividendLineRecord {
    int64_t run_id = 0;
    int64_t year = 0, household_id = 0, cooperative_id = 0, supplement = 0;
    int64_t receipts = 0, base_minor = 0, rate_bp = 0, amount_minor = 0;
    std::optional<int64_t> entry_id;  // the entry that paid it; none when there was nothing to pay
};

// The runs app::DividendJob records, for the back office's report. Runs on the caller's connection.
class DividendRunRepository {
  public:
    explicit DividendRunRepository(Connection& c) : c_(c) {}

    // The newest first, at most `limit`.
    std::vector<DividendRunRecord> Recent(int limit);

    // Writes the lines, in their order, in multi-row statements (a few for any number of lines).
    void AddLines(const std::vector<DividendLineRecord>& lines);

  private:
    Connection& c_;
};

}  // namespace andel::store
