#include "cli/bench_recommend.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

#include "app/demo/generator.hpp"
#include "app/offers/personalise_service.hpp"
#include "core/clock.hpp"
#include "core/offers/purchase_generator.hpp"
#include "core/offers/recommend.hpp"
#include "store/migrator.hpp"
#include "store/offers/offer_repository.hpp"

namespace andel::cli {
namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// The generated product's EAN-13 (prefix 200, in-store numbering) with its check digit.
std::string Ean(int32_t product) {
    char body[16];
    std::snprintf(body, sizeof body, "200%09d", product);
    int sum = 0;
    for (int i = 0; i < 12; ++i) sum += (body[i] - '0') * (i % 2 == 0 ? 1 : 3);
    return std::string(body) + char('0' + (10 - sum % 10) % 10);
}

// A pool like a week's: 150 product offers on 1-5 products each and 50 category offers, by popularity.
struct GeneratedOffer {
    std::vector<int32_t> products;
    int32_t category = -1;
};
std::vector<GeneratedOffer> MakeOffers(const core::PurchaseWorld& w, uint64_t seed) {
    core::SplitMix rng(seed * 31 + 7);
    std::vector<GeneratedOffer> out;
    for (int i = 0; i < 150; ++i) {
        GeneratedOffer o;
        for (int64_t n = rng.Between(1, 5); n > 0; --n) o.products.push_back(rng.Pick(w.popularity_cdf));
        out.push_back(o);
    }
    for (int i = 0; i < 50; ++i) {
        GeneratedOffer o;
        o.category = static_cast<int32_t>(rng.Between(0, w.options.categories - 1));
        out.push_back(o);
    }
    return out;
}

void PrintEvaluation(const core::PurchaseWorld& w, const BenchRecommendOptions& options) {
    auto started = Clock::now();
    std::vector<core::History> members;
    int64_t baskets = 0, lines = 0;
    for (int64_t m = 0; m < options.eval_members; ++m) {
        members.push_back(core::GenerateMember(w, static_cast<uint64_t>(m)));
        for (const auto& b : members.back()) {
            ++baskets;
            lines += static_cast<int64_t>(b.items.size());
        }
    }
    std::printf(
        "generated: %d products in %d categories, %zu groups bought together; %lld members over %d weeks "
        "(the last hidden): %.1f receipts per member, %.1f products per receipt (%.1f s)\n",
        w.options.products, w.options.categories, w.groups.size(),
        static_cast<long long>(options.eval_members), w.options.weeks,
        double(baskets) / double(options.eval_members), double(lines) / double(baskets), Since(started));
    core::RecommenderParams defaults;
    struct Variant {
        const char* name;
        core::RecommenderParams params;
    };
    std::vector<Variant> variants = {{"recommender (recency/frequency + co-occurrence)", defaults}};
    auto rf_only = defaults;
    rf_only.cooccurrence_weight = 0;
    auto frequency_only = rf_only;
    frequency_only.half_life_days = 0;
    auto co_only = defaults;
    co_only.recency_frequency_weight = 0;
    co_only.cooccurrence_weight = 1;
    variants.push_back({"  recency/frequency alone", rf_only});
    variants.push_back({"  frequency alone (no recency)", frequency_only});
    variants.push_back({"  co-occurrence alone", co_only});
    bool first = true;
    core::HiddenWeekResult base;
    for (const auto& v : variants) {
        started = Clock::now();
        auto r = core::EvaluateHiddenWeek(members, w.split_at(), v.params, 10);
        if (first) {
            base = r;
            std::printf("hidden week from %s: %lld members bought %lld (member, product) pairs\n",
                        core::FormatTimestamp(core::FromMillis(w.split_at())).substr(0, 10).c_str(),
                        static_cast<long long>(r.members), static_cast<long long>(r.hidden_items));
            std::printf("hit rate@10 (share of the hidden purchases among the member's 10 products):\n");
            std::printf("  %-50s %.3f\n", "popularity baseline (the 10 most bought)", r.PopularityHitRate());
        }
        std::printf("  %-50s %.3f  = %.2f x the baseline  (%.1f s)\n", v.name, r.RecommenderHitRate(),
                    r.RecommenderHitRate() / std::max(1e-9, r.PopularityHitRate()), Since(started));
        first = false;
    }
    std::printf(
        "members with at least one hit@10: recommender %.3f, popularity %.3f (saturates: most members "
        "buy one of the 10 most popular products in a week)\n",
        base.RecommenderMemberHitRate(), base.PopularityMemberHitRate());
}

void PrintScoringAtScale(const core::PurchaseWorld& w, const BenchRecommendOptions& options) {
    const core::RecommenderParams params;
    const int64_t train =
        std::min<int64_t>(options.scale_members, app::PersonaliseOptions{}.max_training_members);
    const int64_t stride = std::max<int64_t>(1, options.scale_members / train);
    core::CooccurrenceModel model(params);
    double train_seconds = 0;
    for (int64_t m = 0; m < options.scale_members; m += stride) {
        auto h = core::GenerateMember(w, static_cast<uint64_t>(m));
        auto t = Clock::now();
        for (const auto& b : h)
            if (b.at < w.split_at()) model.AddBasket(b.items);
        train_seconds += Since(t);
    }
    auto t = Clock::now();
    model.Finish();
    train_seconds += Since(t);
    core::OfferPool pool;
    auto offers = MakeOffers(w, w.options.seed);
    for (size_t i = 0; i < offers.size(); ++i) {
        const int32_t index = pool.AddOffer(static_cast<int64_t>(i + 1));
        for (int32_t p : offers[i].products) pool.Link(p, index);
        if (offers[i].category >= 0)
            for (int32_t p = 0; p < w.options.products; ++p)
                if (w.category_of[static_cast<size_t>(p)] == offers[i].category) pool.Link(p, index);
    }
    core::MemberScorer scorer(model, params);
    double rank_seconds = 0;
    int64_t chosen = 0;
    constexpr int64_t kChunk = 10'000;
    std::vector<core::History> chunk;
    for (int64_t m = 0; m < options.scale_members; m += kChunk) {
        chunk.clear();
        for (int64_t i = m; i < std::min(options.scale_members, m + kChunk); ++i)
            chunk.push_back(core::GenerateMember(w, static_cast<uint64_t>(i)));  // not timed
        auto started = Clock::now();
        for (const auto& h : chunk)
            chosen += static_cast<int64_t>(scorer.RankOffers(h, w.split_at(), pool, 5).size());
        rank_seconds += Since(started);
    }
    std::printf(
        "scoring in memory, one thread: the co-occurrence from %lld members' %lld receipts in %.1f s; "
        "ranking a pool of %zu offers (150 on products, 50 on categories) for %lld members in %.1f s "
        "(%.1f us each, %.2f offers chosen each; generating the histories not counted)\n",
        static_cast<long long>((options.scale_members + stride - 1) / stride),
        static_cast<long long>(model.baskets()), train_seconds, pool.size(),
        static_cast<long long>(options.scale_members), rank_seconds,
        rank_seconds * 1e6 / double(options.scale_members), double(chosen) / double(options.scale_members));
}

int PrintJobOnDatabase(const app::Config& cfg, const core::PurchaseWorld& w,
                       const BenchRecommendOptions& options) {
    std::string url = options.database;
    std::string path;
    if (url.empty()) {
        path = "/tmp/andel-bench-recommend-" + std::to_string(getpid()) + ".db";
        url = "sqlite:" + path;
    }
    std::map<std::string, core::MarketRules> markets;
    markets.emplace("dk", cfg.markets.at("dk"));
    core::FixedClock clock(core::FromMillis(w.split_at() + 12 * 3600 * 1000));  // Monday of the hidden week
    auto db = store::Open(url);
    store::Migrate(*db, core::ToMillis(clock.Now()));
    auto started = Clock::now();
    app::GenerateOptions gen;
    gen.members = options.db_members;
    gen.seed = options.seed;
    app::GenerateMembers(*db, markets, cfg.national_id_key, clock, gen);
    struct Member {
        int64_t id, household_id, store_id;
    };
    std::vector<Member> members;
    {
        auto c = db->Read();
        for (const auto& r : c->Query(
                 "SELECT m.id, hm.household_id, m.home_store_id FROM members m JOIN household_members hm ON "
                 "hm.member_id = m.id WHERE m.market = 'dk' AND m.kind = 'member' AND m.home_store_id IS NOT "
                 "NULL ORDER BY m.id"))
            members.push_back({r.Int(0), r.Int(1), r.Int(2)});
    }
    int64_t receipts = 0;
    const int64_t now = core::ToMillis(clock.Now());
    {
        store::Transaction tx(*db);
        auto& c = tx.conn();
        store::OfferRepository offers(c);
        auto generated = MakeOffers(w, w.options.seed);
        for (size_t i = 0; i < generated.size(); ++i) {
            if (generated[i].products.empty()) continue;  // no catalogue here: product offers only
            store::OfferRecord o;
            o.code = "bench-personal-" + std::to_string(i);
            o.market = "dk";
            o.title = o.description = o.code;
            o.kind = "percent_off";
            o.target_kind = "products";
            nlohmann::json eans = nlohmann::json::array();
            for (int32_t p : generated[i].products) eans.push_back(Ean(p));
            o.target = eans.dump();
            o.params_json = R"({"percent_bp":1000})";
            o.audience = "personal";
            o.segment_json = "{}";
            o.valid_from = "2026-11-23";
            o.valid_to = "2026-11-29";
            o.created_at = o.updated_at = now;
            o.created_by = "bench";
            offers.Insert(o);
        }
        // Receipts are stored in the order they happen, as tills send them (a member's receipts spread
        // over the table, not side by side).
        struct Sale {
            size_t member;
            core::Basket basket;
        };
        std::vector<Sale> sales;
        for (size_t i = 0; i < members.size(); ++i) {
            c.Execute(
                "INSERT INTO consent_events (member_id, purpose, given, channel, text_version, actor, at) "
                "VALUES "
                "($1, 'personalised_offers', 1, 'app', 'bench', 'bench', $2)",
                {store::Int(members[i].id), store::Int(now)});
            for (auto& b : core::GenerateMember(w, i))
                if (b.at < w.split_at()) sales.push_back({i, std::move(b)});
        }
        std::stable_sort(sales.begin(), sales.end(),
                         [](const Sale& a, const Sale& b) { return a.basket.at < b.basket.at; });
        for (const auto& [i, b] : sales) {
            const auto& m = members[i];
            nlohmann::json lines = nlohmann::json::array();
            for (int32_t p : b.items) lines.push_back({Ean(p), "groceries", 1, 2500, 0});
            const auto total = static_cast<int64_t>(b.items.size()) * 2500;
            c.Execute(
                "INSERT INTO receipts (store_id, receipt_key, till, occurred_at, month, member_id, "
                "household_id, "
                "currency, total_minor, eligible_minor, bonus_minor, savings_minor, points, "
                "dividend_base_minor, "
                "dividend_minor, lines, tenders, body_hash, created_at) VALUES ($1, $2, 'bench', $3, "
                "202611, $4, "
                "$5, 'DKK', $6, $6, 0, 0, 0, 0, 0, $7, '[]', 'bench', $3)",
                {store::Int(m.store_id), store::Text("bench-" + std::to_string(++receipts)), store::Int(b.at),
                 store::Int(m.id), store::Int(m.household_id), store::Int(total), store::Text(lines.dump())});
        }
        tx.Commit();
    }
    std::printf(
        "the job on %s: %zu consenting members with %lld receipts, 150 personal offers (%.1f s to set up)\n",
        std::string(store::EngineName(db->engine())).c_str(), members.size(),
        static_cast<long long>(receipts), Since(started));
    app::PersonaliseService job(*db, clock, markets);
    auto first = job.Run();
    auto second = job.Run();
    if (!first || !second) {
        std::fprintf(stderr, "andel: %s\n", (!first ? first.error() : second.error()).detail.c_str());
        return 1;
    }
    const double n = double(first->members);
    std::printf("  first run: %.2f s, %lld selections written (%.2f ms per member)\n", first->seconds,
                static_cast<long long>(first->selected), first->seconds * 1e3 / n);
    std::printf("  second run the same week: %.2f s, %lld written, %lld withdrawn (idempotent)\n",
                second->seconds, static_cast<long long>(second->selected),
                static_cast<long long>(second->withdrawn));
    std::printf(
        "  scaled to 1 000 000 members (linear in members: each member's receipts read once, scored, "
        "selections written; the co-occurrence, learnt here from %lld members' receipts, takes at most %lld "
        "there): first run %.0f s, a run with nothing to change %.0f s\n",
        static_cast<long long>(
            std::min<int64_t>(first->members, app::PersonaliseOptions{}.max_training_members)),
        static_cast<long long>(app::PersonaliseOptions{}.max_training_members), first->seconds * 1e6 / n,
        second->seconds * 1e6 / n);
    if (!path.empty())
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    return 0;
}

}  // namespace

int BenchRecommend(const app::Config& cfg, const BenchRecommendOptions& options) {
    core::PurchaseWorldOptions world_options;
    world_options.seed = options.seed;
    const auto world = core::MakePurchaseWorld(world_options);
    std::printf("andel bench recommend (seed %llu)\n", static_cast<unsigned long long>(options.seed));
    PrintEvaluation(world, options);
    std::fflush(stdout);
    PrintScoringAtScale(world, options);
    std::fflush(stdout);
    return PrintJobOnDatabase(cfg, world, options);
}

}  // namespace andel::cli
