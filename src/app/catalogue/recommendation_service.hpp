#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/offers/recommend.hpp"
#include "store/database.hpp"

namespace andel::app {

// The bounds of personalised content (R_OFF_4): what one request may read and score, and how the
// item-to-item co-occurrence is learnt. docs/offers.md ("Personalised content") explains the choice.
struct RecommendationOptions {
    int64_t history_days = 91;           // the member's receipts scored: the last 91 days ...
    int64_t max_history_receipts = 200;  // ... at most the newest 200 of them
    int64_t training_members = 2'000;    // the co-occurrence: the newest consenting members of the market ...
    int64_t max_training_receipts = 40'000;         // ... at most this many of their receipts in those days
    int64_t model_max_age_ms = 24LL * 3600 * 1000;  // learnt again when older than a day
    size_t max_products = 200;                      // the member's best products kept per request
    core::RecommenderParams params;
};

struct ProductAffinity {
    std::string ean;
    double score = 0;
};

struct MemberAffinities {
    bool consented = false;  // the member's latest answer for "personalised_content" is a consent
    std::string market;      // the member's
    std::vector<ProductAffinity> products;  // best first, at most max_products; empty without the consent
};

// The products a member is likely to want (R_OFF_4, R_PRIV_2), from their own purchase history scored by
// the recommender (core/offers/recommend.hpp: recency/frequency of what they bought, plus what is bought
// together with it): for "Recommended for you" and for ranking their catalogue searches. Only for a member
// whose latest answer for the purpose "personalised_content" is a consent, asked on every call, so a
// withdrawal counts from the next request. Products are keyed by EAN (core::NormaliseEan of the receipt
// line's SKU); lines whose SKU is no EAN are left out. Cost per call: one consent lookup, at most
// max_history_receipts receipts of the member (each basket's first max_basket_items products) and, for
// each product, its `neighbours` co-bought products. The co-occurrence is learnt per market from at most
// max_training_receipts receipts of the newest training_members consenting members, once a day, on the
// first call that needs it (the others wait for it); it holds counts of products, no member. Thread-safe.
class RecommendationService {
  public:
    static constexpr const char* kPurpose = "personalised_content";
    RecommendationService(store::Database& db, const core::Clock& clock, RecommendationOptions options = {})
        : db_(db), clock_(clock), options_(options) {}
    // Read on `c` (the caller's read connection).
    MemberAffinities ForMember(store::Connection& c, int64_t member_id);
    MemberAffinities ForMember(int64_t member_id);

  private:
    struct Model;
    std::shared_ptr<const Model> ModelFor(store::Connection& c, const std::string& market, int64_t now);
    store::Database& db_;
    const core::Clock& clock_;
    RecommendationOptions options_;
    std::mutex mutex_;  // guards models_ (and one market's learning at a time)
    std::map<std::string, std::shared_ptr<const Model>> models_;
};

}  // namespace andel::app
