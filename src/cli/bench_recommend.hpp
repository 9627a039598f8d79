#pragma once
#include <cstdint>
#include <string>

#include "app/config.hpp"

namespace andel::cli {

struct BenchRecommendOptions {
    uint64_t seed = 42;
    int64_t eval_members = 100'000;     // the hidden-week evaluation
    int64_t scale_members = 1'000'000;  // scored in memory, to time the ranking
    int64_t db_members = 2'000;         // the job run on a database, to time its reads and writes
    std::string database;               // default: a new SQLite file under /tmp
};

// `andel bench recommend` (issue 6 §4 and §6): the recommender against the popularity baseline on generated
// purchase data (hit rate at 10, hidden week), and the time to personalise members: scoring in memory at
// scale_members, and the whole job (receipts read, scored, selections written) on a database of db_members,
// scaled. Prints figures; docs/benchmarks.md records them.
int BenchRecommend(const app::Config& cfg, const BenchRecommendOptions& options);

}  // namespace andel::cli
