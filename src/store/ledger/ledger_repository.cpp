#include "store/ledger/ledger_repository.hpp"

#include <map>
#include <tuple>
#include <unordered_set>

#include "store/batch_sql.hpp"

namespace andel::store {

int64_t LedgerRepository::AccountId(const core::AccountRef& ref, int64_t now) {
    static const std::string find =
        "SELECT id FROM ledger_accounts WHERE kind = $1 AND owner_kind = $2 AND owner_id = $3 AND unit = $4";
    std::initializer_list<Value> key = {Text(ref.kind), Text(ref.owner_kind), Int(ref.owner_id),
                                        Text(ref.unit)};
    if (auto r = c_.QueryOne(find, key)) return r->Int(0);
    c_.Execute(
        "INSERT INTO ledger_accounts (kind, owner_kind, owner_id, unit, balance, created_at) "
        "VALUES ($1, $2, $3, $4, 0, $5) ON CONFLICT (kind, owner_kind, owner_id, unit) DO NOTHING",
        {Text(ref.kind), Text(ref.owner_kind), Int(ref.owner_id), Text(ref.unit), Int(now)});
    return c_.QueryOne(find, key)->Int(0);
}

std::optional<AccountRecord> LedgerRepository::FindAccount(const core::AccountRef& ref) {
    auto r = c_.QueryOne(
        "SELECT id, balance FROM ledger_accounts WHERE kind = $1 AND owner_kind = $2 AND "
        "owner_id = $3 AND unit = $4",
        {Text(ref.kind), Text(ref.owner_kind), Int(ref.owner_id), Text(ref.unit)});
    if (!r) return std::nullopt;
    return AccountRecord{r->Int(0), ref, r->Int(1)};
}

std::optional<int64_t> LedgerRepository::FindEntry(const std::string& source_kind,
                                                   const std::string& source_key) {
    auto r = c_.QueryOne("SELECT id FROM ledger_entries WHERE source_kind = $1 AND source_key = $2",
                         {Text(source_kind), Text(source_key)});
    if (!r) return std::nullopt;
    return r->Int(0);
}

core::Result<int64_t> LedgerRepository::Post(const core::JournalEntry& entry, int64_t now) {
    ANDEL_TRY(core::CheckBalanced(entry));
    int64_t entry_id;
    try {
        entry_id =
            c_.QueryOne(
                  "INSERT INTO ledger_entries (source_kind, source_key, description, actor, occurred_at, "
                  "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                  {Text(entry.source_kind), Text(entry.source_key), Text(entry.description),
                   Text(entry.actor), Int(entry.occurred_at), Int(now)})
                ->Int(0);
    } catch (const DbError& e) {
        if (e.kind() == DbError::Kind::kUniqueViolation)
            return core::Error::Conflict("this source is already posted: " + entry.source_key);
        throw;
    }
    for (const auto& p : entry.postings) {
        int64_t account = AccountId(p.account, now);
        c_.Execute(
            "INSERT INTO ledger_postings (entry_id, account_id, amount, lot_month) VALUES ($1, $2, $3, $4)",
            {Int(entry_id), Int(account), Int(p.amount), p.lot_month ? Int(*p.lot_month) : Null()});
        int64_t balance =
            c_.QueryOne("UPDATE ledger_accounts SET balance = balance + $2 WHERE id = $1 RETURNING balance",
                        {Int(account), Int(p.amount)})
                ->Int(0);
        if (balance < 0 && core::IsMemberValueAccount(p.account.kind))
            return core::Error::Invalid("the balance would go below zero", "amount");
        if (p.lot_month) {
            if (p.amount > 0) {
                c_.Execute(
                    "INSERT INTO points_lots (account_id, month, earned, remaining) VALUES ($1, $2, $3, $3) "
                    "ON CONFLICT (account_id, month) DO UPDATE SET earned = points_lots.earned + $3, "
                    "remaining = points_lots.remaining + $3",
                    {Int(account), Int(*p.lot_month), Int(p.amount)});
            } else {
                std::optional<Row> left;
                try {
                    left = c_.QueryOne(
                        "UPDATE points_lots SET remaining = remaining + $3 WHERE account_id = $1 AND "
                        "month = $2 RETURNING remaining",
                        {Int(account), Int(*p.lot_month), Int(p.amount)});
                } catch (const DbError& e) {
                    // The table's CHECK (remaining >= 0) refuses first on both engines.
                    if (e.kind() != DbError::Kind::kCheckViolation) throw;
                    return core::Error::Rule("R_BON_4", "the points lot holds fewer points than taken");
                }
                if (!left || left->Int(0) < 0)
                    return core::Error::Rule("R_BON_4", "the points lot holds fewer points than taken");
            }
        }
    }
    return entry_id;
}

