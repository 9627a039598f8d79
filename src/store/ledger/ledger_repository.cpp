#include "store/ledger/ledger_repository.hpp"

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

}  // namespace andel::store
