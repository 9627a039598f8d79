#include "app/offers/personalise_service.hpp"

#include <algorithm>
#include <chrono>
#include <future>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "app/jobs/job_lease.hpp"
#include "app/local_time.hpp"
#include "app/offers/offer_service.hpp"
#include "app/transaction.hpp"
#include "core/catalogue/ean.hpp"
#include "core/offers/purchase_lines.hpp"
#include "store/catalogue/catalogue_repository.hpp"
#include "store/offers/offer_repository.hpp"
#include "store/offers/personalise_repository.hpp"

namespace andel::app {
namespace {

using core::Error;
using core::Result;

constexpr const char* kJob = "personalise";
constexpr int64_t kLeaseMillis = 10 * 60 * 1000;

struct PoolOffer {
    int64_t id = 0;
    bool members_only = true;
};

// The market's pool and the items (products, interned as they are met on receipts) each offer targets.
class MarketPool {
  public:
    MarketPool(store::Connection& c, const std::string& market, const std::string& today) {
        for (const auto& r : store::OfferRepository(c).List(market)) {
            if (r.audience != "personal" || r.status != "active" || r.valid_to < today) continue;
            if (r.limit_total && r.redeemed >= *r.limit_total) continue;  // used up
            if (r.target_kind == "basket") continue;  // no product to have an affinity for: the back office's
            auto view = ViewOf(r, today);
            const int32_t index = pool_.AddOffer(r.id);
            offers_.emplace(r.id, PoolOffer{r.id, r.members_only});
            if (r.target_kind == "products")
                for (const auto& ean : view.priced.eans) by_item_[ean].push_back(index);
            else
                by_category_[view.priced.category].push_back(index);
        }
        store::PersonaliseRepository repo(c);
        product_category_ = repo.ProductCategories(market);
        for (auto& cat : store::CatalogueRepository(c).ListCategories(market))
            categories_.emplace(cat.id, std::move(cat));
    }
    bool empty() const { return offers_.empty(); }
    size_t size() const { return offers_.size(); }
    const core::OfferPool& pool() const { return pool_; }
    const PoolOffer& offer(int64_t id) const { return offers_.at(id); }
    bool contains(int64_t id) const { return offers_.count(id) > 0; }

    // The item of a receipt line, linked to the offers on it when first met: by its EAN, and by its
    // catalogue category and those above it (or, for a product not in the catalogue, the till's category).
    // The same SKU text is always the same item, so it is looked up as written first.
    int32_t Item(std::string_view sku, std::string_view line_category) {
        if (auto it = by_sku_.find(sku); it != by_sku_.end()) return it->second;
        const int32_t item = NewItem(sku, line_category);
        by_sku_.emplace(std::string(sku), item);
        return item;
    }

