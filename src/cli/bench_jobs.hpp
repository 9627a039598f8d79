#pragma once
#include <cstdint>
#include <string>

#include "app/config.hpp"

namespace andel::cli {

struct BenchJobsOptions {
    int64_t households = 1'000'000;  // in SE (the expiry) and as many in NO (the dividend)
    std::string database;  // default: a new SQLite file under /tmp; a postgresql:// URL: a new schema in it
    bool keep = false;     // leave that file or schema, to look at it (EXPLAIN) afterwards
};

// `andel bench jobs` (issue 3 §8): the monthly points expiry (app::ExpiryJob) over `households` Swedish
// households and the yearly purchase dividend (app::DividendJob) over as many Norwegian ones, each run as
// `andel jobs run` runs it, on a database seeded by bulk SQL with what ReceiptService would have written:
// in SE, per household, 4 points lots (one earned 37 months before the run's month, so it expires now),
// each credited by a receipt's entry; in NO, per household, 3 receipts of the year (2 in the own
// cooperative's stores at 3 %, 1 in another's at 1 %), each accruing its dividend by an entry. Then the
// dividend run is repeated (nothing new to pay) and `check ledger` runs. Prints the rows seeded and the
// seconds, seconds and rows per second of each job, the peak RSS, and a fingerprint of what the jobs
// posted (entries, postings, dividend lines) to compare two builds; docs/benchmarks.md records them. The
// fingerprint is read range by range, so the peak RSS is the jobs' (and the seeding's).
int BenchJobs(const app::Config& cfg, const BenchJobsOptions& options);

}  // namespace andel::cli
