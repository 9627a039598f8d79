#include "core/offers/pricing.hpp"

#include <algorithm>
#include <map>
#include <string_view>
#include <unordered_map>

namespace andel::core {
namespace {

constexpr const char* kNames[] = {"member_price", "percent_off",  "amount_off",  "multi_buy",
                                  "extra_bonus",  "extra_points", "points_bonus"};

// a * b / c rounded half-even, for non-negative a, b and positive c (a * b fits: a <= 10^11, b <= 10^6).
int64_t MulDiv(int64_t a, int64_t b, int64_t c) {
    __int128 num = static_cast<__int128>(a) * b;
    __int128 q = num / c, r = num % c;
    if (r * 2 > c || (r * 2 == c && (q % 2) != 0)) ++q;
    return static_cast<int64_t>(q);
}

int64_t Units(const BasketLine& l) { return l.weighed ? 1 : l.quantity; }

// What `o` would take off each of the `free` lines (0 where it does not apply), within its per-receipt cap.
// `taken` marks the lines the offer uses, which can take no other price offer: those it discounts, and for a
// multi-buy every line with a unit in a bundle.
// `matching` lists the lines the offer targets, in order (MatchingLines).
std::vector<int64_t> LineDiscounts(const PricedOffer& o, const std::vector<BasketLine>& lines,
                                   const std::vector<size_t>& matching, const std::vector<bool>& free,
                                   int64_t* units_used, std::vector<bool>* taken) {
    std::vector<int64_t> d(lines.size(), 0);
    taken->assign(lines.size(), false);
    int64_t cap = o.per_receipt.value_or(INT64_MAX);
    *units_used = 0;
    if (o.kind == OfferKind::kMultiBuy) {
        if (o.buy_quantity < 2) return d;
        // Units of the free matching lines that are counted (not weighed), dearest first.
        struct Run {
            size_t line;
            int64_t unit_price, count;
        };
        std::vector<Run> runs;
        for (size_t i : matching)
            if (free[i] && !lines[i].weighed && lines[i].quantity > 0)
                runs.push_back({i, lines[i].amount_minor / lines[i].quantity, lines[i].quantity});
        std::stable_sort(runs.begin(), runs.end(),
                         [](const Run& a, const Run& b) { return a.unit_price > b.unit_price; });
        const int64_t n = o.buy_quantity;
        // One bundle's units as (line, unit price, count); at most n entries.
        auto bundle_discount = [&](const std::vector<Run>& b) {
            int64_t sum = 0;
            for (const auto& u : b) sum += u.unit_price * u.count;
            if (o.pay_quantity > 0) {
                // The cheapest n - pay units are free: they are at the end (dearest first).
                int64_t free_units = n - o.pay_quantity;
                for (auto it = b.rbegin(); it != b.rend() && free_units > 0; ++it) {
                    int64_t k = std::min(free_units, it->count);
                    d[it->line] += k * it->unit_price;
                    free_units -= k;
                }
                return;
            }
            int64_t off = sum - o.bundle_price_minor;
            if (off <= 0) return;
            // Spread over the bundle's units by price; the rounding remainder goes to the first.
            int64_t given = 0;
            for (const auto& u : b) {
                int64_t share = off * u.unit_price * u.count / std::max<int64_t>(sum, 1);
                d[u.line] += share;
                given += share;
            }
            d[b.front().line] += off - given;
        };
        std::vector<Run> current;
        int64_t in_current = 0, bundles = 0;
        for (auto run : runs) {
            while (run.count > 0 && bundles < cap) {
                if (in_current == 0 && run.count >= n) {
                    // Whole bundles inside this run: all units at one price.
                    int64_t q = std::min(run.count / n, cap - bundles);
                    std::vector<Run> one = {{run.line, run.unit_price, n}};
                    (*taken)[run.line] = true;
                    auto before = d[run.line];
                    bundle_discount(one);
                    d[run.line] = before + (d[run.line] - before) * q;
                    bundles += q;
                    run.count -= q * n;
                    continue;
                }
                int64_t k = std::min(n - in_current, run.count);
                current.push_back({run.line, run.unit_price, k});
                in_current += k;
                run.count -= k;
                if (in_current == n) {
                    bundle_discount(current);
                    for (const auto& u : current) (*taken)[u.line] = true;
                    current.clear();
                    in_current = 0;
                    ++bundles;
                }
            }
        }
        // Units of a bundle left incomplete take no part: their lines stay free unless a bundle used them.
        for (size_t i = 0; i < lines.size(); ++i)
            if (d[i] > 0) (*taken)[i] = true;
        *units_used = bundles;
        for (size_t i = 0; i < lines.size(); ++i) d[i] = std::min(d[i], lines[i].amount_minor);
        return d;
    }
    for (size_t i : matching) {
        if (*units_used >= cap) break;
        const auto& l = lines[i];
        if (!free[i] || l.amount_minor <= 0 || l.quantity <= 0) continue;
        int64_t k = std::min(Units(l), cap - *units_used);
        // The part of the line the offer covers (all of it unless the cap cuts it).
        int64_t covered = l.weighed ? l.amount_minor : MulDiv(l.amount_minor, k, l.quantity);
        int64_t off = 0;
        switch (o.kind) {
            case OfferKind::kMemberPrice: {
                int64_t at_member_price =
                    l.weighed ? MulDiv(o.member_price_minor, l.quantity, 1000) : o.member_price_minor * k;
                off = covered - at_member_price;
                break;
            }
            case OfferKind::kPercentOff:
                off = MulDiv(covered, o.percent_bp, 10'000);
                break;
            case OfferKind::kAmountOff:
                off = l.weighed ? o.amount_minor : o.amount_minor * k;
                break;
            default:
                break;
        }
        off = std::clamp<int64_t>(off, 0, covered);
        if (off > 0) {
            d[i] = off;
            (*taken)[i] = true;
            *units_used += k;
        }
    }
    return d;
}

// For each offer, the lines it targets, in line order: what Matches says, computed once per basket with
// the offers indexed by EAN and category, so the greedy rounds below compare no strings.
std::vector<std::vector<size_t>> MatchingLines(const std::vector<BasketLine>& lines,
                                               const std::vector<PricedOffer>& offers) {
    std::vector<std::vector<size_t>> out(offers.size());
    std::unordered_map<std::string_view, std::vector<size_t>> by_ean, by_category;
    for (size_t k = 0; k < offers.size(); ++k) {
        const auto& o = offers[k];
        if (o.target == OfferTarget::kBasket) {
            out[k].resize(lines.size());
            for (size_t i = 0; i < lines.size(); ++i) out[k][i] = i;
        } else if (o.target == OfferTarget::kCategory) {
            by_category[o.category].push_back(k);
        } else {
            for (const auto& ean : o.eans) {
                auto& list = by_ean[ean];
                if (list.empty() || list.back() != k) list.push_back(k);
            }
        }
    }
    for (size_t i = 0; i < lines.size(); ++i) {
        auto add = [&](size_t k) {
            if (out[k].empty() || out[k].back() != i) out[k].push_back(i);
        };
        if (auto it = by_ean.find(lines[i].sku); it != by_ean.end())
            for (size_t k : it->second) add(k);
        for (const auto& c : lines[i].categories)
            if (auto it = by_category.find(c); it != by_category.end())
                for (size_t k : it->second) add(k);
    }
    return out;
}

}  // namespace

std::optional<OfferKind> OfferKindFromName(const std::string& name) {
    for (int i = 0; i < 7; ++i)
        if (name == kNames[i]) return static_cast<OfferKind>(i);
    return std::nullopt;
}

const char* OfferKindName(OfferKind k) { return kNames[static_cast<int>(k)]; }

bool IsPriceOffer(OfferKind k) {
    return k == OfferKind::kMemberPrice || k == OfferKind::kPercentOff || k == OfferKind::kAmountOff ||
           k == OfferKind::kMultiBuy;
}

PricedBasket PriceBasket(const std::vector<BasketLine>& lines, const std::vector<PricedOffer>& offers) {
    PricedBasket out;
    out.lines.resize(lines.size());
    for (const auto& l : lines) out.total_minor += l.amount_minor;
    std::vector<bool> free(lines.size(), true);
    std::map<int64_t, size_t> use_of;  // offer id -> index in out.used
    auto use = [&](const PricedOffer& o) -> OfferUse& {
        auto [it, fresh] = use_of.emplace(o.id, out.used.size());
        if (fresh) out.used.push_back({o.id, o.code, 0, 0, 0, 0});
        return out.used[it->second];
    };

    // 1. Line price offers, greedily by the discount each would give on the lines still free.
    const auto matching = MatchingLines(lines, offers);
    std::vector<const PricedOffer*> candidates;
    for (const auto& o : offers)
        if (IsPriceOffer(o.kind) && o.target != OfferTarget::kBasket) candidates.push_back(&o);
    std::sort(candidates.begin(), candidates.end(), [](auto* a, auto* b) { return a->id < b->id; });
    auto matching_of = [&](const PricedOffer* o) -> const std::vector<size_t>& {
        return matching[static_cast<size_t>(o - offers.data())];
    };
    while (!candidates.empty()) {
        int64_t best_total = 0, best_units = 0;
        size_t best = candidates.size();
        std::vector<int64_t> best_d;
        std::vector<bool> best_taken, taken;
        for (size_t c = 0; c < candidates.size(); ++c) {
            int64_t units = 0;
            auto d = LineDiscounts(*candidates[c], lines, matching_of(candidates[c]), free, &units, &taken);
            int64_t total = 0;
            for (int64_t x : d) total += x;
            if (total > best_total) {
                best_total = total;
                best_units = units;
                best = c;
                best_d = std::move(d);
                best_taken = taken;
            }
        }
        if (best == candidates.size()) break;
        auto& u = use(*candidates[best]);
        u.units = best_units;
        u.discount_minor = best_total;
        for (size_t i = 0; i < lines.size(); ++i)
            if (best_taken[i]) {
                free[i] = false;
                out.lines[i].discount_minor = best_d[i];
                out.lines[i].price_offer = static_cast<int64_t>(use_of.at(candidates[best]->id));
            }
        candidates.erase(candidates.begin() + static_cast<std::ptrdiff_t>(best));
    }

    auto net = [&](size_t i) { return lines[i].amount_minor - out.lines[i].discount_minor; };
    int64_t basket_net = 0;
    for (size_t i = 0; i < lines.size(); ++i) basket_net += net(i);

    // 2. One basket price offer, the largest, spread over the lines by their net.
    const PricedOffer* basket_best = nullptr;
    int64_t basket_off = 0;
    for (const auto& o : offers) {
        if (o.target != OfferTarget::kBasket || !IsPriceOffer(o.kind) || basket_net < o.min_spend_minor)
            continue;
        int64_t off = o.kind == OfferKind::kPercentOff  ? MulDiv(basket_net, o.percent_bp, 10'000)
                      : o.kind == OfferKind::kAmountOff ? o.amount_minor
                                                        : 0;
        off = std::min(off, basket_net);
        if (off > basket_off || (off == basket_off && off > 0 && basket_best && o.id < basket_best->id)) {
            basket_off = off;
            basket_best = &o;
        }
    }
    if (basket_best && basket_off > 0) {
        auto& u = use(*basket_best);
        u.units = 1;
        u.discount_minor = basket_off;
        int64_t given = 0;
        std::vector<int64_t> share(lines.size(), 0);
        for (size_t i = 0; i < lines.size(); ++i) {
            share[i] = basket_net > 0
                           ? static_cast<int64_t>(static_cast<__int128>(basket_off) * net(i) / basket_net)
                           : 0;
            given += share[i];
        }
        for (size_t i = 0; i < lines.size() && given < basket_off; ++i)
            if (net(i) - share[i] > 0) {
                int64_t more = std::min(basket_off - given, net(i) - share[i]);
                share[i] += more;
                given += more;
            }
        for (size_t i = 0; i < lines.size(); ++i) out.lines[i].discount_minor += share[i];
        basket_net -= basket_off;
    }

    // 3. Bonus offers on the net: per line the largest extra bonus and the largest extra points.
    std::map<int64_t, int64_t> bonus_net, points_net;  // offer id -> the net it earns on
    std::vector<const PricedOffer*> line_bonus(lines.size(), nullptr), line_points(lines.size(), nullptr);
    for (size_t k = 0; k < offers.size(); ++k) {  // in offer order, as a scan of the offers per line would
        const auto& o = offers[k];
        if (o.kind != OfferKind::kExtraBonus && o.kind != OfferKind::kExtraPoints) continue;
        for (size_t i : matching[k]) {
            auto& bonus = line_bonus[i];
            auto& points = line_points[i];
            if (o.kind == OfferKind::kExtraBonus && (!bonus || o.bonus_bp > bonus->bonus_bp)) bonus = &o;
            if (o.kind == OfferKind::kExtraPoints && (!points || o.points_per_unit > points->points_per_unit))
                points = &o;
        }
    }
    for (size_t i = 0; i < lines.size(); ++i) {
        if (line_bonus[i]) bonus_net[line_bonus[i]->id] += net(i);
        if (line_points[i]) points_net[line_points[i]->id] += net(i);
    }
    for (const auto& o : offers) {
        if (o.kind == OfferKind::kExtraBonus && bonus_net[o.id] > 0) {
            int64_t b = ApplyBasisPoints(bonus_net[o.id], o.bonus_bp);
            if (b > 0) {
                auto& u = use(o);
                u.units = 1;
                u.bonus_minor = b;
                out.bonus_minor += b;
            }
        } else if (o.kind == OfferKind::kExtraPoints && points_net[o.id] > 0) {
            int64_t p = points_net[o.id] / 100 * o.points_per_unit;
            if (p > 0) {
                auto& u = use(o);
                u.units = 1;
                u.points = p;
                out.points += p;
            }
        } else if (o.kind == OfferKind::kPointsBonus) {
            int64_t target_net = 0;
            bool holds = false;
            for (size_t i : matching[static_cast<size_t>(&o - offers.data())])
                if (lines[i].quantity > 0) {
                    holds = true;
                    target_net += net(i);
                }
            if (o.target == OfferTarget::kBasket) target_net = basket_net;
            if (holds && target_net >= o.min_spend_minor && o.points > 0) {
                auto& u = use(o);
                u.units = 1;
                u.points = o.points;
                out.points += o.points;
            }
        }
    }
    for (const auto& l : out.lines) out.discount_minor += l.discount_minor;
    return out;
}

}  // namespace andel::core
