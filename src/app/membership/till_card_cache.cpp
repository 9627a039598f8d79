#include "app/membership/till_card_cache.hpp"

#include <spdlog/spdlog.h>

#include <exception>

#include "store/membership/membership_repository.hpp"

namespace andel::app {
namespace {

constexpr int kChangesPerRead = 5'000;
constexpr auto kPruneEvery = std::chrono::minutes(1);

int64_t NowMillis() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

TillCardCache::TillCardCache(store::Database& db, Options options) : db_(db), options_(options) {}

TillCardCache::~TillCardCache() {
    {
        std::lock_guard g(run_mu_);
        stopping_ = true;
    }
    run_cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void TillCardCache::Start() {
    thread_ = std::thread([this] { Run(); });
}

size_t TillCardCache::size() const {
    std::shared_lock g(table_mu_);
    return table_.size();
}

TillCardTable::Found TillCardCache::Find(int64_t card_number, store::TillIdentityRecord& out) {
    if (!ready()) return TillCardTable::Found::kAskDatabase;
    const uint64_t writes = db_.WritesReturned();
    if (writes > writes_seen_.load(std::memory_order_acquire)) {
        // This process wrote since the copy last read: catch up before answering. If another thread is at
        // it (or the copy is being read again), the database answers this one.
        std::unique_lock g(sync_mu_, std::try_to_lock);
        if (!g.owns_lock()) return TillCardTable::Found::kAskDatabase;
        if (writes > writes_seen_.load(std::memory_order_acquire)) {
            try {
                const uint64_t noted = db_.WritesReturned();
                if (!Follow()) {
                    MustReload();  // the thread reads it all again
                    return TillCardTable::Found::kAskDatabase;
                }
                writes_seen_.store(noted, std::memory_order_release);
            } catch (const std::exception& e) {
                spdlog::warn(R"({{"msg":"till cache: catching up failed","error":"{}"}})", e.what());
                return TillCardTable::Found::kAskDatabase;
            }
        }
    }
    std::shared_lock g(table_mu_);
    return table_.Find(card_number, out);
}

void TillCardCache::Reload() {
    std::lock_guard g(sync_mu_);
    MustReload();
    {
        // The old copy goes first, so a reading never holds two.
        std::unique_lock t(table_mu_);
        table_ = TillCardTable();
    }
    const auto started = std::chrono::steady_clock::now();
    const uint64_t noted = db_.WritesReturned();
    auto c = db_.Read();
    // One snapshot for the position and every page, so the changes after the position are exactly those
    // the pages do not hold.
    c->ExecScript(c->engine() == store::Engine::kPostgres ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                                                          : "BEGIN");
    try {
        store::MembershipRepository repo(*c);
        const int64_t head = repo.TillCardChangesHead();
        auto count = c->QueryOne("SELECT COUNT(*) FROM till_cards");
        TillCardTable table(count ? static_cast<size_t>(count->Int(0)) : 0);
        int64_t after = 0;
        for (;;) {
            auto page = repo.TillCardsAfter(after, options_.page);
            for (const auto& row : page) table.Put(row.card_number, row.identity);
            if (static_cast<int>(page.size()) < options_.page) break;
            after = page.back().card_number;
        }
        c->ExecScript("COMMIT");
        {
            std::unique_lock t(table_mu_);
            table_ = std::move(table);
        }
        seq_ = head;
    } catch (...) {
        try {
            c->ExecScript("ROLLBACK");
        } catch (...) {
            // A broken connection: the pool resets it.
        }
        throw;
    }
    if (!Follow()) return;  // pruned or filled in bulk while reading: the thread reads again
    writes_seen_.store(noted, std::memory_order_release);
    must_reload_ = false;
    ready_.store(true, std::memory_order_release);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::shared_lock t(table_mu_);
    spdlog::info(R"({{"msg":"till cache loaded","cards":{},"megabytes":{:.1f},"seconds":{:.2f}}})",
                 table_.size(), static_cast<double>(table_.bytes()) / 1e6, seconds);
}

void TillCardCache::CatchUp() {
    std::lock_guard g(sync_mu_);
    if (must_reload_) return;
    const uint64_t noted = db_.WritesReturned();
    if (!Follow()) {
        MustReload();
        return;
    }
    writes_seen_.store(noted, std::memory_order_release);
    ready_.store(true, std::memory_order_release);  // again, after the database was away
}

void TillCardCache::MustReload() {
    must_reload_ = true;
    ready_.store(false, std::memory_order_release);
}

bool TillCardCache::Follow() {
    auto c = db_.Read();
    store::MembershipRepository repo(*c);
    for (;;) {
        auto read = repo.TillCardChangesAfter(seq_, kChangesPerRead);
        if (read.pruned_through > seq_) return false;  // changes this copy never saw are gone
        if (read.changes.empty()) return true;
        for (const auto& change : read.changes)
            if (!change.card_number) return false;  // filled in bulk
        {
            std::unique_lock t(table_mu_);
            for (const auto& change : read.changes) {
                if (change.now)
                    table_.Put(*change.card_number, *change.now);
                else
                    table_.Remove(*change.card_number);
            }
        }
        seq_ = read.changes.back().seq;
        if (static_cast<int>(read.changes.size()) < kChangesPerRead) return true;
    }
}

void TillCardCache::PruneIfDue() {
    const auto now = std::chrono::steady_clock::now();
    if (now < next_prune_) return;
    next_prune_ = now + kPruneEvery;
    try {
        store::Transaction tx(db_);
        int64_t gone = store::MembershipRepository(tx.conn()).PruneTillCardChanges(
            NowMillis() - options_.keep_changes.count());
        tx.Commit();
        if (gone > 0) spdlog::debug(R"({{"msg":"till cache: changes pruned","rows":{}}})", gone);
    } catch (const std::exception& e) {
        // Another node pruning at the same moment, a busy writer: next minute.
        spdlog::warn(R"({{"msg":"till cache: pruning failed","error":"{}"}})", e.what());
    }
}

void TillCardCache::Run() {
    bool failing = false;
    for (;;) {
        try {
            bool reload = false;
            {
                std::lock_guard g(sync_mu_);
                reload = must_reload_;
            }
            if (reload)
                Reload();
            else
                CatchUp();
            PruneIfDue();
            if (failing) spdlog::info(R"({"msg":"till cache: following the database again"})");
            failing = false;
        } catch (const std::exception& e) {
            // The database went away: it answers (or fails) itself until the copy has caught up again.
            if (!failing) spdlog::warn(R"({{"msg":"till cache: reading failed","error":"{}"}})", e.what());
            failing = true;
            ready_.store(false, std::memory_order_release);
        }
        std::unique_lock g(run_mu_);
        if (run_cv_.wait_for(g, failing ? std::chrono::milliseconds(1000) : options_.poll_every,
                             [this] { return stopping_; }))
            return;
    }
}

}  // namespace andel::app
