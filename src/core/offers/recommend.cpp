#include "core/offers/recommend.hpp"

#include <algorithm>
#include <cmath>

namespace andel::core {
namespace {

uint64_t PairKey(int32_t a, int32_t b) {
    auto lo = static_cast<uint32_t>(std::min(a, b)), hi = static_cast<uint32_t>(std::max(a, b));
    return (uint64_t{lo} << 32) | hi;
}

size_t Slot(uint64_t key, size_t mask) {
    return static_cast<size_t>((key * 0x9E3779B97F4A7C15ULL) >> 17) & mask;
}

bool Better(const ItemScore& a, const ItemScore& b) {
    return a.score != b.score ? a.score > b.score : a.item < b.item;
}

}  // namespace

int32_t ItemIndex::Intern(std::string_view name) {
    auto [it, added] = ids_.try_emplace(std::string(name), static_cast<int32_t>(names_.size()));
    if (added) names_.emplace_back(name);
    return it->second;
}

int32_t ItemIndex::Find(std::string_view name) const {
    auto it = ids_.find(std::string(name));
    return it == ids_.end() ? -1 : it->second;
}

void CooccurrenceModel::AddBasket(std::span<const int32_t> items) {
    auto& distinct = seen_scratch_;
    distinct.clear();
    for (int32_t item : items) {
        if (item < 0) continue;
        if (std::find(distinct.begin(), distinct.end(), item) != distinct.end()) continue;
        distinct.push_back(item);
        if (distinct.size() >= params_.max_basket_items) break;
    }
    if (distinct.empty()) return;
    ++baskets_;
    for (int32_t item : distinct) {
        if (static_cast<size_t>(item) >= item_baskets_.size())
            item_baskets_.resize(static_cast<size_t>(item) + 1);
        ++item_baskets_[static_cast<size_t>(item)];
    }
    for (size_t i = 0; i < distinct.size(); ++i)
        for (size_t j = i + 1; j < distinct.size(); ++j) CountPair(distinct[i], distinct[j]);
}

void CooccurrenceModel::CountPair(int32_t a, int32_t b) {
    if ((pairs_used_ + 1) * 2 > pair_keys_.size()) Grow();
    const uint64_t key = PairKey(a, b);
    const size_t mask = pair_keys_.size() - 1;
    for (size_t s = Slot(key, mask);; s = (s + 1) & mask) {
        if (pair_keys_[s] == key) {
            ++pair_counts_[s];
            return;
        }
        if (pair_keys_[s] == 0) {
            pair_keys_[s] = key;
            pair_counts_[s] = 1;
            ++pairs_used_;
            return;
        }
    }
}

void CooccurrenceModel::Grow() {
    std::vector<uint64_t> keys(std::max<size_t>(pair_keys_.size() * 2, size_t{1} << 16), 0);
    std::vector<uint32_t> counts(keys.size(), 0);
    const size_t mask = keys.size() - 1;
    for (size_t i = 0; i < pair_keys_.size(); ++i) {
        if (pair_keys_[i] == 0) continue;
        size_t s = Slot(pair_keys_[i], mask);
        while (keys[s] != 0) s = (s + 1) & mask;
        keys[s] = pair_keys_[i];
        counts[s] = pair_counts_[i];
    }
    pair_keys_ = std::move(keys);
    pair_counts_ = std::move(counts);
}

void CooccurrenceModel::Finish() {
    const size_t n = item_baskets_.size();
    std::vector<uint32_t> degree(n + 1, 0);
    auto kept = [&](size_t slot) {
        return pair_keys_[slot] != 0 && pair_counts_[slot] >= static_cast<uint32_t>(params_.min_support);
    };
    for (size_t s = 0; s < pair_keys_.size(); ++s) {
        if (!kept(s)) continue;
        ++degree[pair_keys_[s] >> 32];
        ++degree[pair_keys_[s] & 0xffffffffu];
    }
    std::vector<size_t> start(n + 1, 0);
    for (size_t i = 0; i < n; ++i) start[i + 1] = start[i] + degree[i];
    std::vector<Neighbour> all(start[n]);
    std::vector<size_t> fill(start.begin(), start.end() - 1);
    for (size_t s = 0; s < pair_keys_.size(); ++s) {
        if (!kept(s)) continue;
        auto a = static_cast<int32_t>(pair_keys_[s] >> 32),
             b = static_cast<int32_t>(pair_keys_[s] & 0xffffffffu);
        const double both = pair_counts_[s];
        const auto sim = static_cast<float>(both / std::sqrt(double(item_baskets_[static_cast<size_t>(a)]) *
                                                             double(item_baskets_[static_cast<size_t>(b)])));
        all[fill[static_cast<size_t>(a)]++] = {b, sim};
        all[fill[static_cast<size_t>(b)]++] = {a, sim};
    }
    offsets_.assign(n + 1, 0);
    neighbours_.clear();
    const auto keep = static_cast<size_t>(std::max(params_.neighbours, 0));
    for (size_t i = 0; i < n; ++i) {
        auto first = all.begin() + static_cast<std::ptrdiff_t>(start[i]);
        auto last = all.begin() + static_cast<std::ptrdiff_t>(start[i + 1]);
        auto middle = first + static_cast<std::ptrdiff_t>(std::min(keep, start[i + 1] - start[i]));
        std::partial_sort(first, middle, last, [](const Neighbour& x, const Neighbour& y) {
            return x.similarity != y.similarity ? x.similarity > y.similarity : x.item < y.item;
        });
        neighbours_.insert(neighbours_.end(), first, middle);
        offsets_[i + 1] = static_cast<uint32_t>(neighbours_.size());
    }
    pair_keys_ = {};
    pair_counts_ = {};
    pairs_used_ = 0;
}

std::span<const CooccurrenceModel::Neighbour> CooccurrenceModel::NeighboursOf(int32_t item) const {
    if (item < 0 || static_cast<size_t>(item) + 1 >= offsets_.size()) return {};
    const auto i = static_cast<size_t>(item);
    return std::span<const Neighbour>(neighbours_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]);
}

