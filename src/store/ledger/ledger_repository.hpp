#pragma once
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/ledger/journal.hpp"
#include "core/result.hpp"
#include "store/database.hpp"

namespace andel::store {

struct AccountRecord {
    int64_t id = 0;
    core::AccountRef ref;
    int64_t balance = 0;
};

struct LotRecord {
    int month = 0;  // YYYYMM
    int64_t earned = 0, remaining = 0;
};

struct PostingRecord {
    int64_t entry_id = 0;
    std::string source_kind, source_key, description;
    int64_t occurred_at = 0;
    int64_t amount = 0;
    std::optional<int> lot_month;
};

// The key of an account in the maps below: kind, owner kind, owner id and unit.
std::string AccountKey(const core::AccountRef& ref);

// What PostMany() wrote.
struct PostedBatch {
    std::vector<int64_t> entry_ids;                        // in the order of the entries
    std::unordered_map<std::string, int64_t> account_ids;  // every account posted to, by AccountKey
    std::unordered_map<int64_t, int64_t> balances;  // by account id, after the batch: each account it changed

    // The balance after the batch of the account with this AccountKey, if the batch changed it.
    std::optional<int64_t> BalanceOf(const std::string& account_key) const {
        auto id = account_ids.find(account_key);
        if (id == account_ids.end()) return std::nullopt;
        auto b = balances.find(id->second);
        if (b == balances.end()) return std::nullopt;
        return b->second;
    }
};

// The double-entry ledger. Post() runs inside the caller's transaction; balances are updated in the same
// statement order on both engines, so concurrent posts to one account serialise on its row.
class LedgerRepository {
  public:
    explicit LedgerRepository(Connection& c) : c_(c) {}

    // The id of an account, created on first use.
    int64_t AccountId(const core::AccountRef& ref, int64_t now);
    std::optional<AccountRecord> FindAccount(const core::AccountRef& ref);
    std::optional<int64_t> FindEntry(const std::string& source_kind, const std::string& source_key);

    // Posts a balanced entry: entry row, postings, cached balances, points lots. Refuses (and the caller
    // rolls back) when a member's account would go below zero or a lot below empty.
    core::Result<int64_t> Post(const core::JournalEntry& entry, int64_t now);

    // The accounts among `refs` that exist, by AccountKey: a few statements for any number of them.
    std::unordered_map<std::string, AccountRecord> FindAccounts(const std::vector<core::AccountRef>& refs);

    // Posts many balanced entries as Post() would post each, in a few multi-row statements (the till's
    // batch upload, the jobs): entry rows, postings, balances summed per account, lots summed per lot.
    // Balances and lots are checked once, after the whole set: entries that take from one member's account
    // or lot must not depend on each other's order. On an error the caller rolls back (part may be written).
    core::Result<PostedBatch> PostMany(const std::vector<core::JournalEntry>& entries, int64_t now);

    // How a debit of `amount` points from an account splits over its lots, oldest first (R_BON_4). Fewer
    // points than asked when the lots hold less.
    std::vector<std::pair<int, int64_t>> OldestLots(int64_t account_id, int64_t amount);
    std::vector<LotRecord> Lots(int64_t account_id);
    std::vector<PostingRecord> History(int64_t account_id, int limit, int64_t before_entry_id);

    // `andel check ledger`: every entry sums to zero per unit, every cached balance equals its postings,
    // every points account's lots hold its balance, no member account below zero. The problems found, at
    // most `limit`.
    std::vector<std::string> Check(int limit);

  private:
    Connection& c_;
};

}  // namespace andel::store