  private:
    int32_t NewItem(std::string_view sku, std::string_view line_category) {
        const std::string key = core::NormaliseEan(sku).value_or(std::string(sku));
        const size_t before = items_.size();
        const int32_t item = items_.Intern(key);
        if (items_.size() == before) return item;
        if (auto it = by_item_.find(key); it != by_item_.end())
            for (int32_t o : it->second) pool_.Link(item, o);
        std::vector<std::string> chain;
        if (auto p = product_category_.find(key); p != product_category_.end()) {
            for (std::optional<int64_t> id = p->second; id && chain.size() < 32;) {
                auto cat = categories_.find(*id);
                if (cat == categories_.end()) break;
                chain.push_back(cat->second.code);
                id = cat->second.parent_id;
            }
        } else if (!line_category.empty()) {
            chain.emplace_back(line_category);
        }
        for (const auto& code : chain)
            if (auto it = by_category_.find(code); it != by_category_.end())
                for (int32_t o : it->second) pool_.Link(item, o);
        return item;
    }
    struct StringHash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    core::OfferPool pool_;
    core::ItemIndex items_;
    std::map<int64_t, PoolOffer> offers_;
    std::map<std::string, std::vector<int32_t>> by_item_, by_category_;
    std::map<std::string, int64_t> product_category_;
    std::map<int64_t, store::CategoryRecord> categories_;
    std::unordered_map<std::string, int32_t, StringHash, std::equal_to<>> by_sku_;
};

// Receipts to baskets per member (in the order read: by member, time and id, so scores are reproducible).
std::map<int64_t, core::History> Histories(const std::vector<store::PurchaseRecord>& rows, MarketPool& pool,
                                           core::PurchaseLinesReader& reader) {
    std::map<int64_t, core::History> out;
    for (const auto& r : rows) {
        core::Basket b;
        b.at = r.occurred_at;
        for (const auto& l : reader.Read(r.lines_json)) {
            if (l.quantity <= 0) continue;  // a returned line
            const int32_t item = pool.Item(l.sku, l.category);
            if (std::find(b.items.begin(), b.items.end(), item) == b.items.end()) b.items.push_back(item);
        }
        if (!b.items.empty()) out[r.member_id].push_back(std::move(b));
    }
    return out;
}

// The training sample's histories, kept from the learning pass so that the scoring does not read those
// receipts again: flat, about 12 bytes a basket and 4 an item (some 160 MB for 200 000 members of 22
// receipts of 6 products).
class PackedHistories {
  public:
    void Add(int64_t member, const core::History& history) {
        members_[member] = {at_.size(), history.size(), items_.size()};
        for (const auto& b : history) {
            at_.push_back(b.at);
            items_.push_back(static_cast<int32_t>(b.items.size()));
            items_.insert(items_.end(), b.items.begin(), b.items.end());
        }
    }
    // The member's baskets into `out` (reusing its space); false when none were kept.
    bool Get(int64_t member, core::History& out) const {
        auto it = members_.find(member);
        if (it == members_.end()) return false;
        const auto& m = it->second;
        out.resize(m.baskets);
        size_t item = m.first_item;
        for (size_t i = 0; i < m.baskets; ++i) {
            const auto n = static_cast<size_t>(items_[item++]);
            out[i].at = at_[m.first_basket + i];
            out[i].items.assign(items_.begin() + static_cast<std::ptrdiff_t>(item),
                                items_.begin() + static_cast<std::ptrdiff_t>(item + n));
            item += n;
        }
        return true;
    }

  private:
    struct Span {
        size_t first_basket = 0, baskets = 0, first_item = 0;
    };
    std::unordered_map<int64_t, Span> members_;
    std::vector<int64_t> at_;     // per basket
    std::vector<int32_t> items_;  // per basket: its item count, then its items
};

// The receipts of a list of batches of members, in [from, to): the next batch is read on another thread
// (the second core) while the caller works on the one it has.
class ReadAhead {
  public:
    ReadAhead(store::Database& db, int64_t from, int64_t to, const std::vector<std::vector<int64_t>>& batches)
        : db_(db), from_(from), to_(to), batches_(batches) {
        Start();
    }
    // The next batch's receipts, in order (by member, time and id); call once per batch.
    std::vector<store::PurchaseRecord> Next() {
        auto rows = ahead_.get();
        Start();
        return rows;
    }