std::vector<int32_t> CooccurrenceModel::MostPopular(size_t k) const {
    std::vector<int32_t> ids;
    for (size_t i = 0; i < item_baskets_.size(); ++i)
        if (item_baskets_[i] > 0) ids.push_back(static_cast<int32_t>(i));
    auto middle = ids.begin() + static_cast<std::ptrdiff_t>(std::min(k, ids.size()));
    std::partial_sort(ids.begin(), middle, ids.end(), [this](int32_t a, int32_t b) {
        auto ca = item_baskets_[static_cast<size_t>(a)], cb = item_baskets_[static_cast<size_t>(b)];
        return ca != cb ? ca > cb : a < b;
    });
    ids.erase(middle, ids.end());
    return ids;
}

int32_t OfferPool::AddOffer(int64_t offer_id) {
    offer_ids_.push_back(offer_id);
    return static_cast<int32_t>(offer_ids_.size() - 1);
}

void OfferPool::Link(int32_t item, int32_t offer_index) {
    if (item < 0) return;
    if (static_cast<size_t>(item) >= offers_of_item_.size())
        offers_of_item_.resize(static_cast<size_t>(item) + 1);
    auto& offers = offers_of_item_[static_cast<size_t>(item)];
    if (std::find(offers.begin(), offers.end(), offer_index) == offers.end()) offers.push_back(offer_index);
}

std::span<const int32_t> OfferPool::OffersOn(int32_t item) const {
    if (item < 0 || static_cast<size_t>(item) >= offers_of_item_.size()) return {};
    return offers_of_item_[static_cast<size_t>(item)];
}

void MemberScorer::Touch(int32_t item) {
    const auto i = static_cast<size_t>(item);
    if (i >= rf_.size()) {
        const size_t size = std::max(i + 1, rf_.size() * 2);
        rf_.resize(size, 0);
        co_.resize(size, 0);
        touched_flag_.resize(size, 0);
    }
    if (!touched_flag_[i]) {
        touched_flag_[i] = 1;
        touched_.push_back(item);
    }
}

