#pragma once
// Generated purchase histories for the recommender's offline evaluation (issue 6 §4) and its benchmark:
// deterministic from a seed, pure code. A world of products with a long-tailed popularity, each in a
// category, and groups of products bought together (pasta, sauce, parmesan); members with habits: how often
// they shop, staple products (some picked up or dropped during the period), a few favourite groups of which
// they buy a part on a trip, and impulse buys after the products' popularity. The last week is the hidden
// week of the evaluation. Members are generated one at a time (GenerateMember), so a million need no memory.
#include <cstdint>
#include <vector>

#include "core/offers/recommend.hpp"

namespace andel::core {

struct PurchaseWorldOptions {
    uint64_t seed = 42;
    int32_t products = 3000;
    int32_t categories = 60;
    int32_t groups = 400;
    int32_t weeks = 13;                    // the last one is the hidden week
    double popularity_exponent = 0.8;      // Zipf: the product of rank r is bought in proportion to r^-s
    int64_t start_at = 1'788'134'400'000;  // Monday 2026-08-31T00:00:00Z: the hidden week is 2026-11-23
};

struct PurchaseWorld {
    PurchaseWorldOptions options;
    std::vector<int32_t> category_of;          // per product
    std::vector<double> popularity_cdf;        // per product, cumulative
    std::vector<std::vector<int32_t>> groups;  // products bought together
    int64_t split_at() const { return options.start_at + int64_t{options.weeks - 1} * kWeekMillis; }
};

PurchaseWorld MakePurchaseWorld(const PurchaseWorldOptions& options);
// Member number `member` (0, 1, ...) of the world: the same member for the same seed, whatever else is made.
History GenerateMember(const PurchaseWorld& world, uint64_t member);

// A small deterministic generator (splitmix64): the same numbers on every platform, unlike std::
// distributions.
class SplitMix {
  public:
    explicit SplitMix(uint64_t seed) : state_(seed) {}
    uint64_t Next();
    double Uniform();                              // [0, 1)
    int64_t Between(int64_t lo, int64_t hi);       // [lo, hi]
    int32_t Pick(const std::vector<double>& cdf);  // an index by a cumulative distribution

  private:
    uint64_t state_;
};

}  // namespace andel::core
