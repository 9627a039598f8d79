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

// The runs app::DividendJob records, for the back office's report. Runs on the caller's connection.
class DividendRunRepository {
  public:
    explicit DividendRunRepository(Connection& c) : c_(c) {}

    // The newest first, at most `limit`.
    std::vector<DividendRunRecord> Recent(int limit);

  private:
    Connection& c_;
};

}  // namespace andel::store
