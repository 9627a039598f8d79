#pragma once
#include <cstdint>
#include <string>

#include "app/config.hpp"

namespace andel::cli {

struct BenchSearchOptions {
    int64_t products = 50'000;
    int64_t queries = 2'000;
    uint64_t seed = 42;
    std::string market = "se";
    std::string database;  // default: a new SQLite file under /tmp; a postgresql:// URL: a new schema in it
    bool keep = false;     // leave that file or schema, to look at the plans (EXPLAIN) afterwards
};

// `andel bench search` (issue 7 §6): the ordering portal's shop search over a generated catalogue of
// Swedish groceries, imported through the catalogue's CSV import, then searched as the portal does (words,
// prefixes, a category filter, category browsing; one store's assortment; 50 a page). Prints the latency of
// the service call (p50, p95, p99, max), queries per second on one thread, and a fingerprint of the results;
// docs/benchmarks.md records them.
int BenchSearch(const app::Config& cfg, const BenchSearchOptions& options);

}  // namespace andel::cli
