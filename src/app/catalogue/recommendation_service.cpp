#include "app/catalogue/recommendation_service.hpp"

#include <algorithm>
#include <unordered_map>

#include "core/catalogue/ean.hpp"
#include "core/offers/purchase_lines.hpp"
#include "store/catalogue/recommendation_repository.hpp"

namespace andel::app {
namespace {

// The distinct products (EANs) of a receipt's sales lines, at most `max` of them, as ids from `id_of`.
template <typename IdOf>
std::vector<int32_t> BasketItems(core::PurchaseLinesReader& reader, const std::string& lines_json, size_t max,
                                 IdOf&& id_of) {
    std::vector<int32_t> items;
    for (const auto& l : reader.Read(lines_json)) {
        if (items.size() >= max) break;
        if (l.quantity <= 0) continue;  // a returned line
        auto ean = core::NormaliseEan(l.sku);
        if (!ean) continue;  // not a catalogue product
        const int32_t id = id_of(*ean);
        if (std::find(items.begin(), items.end(), id) == items.end()) items.push_back(id);
    }
    return items;
}

}  // namespace

struct RecommendationService::Model {
    explicit Model(const core::RecommenderParams& params) : cooccurrence(params) {}
    core::ItemIndex items;
    core::CooccurrenceModel cooccurrence;
    int64_t built_at = 0;
};

std::shared_ptr<const RecommendationService::Model> RecommendationService::ModelFor(store::Connection& c,
                                                                                    const std::string& market,
                                                                                    int64_t now) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& slot = models_[market];
    if (slot && now >= slot->built_at && now - slot->built_at < options_.model_max_age_ms) return slot;
    auto model = std::make_shared<Model>(options_.params);
    store::RecommendationRepository repo(c);
    const auto members = repo.ConsentingMembers(market, kPurpose, options_.training_members);
    core::PurchaseLinesReader reader;
    for (const auto& r : repo.Purchases(members, now - options_.history_days * core::kDayMillis, now + 1,
                                        options_.max_training_receipts))
        model->cooccurrence.AddBasket(
            BasketItems(reader, r.lines_json, options_.params.max_basket_items,
                        [&](const std::string& ean) { return model->items.Intern(ean); }));
    model->cooccurrence.Finish();
    model->built_at = now;
    slot = model;
    return slot;
}

MemberAffinities RecommendationService::ForMember(int64_t member_id) {
    auto c = db_.Read();
    return ForMember(*c, member_id);
}

MemberAffinities RecommendationService::ForMember(store::Connection& c, int64_t member_id) {
    MemberAffinities out;
    store::RecommendationRepository repo(c);
    auto member = repo.Member(member_id);
    if (!member) return out;
    out.market = member->market;
    if (!repo.Consented(member_id, kPurpose)) return out;  // R_OFF_4, R_PRIV_2
    out.consented = true;
    const int64_t now = core::ToMillis(clock_.Now());
    auto rows = repo.MemberPurchases(member_id, now - options_.history_days * core::kDayMillis, now + 1,
                                     options_.max_history_receipts);
    if (rows.empty()) return out;
    auto model = ModelFor(c, member->market, now);

    // The member's products as the model's ids; one the model never saw gets an id after the model's own
    // (it has no neighbours, but its own purchases still count).
    std::vector<std::string> extra;
    std::unordered_map<std::string, int32_t> extra_ids;
    const auto known = static_cast<int32_t>(model->items.size());
    auto id_of = [&](const std::string& ean) {
        if (int32_t id = model->items.Find(ean); id >= 0) return id;
        auto [it, added] = extra_ids.try_emplace(ean, known + static_cast<int32_t>(extra.size()));
        if (added) extra.push_back(ean);
        return it->second;
    };
    core::PurchaseLinesReader reader;
    core::History history;
    for (const auto& r : rows) {
        core::Basket b;
        b.at = r.occurred_at;
        b.items = BasketItems(reader, r.lines_json, options_.params.max_basket_items, id_of);
        if (!b.items.empty()) history.push_back(std::move(b));
    }
    core::MemberScorer scorer(model->cooccurrence, options_.params);
    for (const auto& s : scorer.Score(history, now + 1)) {
        if (out.products.size() >= options_.max_products) break;
        out.products.push_back(
            {s.item < known ? model->items.Name(s.item) : extra.at(static_cast<size_t>(s.item - known)),
             s.score});
    }
    return out;
}

}  // namespace andel::app
