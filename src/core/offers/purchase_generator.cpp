#include "core/offers/purchase_generator.hpp"

#include <algorithm>
#include <cmath>

namespace andel::core {

uint64_t SplitMix::Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

double SplitMix::Uniform() { return double(Next() >> 11) * 0x1.0p-53; }

int64_t SplitMix::Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
}

int32_t SplitMix::Pick(const std::vector<double>& cdf) {
    const double u = Uniform() * cdf.back();
    auto it = std::upper_bound(cdf.begin(), cdf.end(), u);
    return static_cast<int32_t>(std::min<std::ptrdiff_t>(it - cdf.begin(), std::ssize(cdf) - 1));
}

PurchaseWorld MakePurchaseWorld(const PurchaseWorldOptions& options) {
    PurchaseWorld w;
    w.options = options;
    SplitMix rng(options.seed);
    const auto n = static_cast<size_t>(options.products);
    // Popularity ranks are shuffled over the product ids, so id order tells nothing.
    std::vector<int32_t> rank_of(n);
    for (size_t i = 0; i < n; ++i) rank_of[i] = static_cast<int32_t>(i);
    for (size_t i = n - 1; i > 0; --i)
        std::swap(rank_of[i], rank_of[static_cast<size_t>(rng.Between(0, static_cast<int64_t>(i)))]);
    w.category_of.resize(n);
    w.popularity_cdf.resize(n);
    double total = 0;
    for (size_t i = 0; i < n; ++i) {
        w.category_of[i] = static_cast<int32_t>(rng.Between(0, options.categories - 1));
        total += std::pow(double(rank_of[i] + 1), -options.popularity_exponent);
        w.popularity_cdf[i] = total;
    }
    // Groups: 3-6 products from one or two categories (a meal, a routine), picked by popularity within them.
    std::vector<std::vector<int32_t>> in_category(static_cast<size_t>(options.categories));
    for (size_t i = 0; i < n; ++i)
        in_category[static_cast<size_t>(w.category_of[i])].push_back(static_cast<int32_t>(i));
    for (int32_t g = 0; g < options.groups; ++g) {
        std::vector<int32_t> group;
        const int64_t size = rng.Between(3, 6);
        const int64_t first = rng.Between(0, options.categories - 1),
                      second = rng.Between(0, options.categories - 1);
        for (int tries = 0; std::ssize(group) < size && tries < 100; ++tries) {
            const auto& pool = in_category[static_cast<size_t>(rng.Uniform() < 0.6 ? first : second)];
            if (pool.empty()) continue;
            int32_t p = pool[static_cast<size_t>(rng.Between(0, std::ssize(pool) - 1))];
            if (std::find(group.begin(), group.end(), p) == group.end()) group.push_back(p);
        }
        if (group.size() >= 2) w.groups.push_back(std::move(group));
    }
    return w;
}

History GenerateMember(const PurchaseWorld& w, uint64_t member) {
    SplitMix rng(w.options.seed ^ (0xD1B54A32D192ED03ULL * (member + 1)));
    const int32_t weeks = w.options.weeks;
    const double trips_per_week = 0.5 + rng.Uniform() * 2.5;
    struct Staple {
        int32_t product;
        double chance;  // per trip
        int32_t from_week, to_week;
    };
    std::vector<Staple> staples;
    const int64_t n_staples = rng.Between(3, 12);
    for (int64_t i = 0; i < n_staples; ++i) {
        Staple s{rng.Pick(w.popularity_cdf), 0.15 + rng.Uniform() * 0.45, 0, weeks};
        const double change = rng.Uniform();
        if (change < 0.25)
            s.from_week = static_cast<int32_t>(rng.Between(1, weeks - 1));  // a new habit
        else if (change < 0.5)
            s.to_week = static_cast<int32_t>(rng.Between(1, weeks - 1));  // dropped
        staples.push_back(s);
    }
    struct Favourite {
        int32_t group, from_week;  // some are taken up during the period, like staples
    };
    std::vector<Favourite> favourites;
    const int64_t n_groups = w.groups.empty() ? 0 : rng.Between(1, 4);
    for (int64_t i = 0; i < n_groups; ++i) {
        Favourite f{static_cast<int32_t>(rng.Between(0, std::ssize(w.groups) - 1)), 0};
        if (rng.Uniform() < 0.25) f.from_week = static_cast<int32_t>(rng.Between(1, weeks - 1));
        favourites.push_back(f);
    }

    History history;
    for (int32_t day = 0; day < weeks * 7; ++day) {
        if (rng.Uniform() >= trips_per_week / 7) continue;
        const int32_t week = day / 7;
        Basket b;
        b.at = w.options.start_at + int64_t{day} * kDayMillis + rng.Between(8, 20) * 3600 * 1000;
        auto add = [&b](int32_t p) {
            if (std::find(b.items.begin(), b.items.end(), p) == b.items.end()) b.items.push_back(p);
        };
        for (const auto& s : staples)
            if (week >= s.from_week && week < s.to_week && rng.Uniform() < s.chance) add(s.product);
        for (const auto& f : favourites) {
            if (week < f.from_week || rng.Uniform() >= 0.35) continue;
            const auto& group = w.groups[static_cast<size_t>(f.group)];
            const int64_t take = rng.Between(2, std::min<int64_t>(4, std::ssize(group)));
            for (int64_t i = 0; i < take; ++i)
                add(group[static_cast<size_t>(rng.Between(0, std::ssize(group) - 1))]);
        }
        const int64_t impulse = rng.Between(0, 4);
        for (int64_t i = 0; i < impulse; ++i) add(rng.Pick(w.popularity_cdf));
        if (!b.items.empty()) history.push_back(std::move(b));
    }
    return history;
}

}  // namespace andel::core
