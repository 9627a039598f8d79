#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <thread>

#include "app/membership/till_card_table.hpp"
#include "store/database.hpp"

namespace andel::app {

// A copy of till_cards in memory, so a till's look-up by card (R_CARD_2) reads no database at all.
//
// Kept current from till_card_changes (migration 0026), the sequence of cards whose row changed, written by
// triggers in the same transaction as the change:
// - this process's own changes are seen at once: before answering, a look-up that finds the database's count
//   of returned write connections moved since the copy last read catches up first (one indexed read of what
//   changed), so a card blocked on this node stops identifying here at the commit that blocked it;
// - other processes' changes (other nodes on PostgreSQL, a command on the same SQLite file) within
//   `poll_every`: a thread reads what changed that often;
// - changes older than `keep_changes` are pruned by any node; a copy that missed pruned changes (a process
//   stopped for longer), or that is told of a bulk fill, reads the whole table again, answering from the
//   database meanwhile.
// Until the first full read has finished the database answers, so start-up does not wait for it.
class TillCardCache {
  public:
    struct Options {
        std::chrono::milliseconds poll_every{50};
        std::chrono::milliseconds keep_changes{std::chrono::minutes(10)};
        int page = 20'000;  // rows per statement while reading the whole table
    };
    TillCardCache(store::Database& db, Options options);
    ~TillCardCache();  // stops the thread
    TillCardCache(const TillCardCache&) = delete;
    TillCardCache& operator=(const TillCardCache&) = delete;

    // Starts the thread that reads the table, then follows the changes.
    void Start();

    // kYes fills `out`; kNo: no active card with that number; kAskDatabase: the copy cannot tell (not read
    // yet, reading again, or a row it could not hold). Catches up first when this process wrote since.
    TillCardTable::Found Find(int64_t card_number, store::TillIdentityRecord& out);

    // For tests and start-up: read the whole table now; bring the copy up to date now.
    void Reload();
    void CatchUp();

    bool ready() const { return ready_.load(std::memory_order_acquire); }
    size_t size() const;

  private:
    void Run();
    // Applies what changed since the copy's position; false when the copy must be read again.
    bool Follow();
    void MustReload();  // under sync_mu_
    void PruneIfDue();

    store::Database& db_;
    Options options_;
    std::mutex sync_mu_;  // one reader of the database at a time: Reload, CatchUp
    mutable std::shared_mutex table_mu_;
    TillCardTable table_;
    std::atomic<bool> ready_{false};
    bool must_reload_ = true;               // under sync_mu_
    int64_t seq_ = 0;                       // the newest change applied (under sync_mu_)
    std::atomic<uint64_t> writes_seen_{0};  // db_.WritesReturned() noted before the last catch-up read
    std::chrono::steady_clock::time_point next_prune_{};

    std::mutex run_mu_;
    std::condition_variable run_cv_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace andel::app