std::vector<std::pair<int, int64_t>> LedgerRepository::OldestLots(int64_t account_id, int64_t amount) {
    std::vector<std::pair<int, int64_t>> out;
    for (const auto& r :
         c_.Query("SELECT month, remaining FROM points_lots WHERE account_id = $1 AND remaining > 0 "
                  "ORDER BY month",
                  {Int(account_id)})) {
        if (amount <= 0) break;
        int64_t take = std::min(amount, r.Int(1));
        out.emplace_back(static_cast<int>(r.Int(0)), take);
        amount -= take;
    }
    return out;
}

std::vector<LotRecord> LedgerRepository::Lots(int64_t account_id) {
    std::vector<LotRecord> out;
    for (const auto& r :
         c_.Query("SELECT month, earned, remaining FROM points_lots WHERE account_id = $1 ORDER BY month",
                  {Int(account_id)}))
        out.push_back({static_cast<int>(r.Int(0)), r.Int(1), r.Int(2)});
    return out;
}

std::vector<PostingRecord> LedgerRepository::History(int64_t account_id, int limit, int64_t before_entry_id) {
    std::vector<PostingRecord> out;
    for (const auto& r : c_.Query("SELECT e.id, e.source_kind, e.source_key, e.description, e.occurred_at, "
                                  "SUM(p.amount), MIN(p.lot_month) FROM ledger_postings p "
                                  "JOIN ledger_entries e ON e.id = p.entry_id "
                                  "WHERE p.account_id = $1 AND (CAST($2 AS BIGINT) = 0 OR e.id < $2) "
                                  "GROUP BY e.id, e.source_kind, e.source_key, e.description, e.occurred_at "
                                  "ORDER BY e.id DESC LIMIT $3",
                                  {Int(account_id), Int(before_entry_id), Int(limit)})) {
        auto lot = r.OptInt(6);
        out.push_back({r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Int(4), r.Int(5),
                       lot ? std::optional<int>(static_cast<int>(*lot)) : std::nullopt});
    }
    return out;
}