void MemberScorer::Accumulate(std::span<const Basket> history, int64_t now) {
    const double half_life = double(params_.half_life_days) * double(kDayMillis);
    for (const auto& basket : history) {
        if (basket.at >= now) continue;
        const double weight = half_life > 0 ? std::exp2(-double(now - basket.at) / half_life) : 1.0;
        for (int32_t item : basket.items) {
            if (item < 0) continue;
            Touch(item);
            rf_[static_cast<size_t>(item)] += weight;
        }
    }
    if (params_.cooccurrence_weight != 0) {
        const size_t bought = touched_.size();
        for (size_t t = 0; t < bought; ++t) {
            const int32_t item = touched_[t];
            const double rf = rf_[static_cast<size_t>(item)];
            for (const auto& n : model_.NeighboursOf(item)) {
                Touch(n.item);
                co_[static_cast<size_t>(n.item)] += rf * n.similarity;
            }
        }
    }
    scores_.clear();
    for (int32_t item : touched_) {
        const auto i = static_cast<size_t>(item);
        const double s = params_.recency_frequency_weight * rf_[i] + params_.cooccurrence_weight * co_[i];
        if (s > 0) scores_.push_back({item, s});
        rf_[i] = co_[i] = 0;
        touched_flag_[i] = 0;
    }
    touched_.clear();
}

std::span<const ItemScore> MemberScorer::Score(std::span<const Basket> history, int64_t now) {
    Accumulate(history, now);
    std::sort(scores_.begin(), scores_.end(), Better);
    return scores_;
}

std::vector<int32_t> MemberScorer::TopItems(std::span<const Basket> history, int64_t now, size_t k,
                                            std::span<const int32_t> fallback) {
    Accumulate(history, now);
    auto middle = scores_.begin() + static_cast<std::ptrdiff_t>(std::min(k, scores_.size()));
    std::partial_sort(scores_.begin(), middle, scores_.end(), Better);
    std::vector<int32_t> out;
    for (auto it = scores_.begin(); it != middle; ++it) out.push_back(it->item);
    for (int32_t item : fallback) {
        if (out.size() >= k) break;
        if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(item);
    }
    return out;
}

std::vector<RankedOffer> MemberScorer::RankOffers(std::span<const Basket> history, int64_t now,
                                                  const OfferPool& pool, size_t k) {
    offer_scratch_.assign(pool.size(), 0);
    offers_touched_.clear();
    Accumulate(history, now);
    for (const auto& s : scores_)
        for (int32_t o : pool.OffersOn(s.item)) {
            if (offer_scratch_[static_cast<size_t>(o)] == 0) offers_touched_.push_back(o);
            offer_scratch_[static_cast<size_t>(o)] += s.score;
        }
    std::vector<RankedOffer> out;
    for (int32_t o : offers_touched_)
        out.push_back({pool.OfferId(o), offer_scratch_[static_cast<size_t>(o)]});
    std::sort(out.begin(), out.end(), [](const RankedOffer& a, const RankedOffer& b) {
        return a.affinity != b.affinity ? a.affinity > b.affinity : a.offer_id < b.offer_id;
    });
    if (out.size() > k) out.resize(k);
    return out;
}

HiddenWeekResult EvaluateHiddenWeek(std::span<const History> members, int64_t split_at,
                                    const RecommenderParams& params, size_t k) {
    CooccurrenceModel model(params);
    for (const auto& history : members)
        for (const auto& basket : history)
            if (basket.at < split_at) model.AddBasket(basket.items);
    model.Finish();
    const auto popular = model.MostPopular(k);
    MemberScorer scorer(model, params);
    HiddenWeekResult result;
    std::vector<int32_t> hidden;
    auto found = [&hidden](const std::vector<int32_t>& chosen) {
        int64_t n = 0;
        for (int32_t item : chosen) n += std::binary_search(hidden.begin(), hidden.end(), item) ? 1 : 0;
        return n;
    };
    for (const auto& history : members) {
        hidden.clear();
        for (const auto& basket : history)
            if (basket.at >= split_at && basket.at < split_at + kWeekMillis)
                hidden.insert(hidden.end(), basket.items.begin(), basket.items.end());
        std::sort(hidden.begin(), hidden.end());
        hidden.erase(std::unique(hidden.begin(), hidden.end()), hidden.end());
        if (hidden.empty()) continue;
        ++result.members;
        result.hidden_items += static_cast<int64_t>(hidden.size());
        const int64_t mine = found(scorer.TopItems(history, split_at, k, popular));
        const int64_t theirs = found(popular);
        result.recommender_found += mine;
        result.popularity_found += theirs;
        result.recommender_hits += mine > 0 ? 1 : 0;
        result.popularity_hits += theirs > 0 ? 1 : 0;
    }
    return result;
}

}  // namespace andel::core
