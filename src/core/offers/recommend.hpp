#pragma once
// The recommender that chooses each member's personal offers (issue 6 §4, R_OFF_3): pure code over purchase
// history (no I/O, no clock: "now" is passed in). Items are what the caller scores — products (EAN/SKU) or
// categories — interned to dense ids by ItemIndex. A member's score for an item is
//   recency_frequency_weight * rf(item) + cooccurrence_weight * co(item)
// where rf sums, over the member's baskets holding the item, 2^(-age / half_life) (how often, how lately),
// and co sums, over the items the member bought, rf(bought) * similarity(bought, item) from the item-to-item
// co-occurrence of all baskets the model was trained on (cosine: both / sqrt(each * other)). An offer's
// affinity is the sum of the member's scores on the items it targets. docs/offers.md describes it.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace andel::core {

// Item names (EANs, SKUs or category codes) to dense ids 0..size()-1, in the order first seen.
class ItemIndex {
  public:
    int32_t Intern(std::string_view name);
    // -1 when never interned.
    int32_t Find(std::string_view name) const;
    const std::string& Name(int32_t id) const { return names_.at(static_cast<size_t>(id)); }
    size_t size() const { return names_.size(); }

  private:
    std::unordered_map<std::string, int32_t> ids_;
    std::vector<std::string> names_;
};

// One receipt as the recommender sees it: when, and the distinct items on it (a return is no basket).
struct Basket {
    int64_t at = 0;  // Unix milliseconds
    std::vector<int32_t> items;
};
using History = std::vector<Basket>;  // one member's baskets, in any order

struct RecommenderParams {
    double recency_frequency_weight = 1.0;
    double cooccurrence_weight = 0.25;
    int64_t half_life_days = 28;   // a purchase this old counts half; 0: no decay (frequency only)
    int32_t neighbours = 20;       // similar items kept per item after training
    int32_t min_support = 2;       // baskets a pair must share before it counts
    size_t max_basket_items = 64;  // bound: pairs are counted over a basket's first 64 distinct items
};

// Item-to-item co-occurrence learnt from baskets: AddBasket for each training basket, then Finish once.
class CooccurrenceModel {
  public:
    struct Neighbour {
        int32_t item = 0;
        float similarity = 0;
    };
    explicit CooccurrenceModel(const RecommenderParams& params = {}) : params_(params) {}
    void AddBasket(std::span<const int32_t> items);  // distinct items; duplicates are ignored
    // Keeps each item's `neighbours` most similar items (ties to the lower id); AddBasket is done after it.
    void Finish();
    // Best first; empty for an item never seen in training.
    std::span<const Neighbour> NeighboursOf(int32_t item) const;
    int64_t baskets() const { return baskets_; }
    int64_t pairs() const { return static_cast<int64_t>(pairs_used_); }
    // The items in most training baskets, best first (ties to the lower id): the popularity baseline.
    std::vector<int32_t> MostPopular(size_t k) const;

  private:
    void CountPair(int32_t a, int32_t b);
    void Grow();
    RecommenderParams params_;
    int64_t baskets_ = 0;
    std::vector<uint32_t> item_baskets_;  // per item: training baskets holding it
    // Open addressing over (low id << 32 | high id) -> baskets holding both; key 0 is empty (a pair of
    // item 0 with itself never occurs).
    std::vector<uint64_t> pair_keys_;
    std::vector<uint32_t> pair_counts_;
    size_t pairs_used_ = 0;
    std::vector<uint32_t> offsets_;  // after Finish: neighbours of item i at [offsets_[i], offsets_[i + 1])
    std::vector<Neighbour> neighbours_;
    std::vector<int32_t> seen_scratch_;
};

struct ItemScore {
    int32_t item = 0;
    double score = 0;
};

// The offers to rank: each with the items it targets (a product offer's products; a category offer's items
// in that category or below it). Items may be linked while the pool is in use (items are interned late).
class OfferPool {
  public:
    // Returns the offer's index in the pool.
    int32_t AddOffer(int64_t offer_id);
    void Link(int32_t item, int32_t offer_index);  // the offer targets this item (linking twice is once)
    size_t size() const { return offer_ids_.size(); }
    int64_t OfferId(int32_t index) const { return offer_ids_.at(static_cast<size_t>(index)); }
    std::span<const int32_t> OffersOn(int32_t item) const;

  private:
    std::vector<int64_t> offer_ids_;
    std::vector<std::vector<int32_t>> offers_of_item_;
};

struct RankedOffer {
    int64_t offer_id = 0;
    double affinity = 0;
};

// Scores one member at a time against a trained model. Holds scratch space sized to the items: one per
// thread, reused across members (nothing is allocated per member once warm).
class MemberScorer {
  public:
    MemberScorer(const CooccurrenceModel& model, const RecommenderParams& params)
        : model_(model), params_(params) {}
    // The member's item scores from the baskets strictly before `now`, best first (ties to the lower id);
    // only items with a positive score. The span is valid until the next call.
    std::span<const ItemScore> Score(std::span<const Basket> history, int64_t now);
    // The k best items, filled up from `fallback` (e.g. the popular items) when the member has fewer.
    std::vector<int32_t> TopItems(std::span<const Basket> history, int64_t now, size_t k,
                                  std::span<const int32_t> fallback);
    // The pool's offers by the member's affinity, best first (ties to the lower offer id), at most k; an
    // offer with no affinity (the member bought nothing it targets, nor anything like it) is left out.
    std::vector<RankedOffer> RankOffers(std::span<const Basket> history, int64_t now, const OfferPool& pool,
                                        size_t k);

  private:
    void Touch(int32_t item);
    void Accumulate(std::span<const Basket> history, int64_t now);  // scores_, unsorted
    const CooccurrenceModel& model_;
    RecommenderParams params_;
    std::vector<double> rf_, co_;
    std::vector<uint8_t> touched_flag_;
    std::vector<int32_t> touched_;
    std::vector<ItemScore> scores_;
    std::vector<double> offer_scratch_;
    std::vector<int32_t> offers_touched_;
};

// Offline evaluation with a hidden-week split (issue 6 §4): every basket before `split_at` trains (the model
// and the popularity baseline, over all members); the items each member bought in the week from `split_at`
// are hidden, and each recommender names k items per member from what came before. The hit rate at k is the
// share of the hidden purchases (a member and an item they bought that week) among that member's k items —
// leave-one-out's hit rate, with a week left out. The share of members with at least one hit is given too;
// it saturates (a member buying 8 things that week is hit by almost any list of 10 popular items).
struct HiddenWeekResult {
    int64_t members = 0;                                  // members who bought something in the hidden week
    int64_t hidden_items = 0;                             // distinct (member, item) purchases in it
    int64_t recommender_found = 0, popularity_found = 0;  // hidden purchases among the k items
    int64_t recommender_hits = 0, popularity_hits = 0;    // members with at least one
    double RecommenderHitRate() const { return Share(recommender_found, hidden_items); }
    double PopularityHitRate() const { return Share(popularity_found, hidden_items); }
    double RecommenderMemberHitRate() const { return Share(recommender_hits, members); }
    double PopularityMemberHitRate() const { return Share(popularity_hits, members); }
    static double Share(int64_t part, int64_t whole) { return whole ? double(part) / double(whole) : 0; }
};
HiddenWeekResult EvaluateHiddenWeek(std::span<const History> members, int64_t split_at,
                                    const RecommenderParams& params, size_t k = 10);

inline constexpr int64_t kDayMillis = 24LL * 3600 * 1000;
inline constexpr int64_t kWeekMillis = 7 * kDayMillis;

}  // namespace andel::core
