#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "app/config.hpp"

namespace andel::cli {

struct BenchLoadOptions {
    std::string database;  // --prepare: the database the nodes serve (migrated and seeded here)
    bool prepare = false;  // create what the mix needs, on the demo dataset, and write the plan
    int64_t members = 0;   // --prepare: members generated on top of the demo dataset's
    std::string plan = "load-plan.json";  // keys, members, cards, sessions, logins, the portal's race
    std::vector<std::string> nodes;       // http://127.0.0.1:PORT of each node; empty: prepare only
    uint64_t seed = 42;
    int64_t requests = 10'000;  // the run stops after this many requests ...
    double duration_s = 60;     // ... or after this long, whichever comes first
    int concurrency = 8;        // threads, each with one keep-alive connection per node
    int64_t timeout_ms = 5000;  // a request without a whole answer by then counts as a timeout
    std::string acknowledged;  // file of receipt, partner sale and order ids answered 200/201 (default: none)
    std::string run_id;  // makes receipt, sale and checkout ids unique across runs (default: start time)
};

// `andel bench load` (issue 11 §1): a realistic mix against several `andel serve` nodes on one database —
// till identifications, basket pricing, receipts, offer activations, logins (first step), partner sales and
// portal checkouts racing for the places of one delivery — with a fixed seed, bounded in requests and time.
// Prints throughput and p50/p95/p99 per kind and the answers by status; writes what was acknowledged so a
// checker can prove each is booked exactly once. Returns 0, or 1 when an answer was wrong: a 5xx other than
// 503, a 503 without Retry-After, an unexpected status, or a timeout (a refused or dropped connection is
// counted, not wrong: a node died).
int BenchLoad(const app::Config& cfg, const BenchLoadOptions& options);

}  // namespace andel::cli