  private:
    void Start() {
        if (next_ >= batches_.size()) return;
        ahead_ = std::async(std::launch::async, [this, &ids = batches_[next_++]] {
            std::vector<store::PurchaseRecord> rows;
            if (ids.empty()) return rows;
            auto c = db_.Read();
            return store::PersonaliseRepository(*c).Purchases(ids, from_, to_);
        });
    }
    store::Database& db_;
    int64_t from_, to_;
    const std::vector<std::vector<int64_t>>& batches_;
    size_t next_ = 0;
    std::future<std::vector<store::PurchaseRecord>> ahead_;
};

// Monday 00:00 UTC of the week holding `today`.
int64_t WeekStart(core::Date today, core::Date* monday) {
    const std::chrono::sys_days day(today);
    const auto back = std::chrono::days((std::chrono::weekday(day).iso_encoding() + 6) % 7);
    *monday = core::Date(day - back);
    return core::ToMillis(core::Timestamp(day - back));
}

}  // namespace

Result<PersonaliseReport> PersonaliseService::Run(const std::function<void(int64_t, int64_t)>& progress) {
    const auto started = std::chrono::steady_clock::now();
    auto taken = JobLease::Take(db_, kJob, core::ToMillis(clock_.Now()), kLeaseMillis);
    if (!taken) return taken.error();
    std::optional<JobLease> lease = std::move(*taken);
    LeaseGuard guard(db_, lease);
    auto renew = [&](store::Connection& c) -> Result<bool> {
        if (!lease->Renew(c, core::ToMillis(clock_.Now())))
            return Error::Conflict("the personalise job's lease was taken over");
        return true;
    };
    const int64_t batch = std::max<int64_t>(1, options_.batch);
    PersonaliseReport report;
    for (const auto& [market, rules] : markets_) {
        core::Date today = LocalDate(rules.time_zone, clock_.Now()), monday;
        const int64_t as_of = WeekStart(today, &monday);
        const int64_t from = as_of - options_.history_days * core::kDayMillis;
        report.week = core::FormatDate(monday);

        // R_PRIV_2: the selections of members who withdrew the consent (or whose membership ended) go first.
        for (int64_t after = 0;;) {
            std::vector<int64_t> ids;
            {
                auto c = db_.Read();
                ids = store::PersonaliseRepository(*c).SelectedWithoutConsent(market, kPurpose, after, batch);
            }
            if (ids.empty()) break;
            after = ids.back();
            auto removed = InTransaction(db_, [&](store::Connection& c) -> Result<int64_t> {
                ANDEL_TRY(renew(c));
                // Decided again inside the transaction: a consent given meanwhile keeps the selections.
                std::vector<int64_t> still;
                store::PersonaliseRepository repo(c);
                for (int64_t id : repo.SelectedWithoutConsent(market, kPurpose, ids.front() - 1, batch))
                    if (id <= after) still.push_back(id);
                return repo.RemoveAllSelections(still);
            });
            if (!removed) return removed.error();
            report.revoked += *removed;
        }

        std::optional<MarketPool> pool;
        std::vector<store::PersonaliseMember> members;
        {
            auto c = db_.Read();
            pool.emplace(*c, market, core::FormatDate(today));
            if (pool->empty()) continue;
            store::PersonaliseRepository repo(*c);
            for (int64_t after = 0;;) {
                auto page = repo.ConsentingMembers(market, kPurpose, after, 10'000);
                if (page.empty()) break;
                after = page.back().id;
                members.insert(members.end(), page.begin(), page.end());
            }
        }
        report.pool += static_cast<int64_t>(pool->size());
        if (members.empty()) continue;

        // The co-occurrence, from the receipts of consenting members only (every stride-th, at most
        // max_training_members of them).
        core::CooccurrenceModel model(options_.params);
        const size_t stride =
            static_cast<size_t>((static_cast<int64_t>(members.size()) + options_.max_training_members - 1) /
                                std::max<int64_t>(1, options_.max_training_members));
        std::vector<int64_t> sample;
        std::vector<bool> sampled(members.size(), false);
        for (size_t i = 0; i < members.size(); i += std::max<size_t>(1, stride)) {
            sample.push_back(members[i].id);
            sampled[i] = true;
        }
        // The sample's histories are kept for the scoring: every member's receipts are read once.
        core::PurchaseLinesReader reader;
        PackedHistories kept;
        std::vector<std::vector<int64_t>> sample_batches;
        for (size_t i = 0; i < sample.size(); i += static_cast<size_t>(batch))
            sample_batches.emplace_back(sample.begin() + static_cast<std::ptrdiff_t>(i),
                                        sample.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                             sample.size(), i + static_cast<size_t>(batch))));
        ReadAhead training(db_, from, as_of, sample_batches);
        for (size_t i = 0; i < sample_batches.size(); ++i)
            for (const auto& [member, history] : Histories(training.Next(), *pool, reader)) {
                for (const auto& b : history) model.AddBasket(b.items);
                kept.Add(member, history);
            }
        model.Finish();
        report.training_baskets += model.baskets();

        // Each member's choice, written per batch: what is chosen and not held is added; the job's own
        // selections from this pool no longer chosen are withdrawn unless activated.
        core::MemberScorer scorer(model, options_.params);
        const auto k = static_cast<size_t>(std::max<int64_t>(0, options_.offers_per_member));
        core::History unpacked;
        std::vector<std::vector<int64_t>> unread_batches;  // the members whose receipts were not kept
        for (size_t i = 0; i < members.size(); i += static_cast<size_t>(batch)) {
            auto& unread = unread_batches.emplace_back();
            for (size_t j = i; j < std::min(members.size(), i + static_cast<size_t>(batch)); ++j)
                if (!sampled[j]) unread.push_back(members[j].id);
        }
        ReadAhead scoring(db_, from, as_of, unread_batches);
        for (size_t i = 0; i < members.size(); i += static_cast<size_t>(batch)) {
            const size_t end = std::min(members.size(), i + static_cast<size_t>(batch));
            std::vector<int64_t> ids;
            for (size_t j = i; j < end; ++j) ids.push_back(members[j].id);
            auto histories = Histories(scoring.Next(), *pool, reader);
            std::map<int64_t, std::vector<int64_t>> chosen;
            for (size_t j = i; j < end; ++j) {
                const auto& m = members[j];
                const core::History* history = nullptr;
                if (sampled[j]) {
                    if (kept.Get(m.id, unpacked)) history = &unpacked;
                } else if (auto h = histories.find(m.id); h != histories.end()) {
                    history = &h->second;
                }
                if (!history) continue;
                auto& mine = chosen[m.id];
                for (const auto& r : scorer.RankOffers(*history, as_of, pool->pool(), pool->size())) {
                    if (mine.size() >= k) break;
                    if (pool->offer(r.offer_id).members_only && m.kind != "member") continue;  // R_MEM_1
                    mine.push_back(r.offer_id);
                }
            }
            const int64_t now = core::ToMillis(clock_.Now());
            auto written =
                InTransaction(db_, [&](store::Connection& c) -> Result<std::pair<int64_t, int64_t>> {
                    ANDEL_TRY(renew(c));
                    store::PersonaliseRepository repo(c);
                    auto held = repo.Selections(ids);
                    std::vector<std::pair<int64_t, int64_t>> add, remove;  // (offer, member)
                    for (int64_t id : ids) {
                        const auto& mine = chosen[id];
                        const auto& theirs = held[id];
                        for (int64_t offer : mine) {
                            bool has = std::any_of(theirs.begin(), theirs.end(),
                                                   [&](const auto& s) { return s.offer_id == offer; });
                            if (!has) add.emplace_back(offer, id);
                        }
                        for (const auto& s : theirs) {
                            if (s.source != "personalise" || s.activated || !pool->contains(s.offer_id))
                                continue;
                            if (std::find(mine.begin(), mine.end(), s.offer_id) != mine.end()) continue;
                            remove.emplace_back(s.offer_id, id);
                        }
                    }
                    const int64_t added = repo.AddSelections(add, now);
                    const int64_t withdrawn = repo.RemoveSelections(remove);
                    return std::pair{added, withdrawn};
                });
            if (!written) return written.error();
            report.selected += written->first;
            report.withdrawn += written->second;
            report.members += static_cast<int64_t>(end - i);
            if (progress) progress(static_cast<int64_t>(end), static_cast<int64_t>(members.size()));
        }
    }
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

}  // namespace andel::app