std::vector<std::string> LedgerRepository::Check(int limit) {
    std::vector<std::string> problems;
    auto add = [&](std::string s) {
        if (static_cast<int>(problems.size()) < limit) problems.push_back(std::move(s));
    };
    for (const auto& r : c_.Query("SELECT p.entry_id, a.unit, SUM(p.amount) FROM ledger_postings p "
                                  "JOIN ledger_accounts a ON a.id = p.account_id GROUP BY p.entry_id, a.unit "
                                  "HAVING SUM(p.amount) <> 0 ORDER BY p.entry_id LIMIT $1",
                                  {Int(limit)}))
        add("entry " + std::to_string(r.Int(0)) + ": postings in " + r.Text(1) + " sum to " +
            std::to_string(r.Int(2)) + ", not 0");
    for (const auto& r :
         c_.Query("SELECT e.id FROM ledger_entries e WHERE (SELECT COUNT(*) FROM ledger_postings p "
                  "WHERE p.entry_id = e.id) < 2 ORDER BY e.id LIMIT $1",
                  {Int(limit)}))
        add("entry " + std::to_string(r.Int(0)) + ": fewer than two postings");
    for (const auto& r :
         c_.Query("SELECT a.id, a.kind, a.balance, COALESCE((SELECT SUM(p.amount) FROM "
                  "ledger_postings p WHERE p.account_id = a.id), 0) AS posted FROM ledger_accounts a "
                  "WHERE a.balance <> COALESCE((SELECT SUM(p.amount) FROM ledger_postings p WHERE "
                  "p.account_id = a.id), 0) ORDER BY a.id LIMIT $1",
                  {Int(limit)}))
        add("account " + std::to_string(r.Int(0)) + " (" + r.Text(1) + "): cached balance " +
            std::to_string(r.Int(2)) + " but postings sum to " + std::to_string(r.Int(3)));
    for (const auto& r :
         c_.Query("SELECT a.id, a.balance, COALESCE((SELECT SUM(l.remaining) FROM points_lots l "
                  "WHERE l.account_id = a.id), 0) FROM ledger_accounts a WHERE a.kind = $1 AND "
                  "a.balance <> COALESCE((SELECT SUM(l.remaining) FROM points_lots l WHERE "
                  "l.account_id = a.id), 0) ORDER BY a.id LIMIT $2",
                  {Text(core::account_kind::kHouseholdPoints), Int(limit)}))
        add("account " + std::to_string(r.Int(0)) + ": balance " + std::to_string(r.Int(1)) +
            " but its lots hold " + std::to_string(r.Int(2)));
    for (const auto& r :
         c_.Query("SELECT id, kind, balance FROM ledger_accounts WHERE balance < 0 AND kind IN "
                  "($1, $2, $3, $4, $5, $6) ORDER BY id LIMIT $7",
                  {Text(core::account_kind::kHouseholdPoints), Text(core::account_kind::kHouseholdBonus),
                   Text(core::account_kind::kSavings), Text(core::account_kind::kDividendAccrual),
                   Text(core::account_kind::kHouseholdBonusPending),
                   Text(core::account_kind::kHouseholdPointsPending), Int(limit)}))
        add("account " + std::to_string(r.Int(0)) + " (" + r.Text(1) +
            "): a member's balance below zero: " + std::to_string(r.Int(2)));
    return problems;
}

std::string AccountKey(const core::AccountRef& ref) {
    std::string key;
    key.reserve(ref.kind.size() + ref.owner_kind.size() + ref.unit.size() + 24);
    key += ref.kind;
    key += '\x1f';
    key += ref.owner_kind;
    key += '\x1f';
    key += std::to_string(ref.owner_id);
    key += '\x1f';
    key += ref.unit;
    return key;
}

std::unordered_map<std::string, AccountRecord> LedgerRepository::FindAccounts(
    const std::vector<core::AccountRef>& refs) {
    // By (kind, owner kind, unit), the owners: the unique key's order, so each look-up is an index range.
    std::map<std::tuple<std::string, std::string, std::string>, std::vector<int64_t>> groups;
    {
        std::unordered_set<std::string> seen;
        for (const auto& ref : refs)
            if (seen.insert(AccountKey(ref)).second)
                groups[{ref.kind, ref.owner_kind, ref.unit}].push_back(ref.owner_id);
    }
    std::unordered_map<std::string, AccountRecord> out;
    std::vector<Value> params;
    for (const auto& [group, owners] : groups) {
        const auto& [kind, owner_kind, unit] = group;
        ForEachChunk(owners.size(), [&](size_t begin, size_t n) {
            params.clear();
            params.reserve(n + 3);
            params.push_back(Text(kind));
            params.push_back(Text(owner_kind));
            params.push_back(Text(unit));
            for (size_t i = 0; i < n; ++i) params.push_back(Int(owners[begin + i]));
            // A join on a VALUES list: one index look-up per owner on both engines.
            for (const auto& r :
                 c_.Query("SELECT a.id, a.owner_id, a.balance FROM (VALUES " + ValuesRows(n, 1, 4, true) +
                              ") AS v JOIN ledger_accounts a ON a.kind = $1 AND a.owner_kind = $2 "
                              "AND a.unit = $3 AND a.owner_id = v.column1",
                          params)) {
                core::AccountRef ref{kind, owner_kind, r.Int(1), unit};
                auto key = AccountKey(ref);
                out.emplace(std::move(key), AccountRecord{r.Int(0), std::move(ref), r.Int(2)});
            }
        });
    }
    return out;
}

core::Result<PostedBatch> LedgerRepository::PostMany(const std::vector<core::JournalEntry>& entries,
                                                     int64_t now) {
    PostedBatch out;
    if (entries.empty()) return out;
    std::vector<core::AccountRef> refs;
    {
        std::unordered_set<std::string> sources;
        for (const auto& e : entries) {
            ANDEL_TRY(core::CheckBalanced(e));
            if (!sources.insert(e.source_kind + '\x1f' + e.source_key).second)
                return core::Error::Conflict("this source is twice in the batch: " + e.source_key);
            for (const auto& p : e.postings) refs.push_back(p.account);
        }
    }

    // The accounts' ids: those that exist, then the others created (as AccountId() does, one by one).
    auto resolve = [&](const std::vector<core::AccountRef>& wanted) {
        for (auto& [key, account] : FindAccounts(wanted)) out.account_ids.emplace(key, account.id);
    };
    resolve(refs);
    std::vector<core::AccountRef> missing;
    {
        std::unordered_set<std::string> seen;
        for (const auto& ref : refs) {
            auto key = AccountKey(ref);
            if (!out.account_ids.contains(key) && seen.insert(key).second) missing.push_back(ref);
        }
    }
    std::vector<Value> params;
    if (!missing.empty()) {
        ForEachChunk(missing.size(), [&](size_t begin, size_t n) {
            params.clear();
            params.reserve(n * 5);
            for (size_t i = begin; i < begin + n; ++i) {
                params.push_back(Text(missing[i].kind));
                params.push_back(Text(missing[i].owner_kind));
                params.push_back(Int(missing[i].owner_id));
                params.push_back(Text(missing[i].unit));
                params.push_back(Int(now));
            }
            c_.Execute("INSERT INTO ledger_accounts (kind, owner_kind, owner_id, unit, created_at) VALUES " +
                           ValuesRows(n, 5) + " ON CONFLICT (kind, owner_kind, owner_id, unit) DO NOTHING",
                       params);
        });
        resolve(missing);
    }

    // The entries, with their ids by source.
    std::unordered_map<std::string, int64_t> entry_ids;
    try {
        ForEachChunk(entries.size(), [&](size_t begin, size_t n) {
            params.clear();
            params.reserve(n * 6);
            for (size_t i = begin; i < begin + n; ++i) {
                const auto& e = entries[i];
                params.push_back(Text(e.source_kind));
                params.push_back(Text(e.source_key));
                params.push_back(Text(e.description));
                params.push_back(Text(e.actor));
                params.push_back(Int(e.occurred_at));
                params.push_back(Int(now));
            }
            for (const auto& r : c_.Query("INSERT INTO ledger_entries (source_kind, source_key, description, "
                                          "actor, occurred_at, created_at) VALUES " +
                                              ValuesRows(n, 6) + " RETURNING id, source_kind, source_key",
                                          params))
                entry_ids.emplace(r.Text(1) + '\x1f' + r.Text(2), r.Int(0));
        });
    } catch (const DbError& e) {
        if (e.kind() == DbError::Kind::kUniqueViolation)
            return core::Error::Conflict("an entry of the batch is already posted");
        throw;
    }
    out.entry_ids.reserve(entries.size());
    for (const auto& e : entries)
        out.entry_ids.push_back(entry_ids.at(e.source_kind + '\x1f' + e.source_key));

    // The postings; what they add to each account and to each lot.
    struct Posting {
        int64_t entry_id, account_id, amount;
        std::optional<int> lot_month;
    };
    std::vector<Posting> postings;
    std::map<int64_t, int64_t> deltas;  // by account id, in id order
    std::map<int64_t, const std::string*> kinds;
    struct LotChange {
        int64_t earned = 0, taken = 0;  // the credits' sum, the debits' sum (<= 0)
    };
    std::map<std::pair<int64_t, int>, LotChange> lots;
    for (size_t i = 0; i < entries.size(); ++i) {
        for (const auto& p : entries[i].postings) {
            int64_t account = out.account_ids.at(AccountKey(p.account));
            postings.push_back({out.entry_ids[i], account, p.amount, p.lot_month});
            deltas[account] += p.amount;
            kinds.emplace(account, &p.account.kind);
            if (p.lot_month) {
                auto& lot = lots[{account, *p.lot_month}];
                (p.amount > 0 ? lot.earned : lot.taken) += p.amount;
            }
        }
    }
    ForEachChunk(postings.size(), [&](size_t begin, size_t n) {
        params.clear();
        params.reserve(n * 4);
        for (size_t i = begin; i < begin + n; ++i) {
            params.push_back(Int(postings[i].entry_id));
            params.push_back(Int(postings[i].account_id));
            params.push_back(Int(postings[i].amount));
            params.push_back(postings[i].lot_month ? Int(*postings[i].lot_month) : Null());
        }
        c_.Execute("INSERT INTO ledger_postings (entry_id, account_id, amount, lot_month) VALUES " +
                       ValuesRows(n, 4),
                   params);
    });

    // The balances, once per account.
    std::vector<std::pair<int64_t, int64_t>> changed;
    for (const auto& [account, delta] : deltas)
        if (delta != 0) changed.emplace_back(account, delta);
    bool below_zero = false;
    ForEachChunk(changed.size(), [&](size_t begin, size_t n) {
        params.clear();
        params.reserve(n * 2);
        for (size_t i = begin; i < begin + n; ++i) {
            params.push_back(Int(changed[i].first));
            params.push_back(Int(changed[i].second));
        }
        for (const auto& r :
             c_.Query("UPDATE ledger_accounts SET balance = ledger_accounts.balance + v.column2 "
                      "FROM (VALUES " +
                          ValuesRows(n, 2, 1, true) +
                          ") AS v WHERE ledger_accounts.id = v.column1 "
                          "RETURNING ledger_accounts.id, ledger_accounts.balance",
                      params)) {
            if (r.Int(1) < 0 && core::IsMemberValueAccount(*kinds.at(r.Int(0)))) below_zero = true;
            out.balances.emplace(r.Int(0), r.Int(1));
        }
    });
    if (below_zero) return core::Error::Invalid("the balance would go below zero", "amount");

    // The lots: the credits added (a lot created when new), then the debits taken (so a lot credited and
    // debited in one batch is checked on what it holds after both).
    std::vector<std::pair<std::pair<int64_t, int>, LotChange>> credited, debited;
    for (const auto& [lot, change] : lots) {
        if (change.earned > 0) credited.emplace_back(lot, change);
        if (change.taken < 0) debited.emplace_back(lot, change);
    }
    try {
        ForEachChunk(credited.size(), [&](size_t begin, size_t n) {
            params.clear();
            params.reserve(n * 4);
            for (size_t i = begin; i < begin + n; ++i) {
                params.push_back(Int(credited[i].first.first));
                params.push_back(Int(credited[i].first.second));
                params.push_back(Int(credited[i].second.earned));
                params.push_back(Int(credited[i].second.earned));
            }
            c_.Execute("INSERT INTO points_lots (account_id, month, earned, remaining) VALUES " +
                           ValuesRows(n, 4) +
                           " ON CONFLICT (account_id, month) DO UPDATE SET earned = points_lots.earned + "
                           "excluded.earned, remaining = points_lots.remaining + excluded.remaining",
                       params);
        });
        bool short_lot = false;
        ForEachChunk(debited.size(), [&](size_t begin, size_t n) {
            params.clear();
            params.reserve(n * 3);
            for (size_t i = begin; i < begin + n; ++i) {
                params.push_back(Int(debited[i].first.first));
                params.push_back(Int(debited[i].first.second));
                params.push_back(Int(debited[i].second.taken));
            }
            auto rows = c_.Query(
                "UPDATE points_lots SET remaining = points_lots.remaining + v.column3 FROM (VALUES " +
                    ValuesRows(n, 3, 1, true) +
                    ") AS v WHERE points_lots.account_id = v.column1 AND points_lots.month = v.column2 "
                    "RETURNING points_lots.remaining",
                params);
            if (rows.size() != n) short_lot = true;
            for (const auto& r : rows)
                if (r.Int(0) < 0) short_lot = true;
        });
        if (short_lot) return core::Error::Rule("R_BON_4", "the points lot holds fewer points than taken");
    } catch (const DbError& e) {
        // The table's CHECK (remaining >= 0) refuses first on both engines.
        if (e.kind() != DbError::Kind::kCheckViolation) throw;
        return core::Error::Rule("R_BON_4", "the points lot holds fewer points than taken");
    }
    return out;
}

}  // namespace andel::store
