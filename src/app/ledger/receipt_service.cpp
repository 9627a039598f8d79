#include "app/ledger/receipt_service.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "app/crypto.hpp"
#include "app/ledger/points_shop_service.hpp"
#include "app/local_time.hpp"
#include "app/offers/offer_service.hpp"
#include "app/transaction.hpp"
#include "core/ledger/journal.hpp"
#include "core/ledger/receipt_pack.hpp"
#include "core/membership/numbers.hpp"
#include "store/ledger/ledger_repository.hpp"
#include "store/ledger/points_shop_repository.hpp"
#include "store/ledger/receipt_batch_repository.hpp"
#include "store/membership/membership_repository.hpp"

namespace andel::app {
namespace {

using core::Error;
using core::Result;
namespace kind = core::account_kind;

core::AccountRef Account(const char* k, const char* owner_kind, int64_t owner_id, const std::string& unit) {
    return {k, owner_kind, owner_id, unit};
}

std::string VoucherField(size_t i) { return "tenders[" + std::to_string(i) + "].voucher_code"; }

// A points-shop voucher refused as a tender (R_BON_5): 422, or 409 when another receipt used it.
Error VoucherRefused(std::string detail, std::string field) {
    return {core::ErrorCode::kRuleRefused, std::move(detail), "R_BON_5", std::move(field)};
}
Error VoucherConflict(std::string detail, std::string field) {
    return {core::ErrorCode::kConflict, std::move(detail), "R_BON_5", std::move(field)};
}

// What a stored receipt's bonus_voucher tenders paid (tenders_json: [[kind, amount], ...]).
int64_t VoucherPaid(const std::string& tenders_json) {
    auto tenders = nlohmann::json::parse(tenders_json, nullptr, false);
    int64_t paid = 0;
    if (!tenders.is_array()) return 0;
    for (const auto& t : tenders)
        if (t.is_array() && t.size() == 2 && t[0] == core::kBonusVoucherTender && t[1].is_number_integer())
            paid += t[1].get<int64_t>();
    return paid;
}

// a * b / c rounded half-even, for 0 <= a, 0 <= b and c > 0.
int64_t MulDivHalfEven(int64_t a, int64_t b, int64_t c) {
    const __int128 num = static_cast<__int128>(a) * b;
    __int128 q = num / c;
    const __int128 rest = num % c;
    if (rest * 2 > c || (rest * 2 == c && q % 2 != 0)) ++q;
    return static_cast<int64_t>(q);
}

}  // namespace

Result<void> ReceiptService::Check(const ReceiptInput& in) const {
    if (in.receipt_id.empty() || in.receipt_id.size() > 64)
        return Error::Malformed("receipt_id is 1 to 64 characters", "receipt_id");
    if (in.till.empty() || in.till.size() > 32) return Error::Malformed("till is 1 to 32 characters", "till");
    if (in.card && in.member_number)
        return Error::Malformed("identify the customer by card or member number, not both", "customer");
    if (in.card && !core::IsValidCardNumber(*in.card))
        return Error::Malformed("the card number's check digit is wrong", "customer.card");
    if (in.member_number && !core::IsValidMemberNumber(*in.member_number))
        return Error::Malformed("the member number's check digit is wrong", "customer.member_number");
    auto now = clock_.Now();
    if (in.occurred_at > now + kMaxSkew)
        return Error::Invalid("occurred_at is in the future (check the till's clock)", "occurred_at");
    if (in.occurred_at < now - kMaxAge)
        return Error::Invalid("occurred_at is more than a year ago", "occurred_at");
    ANDEL_TRY(CheckVoucherTenders(in));
    return core::ValidateReceipt(in.lines, in.tenders);
}

// The bonus_voucher tenders' shape (R_BON_5), before anything is read: each names a well-formed code, none
// is on a return (a voucher is not given back), a code at most once, and together they pay no more than the
// lines total (a voucher gives no change, not even as a cash withdrawal).
Result<void> ReceiptService::CheckVoucherTenders(const ReceiptInput& in) {
    for (const auto& [i, code] : in.voucher_codes) {
        if (i >= in.tenders.size() || in.tenders[i].kind != core::kBonusVoucherTender)
            return Error::Malformed("voucher_code belongs to a bonus_voucher tender only", VoucherField(i));
        if (!NormalizeVoucherCode(code))
            return Error::Malformed("a voucher code has 12 digits, e.g. 1234-5678-9012", VoucherField(i));
    }
    int64_t lines_total = 0;
    for (const auto& l : in.lines) lines_total += l.Net();
    int64_t vouchers_total = 0;
    std::vector<std::string> seen;
    for (size_t i = 0; i < in.tenders.size(); ++i) {
        if (in.tenders[i].kind != core::kBonusVoucherTender) continue;
        auto code = in.voucher_codes.find(i);
        if (code == in.voucher_codes.end())
            return Error::Malformed("a bonus_voucher tender names its voucher_code", VoucherField(i));
        if (lines_total < 0)
            return VoucherRefused(
                "a return gives no voucher back: refund the part the voucher paid as the store's policy says "
                "(e.g. a gift card), never as a bonus_voucher tender",
                "tenders[" + std::to_string(i) + "].kind");
        auto digits = *NormalizeVoucherCode(code->second);
        if (std::find(seen.begin(), seen.end(), digits) != seen.end())
            return VoucherRefused("a voucher pays a receipt once: its code is in two tenders",
                                  VoucherField(i));
        seen.push_back(digits);
        if (in.tenders[i].amount_minor > 0) vouchers_total += in.tenders[i].amount_minor;
    }
    if (vouchers_total > 0 && vouchers_total > lines_total)
        return VoucherRefused("the vouchers (" + std::to_string(vouchers_total) +
                                  ") pay more than the lines total (" + std::to_string(lines_total) +
                                  "): a voucher gives no change",
                              "tenders");
    return core::Ok();
}

Result<void> ReceiptService::UseVouchers(store::Connection& c, const StoreContext& where,
                                         const ReceiptInput& in, core::JournalEntry& entry) const {
    if (in.voucher_codes.empty()) return core::Ok();
    store::PointsShopRepository shop(c);
    const core::MarketRules& rules = *where.rules;
    const int64_t at = core::ToMillis(in.occurred_at);
    const int64_t now = core::ToMillis(clock_.Now());
    const int64_t skew = std::chrono::duration_cast<std::chrono::milliseconds>(kMaxSkew).count();
    for (const auto& [i, code] : in.voucher_codes) {
        const std::string field = VoucherField(i);
        const int64_t amount = in.tenders[i].amount_minor;  // > 0: a sale (Check)
        auto v = shop.FindVoucherByHash(Sha256Hex(*NormalizeVoucherCode(code)));
        if (!v) return VoucherRefused("no voucher with that code", field);
        if (v->market != where.coop.market || v->currency != rules.currency)
            return VoucherRefused("the voucher is for the " + v->market + " market's stores", field);
        if (v->status == "void") return VoucherRefused("the voucher is void", field);
        // Taken by the separate till call for this store's very receipt, and not booked by a tender yet: this
        // receipt books it. Any other use is another receipt's.
        const bool taken_for_this = v->status == "used" && v->used_store_id == where.store.id &&
                                    v->used_receipt_id == in.receipt_id && !v->used_amount_minor;
        if (v->status == "used" && !taken_for_this)
            return VoucherConflict("the voucher was used by another receipt", field);
        if (at >= v->expires_at)
            return VoucherRefused("the voucher expired at " +
                                      core::FormatTimestamp(core::FromMillis(v->expires_at)) +
                                      ", before the receipt's occurred_at",
                                  field);
        // A till's clock may run up to kMaxSkew behind: a receipt earlier than that is older than the
        // voucher.
        if (at < v->issued_at - skew)
            return VoucherRefused("the receipt's occurred_at is before the voucher was issued", field);
        if (amount > v->value_minor)
            return VoucherRefused("the tender (" + std::to_string(amount) +
                                      ") is more than the voucher's value (" +
                                      std::to_string(v->value_minor) + ")",
                                  field);
        // The row is locked to commit; none changed: a concurrent receipt used it first. The retry (see
        // InTransaction) then finds that receipt (the same one: a replay) or refuses with 409.
        if (!shop.UseVoucherAsTender(v->id, where.store.id, in.receipt_id, amount, now))
            throw store::DbError(store::DbError::Kind::kUniqueViolation, "voucher used concurrently");
        // The operator pays the store what the voucher paid; the rest of its value lapses (no change).
        core::AddTransfer(entry, Account(kind::kRedemption, "store", where.store.id, rules.currency),
                          Account(kind::kPointsShop, "operator", 0, rules.currency), amount);
    }
    return core::Ok();
}

Result<ReceiptOutcome> ReceiptService::Post(int64_t store_id, const ReceiptInput& in,
                                            const std::string& actor) {
    ANDEL_TRY(Check(in));
    return InTransaction(db_, [&](store::Connection& c) -> Result<ReceiptOutcome> {
        auto where = LoadStore(c, store_id);
        if (!where) return where.error();
        return PostIn(c, *where, in, actor);
    });
}

std::vector<Result<ReceiptOutcome>> ReceiptService::PostBatch(int64_t store_id,
                                                              const std::vector<ReceiptInput>& in,
                                                              const std::string& actor) {
    for (int attempt = 0;; ++attempt) {
        std::vector<std::optional<Result<ReceiptOutcome>>> slots(in.size());
        try {
            store::Transaction tx(db_);
            auto& c = tx.conn();
            auto where = LoadStore(c, store_id);
            // Runs of plain sales go in bulk; any other receipt (a return, vouchers, a quote, a bonus tender,
            // a receipt id again) ends the run and is posted on its own, so each sees all before it.
            std::vector<size_t> run;
            std::unordered_set<std::string> run_ids;
            auto one = [&](size_t i) {
                c.ExecScript("SAVEPOINT receipt");
                auto r = PostIn(c, *where, in[i], actor);
                c.ExecScript(r.ok() ? "RELEASE SAVEPOINT receipt"
                                    : "ROLLBACK TO SAVEPOINT receipt; RELEASE SAVEPOINT receipt");
                slots[i] = std::move(r);
            };
            auto flush = [&] {
                if (run.empty()) return;
                c.ExecScript("SAVEPOINT receipts");
                if (PostPlain(c, *where, in, run, actor, slots).ok()) {
                    c.ExecScript("RELEASE SAVEPOINT receipts");
                } else {
                    // Refused as a whole (a balance or lot the run took from): one by one, for each result.
                    c.ExecScript("ROLLBACK TO SAVEPOINT receipts; RELEASE SAVEPOINT receipts");
                    for (size_t i : run) one(i);
                }
                run.clear();
                run_ids.clear();
            };
            for (size_t i = 0; i < in.size(); ++i) {
                if (!where) {
                    slots[i] = where.error();
                    continue;
                }
                if (auto checked = Check(in[i]); !checked) {
                    slots[i] = checked.error();
                    continue;
                }
                if (Plain(in[i]) && !run_ids.contains(in[i].receipt_id)) {
                    run.push_back(i);
                    run_ids.insert(in[i].receipt_id);
                    continue;
                }
                flush();
                if (Plain(in[i])) {
                    run.push_back(i);
                    run_ids.insert(in[i].receipt_id);
                } else {
                    one(i);
                }
            }
            flush();
            tx.Commit();
            std::vector<Result<ReceiptOutcome>> out;
            out.reserve(in.size());
            for (auto& slot : slots) out.push_back(std::move(*slot));
            return out;
        } catch (const store::DbError& e) {
            bool retry = e.kind() == store::DbError::Kind::kBusy ||
                         e.kind() == store::DbError::Kind::kSerialization ||
                         e.kind() == store::DbError::Kind::kUniqueViolation;
            if (!retry || attempt >= 4) throw;
        }
    }
}

Result<ReceiptService::StoreContext> ReceiptService::LoadStore(store::Connection& c, int64_t store_id) const {
    {
        std::lock_guard lock(stores_mu_);
        if (auto it = stores_.find(store_id); it != stores_.end()) return it->second;
    }
    store::MembershipRepository members(c);
    auto store = members.FindStore(store_id);
    if (!store) return Error::Invalid("the till's store does not exist");
    auto coop = members.FindCooperative(store->cooperative_id);
    auto market_it = markets_.find(coop->market);
    if (market_it == markets_.end()) return Error::Invalid("the store's market is not enabled");
    StoreContext where{*store, *coop, &market_it->second};
    std::lock_guard lock(stores_mu_);
    stores_.emplace(store_id, where);
    return where;
}

store::ReceiptRecord ReceiptService::NewRecord(const StoreContext& where, const ReceiptInput& in,
                                               int64_t now) const {
    store::ReceiptRecord r;
    r.store_id = where.store.id;
    r.receipt_key = in.receipt_id;
    r.till = in.till;
    r.occurred_at = core::ToMillis(in.occurred_at);
    r.month = LocalMonth(where.rules->time_zone, in.occurred_at);
    r.currency = where.rules->currency;
    r.body_hash = in.body_hash;
    r.created_at = now;
    r.lines_json = core::PackLines(in.lines);
    r.tenders_json = core::PackTenders(in.tenders);
    for (const auto& l : in.lines) r.total_minor += l.Net();
    return r;
}

core::JournalEntry ReceiptService::NewEntry(const StoreContext& where, const ReceiptInput& in,
                                            const store::ReceiptRecord& r, const std::string& actor) {
    core::JournalEntry entry;
    entry.source_key = "store:" + std::to_string(where.store.id) + "/receipt:" + in.receipt_id;
    entry.source_kind = "receipt";
    entry.description = "receipt " + in.receipt_id;
    entry.actor = actor;
    entry.occurred_at = r.occurred_at;
    return entry;
}

Result<std::optional<store::EarnerRecord>> ReceiptService::Identify(const StoreContext& where,
                                                                    const ReceiptInput& in,
                                                                    std::optional<store::EarnerRecord> found,
                                                                    store::ReceiptRecord& r) {
    if (in.card) {
        if (!found) return Error::Invalid("no active card " + *in.card, "customer.card");
        r.identified_by = "card";
    } else if (in.member_number) {
        if (!found) return Error::Invalid("no member " + *in.member_number, "customer.member_number");
        r.identified_by = "member_number";
    } else {
        return std::optional<store::EarnerRecord>();
    }
    if (found->market != where.coop.market)
        return Error::Invalid("the member belongs to another market than the store", "customer");
    return found;
}

ReceiptService::SaleEarner ReceiptService::EarnerOf(const StoreContext& where,
                                                    const std::optional<store::EarnerRecord>& member,
                                                    store::ReceiptRecord& r) {
    SaleEarner e;
    if (member && member->status == "active") {
        r.member_id = member->id;
        r.household_id = member->household_id;
        e.ctx.profile_customer = member->kind == "profile";
        e.ctx.own_cooperative = member->cooperative_id == where.store.cooperative_id;
        e.may_earn = e.ctx.profile_customer || member->household_id.has_value();
    }
    return e;
}

Result<void> ReceiptService::Earn(const StoreContext& where, const ReceiptInput& in, const SaleEarner& earner,
                                  store::ReceiptRecord& r) {
    auto earning = core::ComputeEarning(in.lines, in.tenders, *where.rules, earner.ctx);
    if (!earning) return earning.error();
    r.eligible_minor = earning->eligible_minor;
    if (earner.may_earn) {
        r.bonus_minor = earning->bonus_minor;
        r.savings_minor = earning->savings_minor;
        r.points = earning->points;
        r.dividend_base_minor = earning->dividend_base_minor;
        r.dividend_minor = core::ApplyBasisPoints(earning->dividend_base_minor, earning->dividend_bp);
    }
    return core::Ok();
}

void ReceiptService::AddSalePostings(const StoreContext& where, const store::ReceiptRecord& r,
                                     core::JournalEntry& entry) {
    const std::string& currency = where.rules->currency;
    const int64_t store_id = where.store.id;
    if (r.household_id) {
        int64_t h = *r.household_id;
        core::AddTransfer(entry, Account(kind::kHouseholdBonus, "household", h, currency),
                          Account(kind::kStoreFunding, "store", store_id, currency), r.bonus_minor);
        core::AddTransfer(entry, Account(kind::kHouseholdPoints, "household", h, "points"),
                          Account(kind::kStoreFunding, "store", store_id, "points"), r.points, r.month);
        core::AddTransfer(
            entry, Account(kind::kDividendAccrual, "household", h, currency),
            Account(kind::kDividendPayable, "cooperative", where.store.cooperative_id, currency),
            r.dividend_minor);
    }
    if (r.member_id)
        core::AddTransfer(entry, Account(kind::kSavings, "member", *r.member_id, currency),
                          Account(kind::kStoreFunding, "store", store_id, currency), r.savings_minor);
}

bool ReceiptService::Plain(const ReceiptInput& in) {
    if (!in.voucher_codes.empty() || in.quote_id) return false;
    int64_t total = 0;
    for (const auto& l : in.lines) total += l.Net();
    if (total < 0) return false;
    for (const auto& t : in.tenders)
        if (t.kind == "bonus" && t.amount_minor != 0) return false;
    return true;
}

Result<void> ReceiptService::PostPlain(store::Connection& c, const StoreContext& where,
                                       const std::vector<ReceiptInput>& in, const std::vector<size_t>& which,
                                       const std::string& actor,
                                       std::vector<std::optional<Result<ReceiptOutcome>>>& out) {
    store::ReceiptBatchRepository batch(c);
    store::LedgerRepository ledger(c);
    const int64_t now = core::ToMillis(clock_.Now());
    const core::MarketRules& rules = *where.rules;

    // What is known already: the receipts posted before (replays), the customers.
    std::vector<std::string> keys, cards, numbers;
    for (size_t i : which) {
        keys.push_back(in[i].receipt_id);
        if (in[i].card) cards.push_back(*in[i].card);
        if (in[i].member_number) numbers.push_back(*in[i].member_number);
    }
    auto existing = batch.Find(where.store.id, keys);
    auto by_card = batch.EarnersByCard(cards);
    auto by_number = batch.EarnersByMemberNumber(numbers);

    struct Pending {
        size_t index;
        store::ReceiptRecord r;
        std::optional<store::EarnerRecord> member;
        SaleEarner earner;
    };
    std::vector<Pending> pending;
    std::vector<store::HouseholdMonth> months;
    for (size_t i : which) {
        const ReceiptInput& receipt = in[i];
        if (auto it = existing.find(receipt.receipt_id); it != existing.end()) {
            if (it->second.body_hash != receipt.body_hash) {
                out[i] = Error::Conflict("receipt " + receipt.receipt_id +
                                         " was posted before with different content");
            } else {
                ReceiptOutcome replay;
                replay.receipt = it->second;
                replay.replayed = true;
                out[i] = std::move(replay);
            }
            continue;
        }
        Pending p{i, NewRecord(where, receipt, now), std::nullopt, {}};
        std::optional<store::EarnerRecord> found;
        if (receipt.card)
            if (auto e = by_card.find(*receipt.card); e != by_card.end()) found = e->second;
        if (receipt.member_number)
            if (auto e = by_number.find(*receipt.member_number); e != by_number.end()) found = e->second;
        auto identified = Identify(where, receipt, std::move(found), p.r);
        if (!identified) {
            out[i] = identified.error();
            continue;
        }
        p.member = std::move(*identified);
        p.earner = EarnerOf(where, p.member, p.r);
        if (p.r.household_id) months.emplace_back(*p.r.household_id, p.r.month);
        pending.push_back(std::move(p));
    }

    // The households' month rows, locked (R_BON_3), then each sale in turn on the spend of those before it.
    auto spend = batch.LockMonthSpends(months);
    std::map<store::HouseholdMonth, store::MonthSpendRecord> added;
    std::vector<core::JournalEntry> entries;
    std::vector<size_t> entry_of;  // pending index -> entries index, or npos
    constexpr size_t kNone = static_cast<size_t>(-1);
    for (auto& p : pending) {
        if (p.r.household_id) {
            store::HouseholdMonth key{*p.r.household_id, p.r.month};
            p.earner.ctx.household_month_spend_before_minor =
                spend[key].eligible_minor + added[key].eligible_minor;
        }
        if (auto earned = Earn(where, in[p.index], p.earner, p.r); !earned) {
            out[p.index] = earned.error();
            entry_of.push_back(kNone);
            p.index = kNone;
            continue;
        }
        core::JournalEntry entry = NewEntry(where, in[p.index], p.r, actor);
        if (p.earner.may_earn) {
            AddSalePostings(where, p.r, entry);
            if (p.r.household_id) {
                auto& a = added[{*p.r.household_id, p.r.month}];
                a.eligible_minor += p.r.eligible_minor;
                a.points += p.r.points;
            }
        }
        if (entry.postings.empty()) {
            entry_of.push_back(kNone);
        } else {
            entry_of.push_back(entries.size());
            entries.push_back(std::move(entry));
        }
    }

    auto posted = ledger.PostMany(entries, now);
    if (!posted) return posted.error();
    std::vector<store::ReceiptRecord*> records;
    for (size_t k = 0; k < pending.size(); ++k) {
        if (pending[k].index == kNone) continue;
        if (entry_of[k] != kNone) pending[k].r.entry_id = posted->entry_ids[entry_of[k]];
        records.push_back(&pending[k].r);
    }
    for (auto it = added.begin(); it != added.end();)
        it = it->second.eligible_minor == 0 && it->second.points == 0 ? added.erase(it) : std::next(it);
    batch.AddMonthSpends(added);
    batch.Insert(records);

    // Each answer's balance: the household's after that receipt, from the balance after the whole run less
    // what the receipts after it added.
    const bool points = rules.reward == core::RewardKind::kPoints;
    auto balance_account = [&](int64_t household) {
        return points ? Account(kind::kHouseholdPoints, "household", household, "points")
                      : Account(kind::kHouseholdBonus, "household", household, rules.currency);
    };
    // The accounts the run changed have their balance from PostMany; the others are looked up.
    std::vector<core::AccountRef> refs;
    std::unordered_map<std::string, int64_t> balance;
    for (const auto& p : pending) {
        if (p.index == kNone || !p.r.household_id) continue;
        auto ref = balance_account(*p.r.household_id);
        auto key = store::AccountKey(ref);
        if (balance.contains(key)) continue;
        if (auto after = posted->BalanceOf(key)) {
            balance.emplace(std::move(key), *after);
            continue;
        }
        refs.push_back(std::move(ref));
    }
    for (auto& [key, account] : ledger.FindAccounts(refs)) balance.emplace(key, account.balance);
    for (auto p = pending.rbegin(); p != pending.rend(); ++p) {
        if (p->index == kNone) continue;
        ReceiptOutcome outcome;
        outcome.receipt = p->r;
        if (p->member) outcome.member_number = p->member->member_number;
        if (p->r.household_id) {
            int64_t& held = balance[store::AccountKey(balance_account(*p->r.household_id))];
            outcome.balance = held;
            outcome.balance_unit = points ? "points" : rules.currency;
            held -= points ? p->r.points : p->r.bonus_minor;
        }
        out[p->index] = std::move(outcome);
    }
    return core::Ok();
}

Result<ReceiptOutcome> ReceiptService::PostIn(store::Connection& c, const StoreContext& where,
                                              const ReceiptInput& in, const std::string& actor) {
    store::ReceiptRepository receipts(c);
    store::MembershipRepository members(c);
    store::LedgerRepository ledger(c);
    int64_t now = core::ToMillis(clock_.Now());
    const int64_t store_id = where.store.id;
    const auto* store = &where.store;
    const core::MarketRules& rules = *where.rules;

    // Idempotent on (store, receipt id): the same body gives the first result, another body is a conflict.
    if (auto existing = receipts.Find(store_id, in.receipt_id)) {
        if (existing->body_hash != in.body_hash)
            return Error::Conflict("receipt " + in.receipt_id + " was posted before with different content");
        ReceiptOutcome out;
        out.receipt = *existing;
        out.replayed = true;
        return out;
    }

    store::ReceiptRecord r = NewRecord(where, in, now);

    // Who earns: the identified customer's household (R_CARD_2, R_HH_6); for a return, the original sale's.
    std::optional<store::EarnerRecord> found;
    using By = store::MembershipRepository::IdentifyBy;
    if (in.card) found = members.FindEarner(By::kCard, *in.card);
    if (in.member_number) found = members.FindEarner(By::kMemberNumber, *in.member_number);
    auto identified = Identify(where, in, std::move(found), r);
    if (!identified) return identified.error();
    std::optional<store::EarnerRecord> member = std::move(*identified);

    const int64_t total = r.total_minor;
    core::JournalEntry entry = NewEntry(where, in, r, actor);
    core::AccountRef funding_money = Account(kind::kStoreFunding, "store", store_id, rules.currency);
    core::AccountRef funding_points = Account(kind::kStoreFunding, "store", store_id, "points");

    std::optional<store::QuoteRecord> quote;
    if (in.quote_id && total < 0) return Error::Invalid("a return names no quote", "quote_id");
    if (total < 0) {
        // A return: takes back, in proportion, what the original sale earned (R_BON_2 .. R_BON_7).
        if (!in.original_receipt_id)
            return Error::Invalid("a return names the sale it returns goods from", "original_receipt_id");
        auto original = receipts.Find(store_id, *in.original_receipt_id);
        if (!original)
            return Error::Invalid("no receipt " + *in.original_receipt_id + " in this store",
                                  "original_receipt_id");
        if (original->total_minor < 0)
            return Error::Invalid("the original is itself a return", "original_receipt_id");
        receipts.Lock(original->id);
        r.original_receipt_id = original->id;
        r.member_id = original->member_id;
        r.household_id = original->household_id;
        if (!r.identified_by && original->identified_by) r.identified_by = "original_receipt";
        auto returned = core::ComputeEarning(in.lines, in.tenders, rules, {});
        if (!returned) return returned.error();
        int64_t returned_eligible = -returned->eligible_minor;
        auto already = receipts.Returned(original->id);
        if (int64_t voucher_paid = VoucherPaid(original->tenders_json);
            voucher_paid > 0 && original->total_minor > 0) {
            // A sale paid partly with points-shop vouchers (R_BON_5, R_BON_2): the refund has no voucher
            // tender, so the returned goods' share of what the vouchers paid (on the running total of
            // returns, rounded half-even) is taken off what the return counts as returned for earning.
            if (-total > original->total_minor - already.total_minor)
                return Error::Invalid("more is returned than the sale has left", "lines");
            const int64_t before = MulDivHalfEven(already.total_minor, voucher_paid, original->total_minor);
            const int64_t after =
                MulDivHalfEven(already.total_minor - total, voucher_paid, original->total_minor);
            returned_eligible =
                std::clamp<int64_t>(returned_eligible - (after - before), 0,
                                    std::max<int64_t>(original->eligible_minor - already.eligible_minor, 0));
        } else if (returned_eligible > original->eligible_minor - already.eligible_minor) {
            return Error::Invalid("more is returned than the sale has left", "lines");
        }
        core::Earning earned{original->total_minor,
                             original->eligible_minor,
                             original->bonus_minor,
                             original->savings_minor,
                             original->points,
                             original->dividend_base_minor,
                             0};
        core::Earning taken{0,
                            already.eligible_minor,
                            already.bonus_minor,
                            already.savings_minor,
                            already.points,
                            already.dividend_base_minor,
                            0};
        core::Earning back = core::Reversal(earned, taken, returned_eligible);
        int64_t dividend_back = 0;
        if (original->dividend_base_minor > 0) {
            __int128 d = static_cast<__int128>(original->dividend_minor) * back.dividend_base_minor /
                         original->dividend_base_minor;
            dividend_back =
                std::min<int64_t>(static_cast<int64_t>(d), original->dividend_minor - already.dividend_minor);
        }
        // What was already spent, paid out or expired is not clawed back: a member's balance never goes below
        // zero, so each take-back stops at what the account holds now.
        auto cap = [&](const core::AccountRef& account, int64_t want) {
            auto held = ledger.FindAccount(account);
            return std::clamp<int64_t>(held ? held->balance : 0, 0, want);
        };
        if (r.household_id) {
            back.bonus_minor =
                cap(Account(kind::kHouseholdBonus, "household", *r.household_id, rules.currency),
                    back.bonus_minor);
            dividend_back = cap(Account(kind::kDividendAccrual, "household", *r.household_id, rules.currency),
                                dividend_back);
        }
        if (r.member_id)
            back.savings_minor =
                cap(Account(kind::kSavings, "member", *r.member_id, rules.currency), back.savings_minor);
        r.eligible_minor = -returned_eligible;
        r.bonus_minor = -back.bonus_minor;
        r.savings_minor = -back.savings_minor;
        r.dividend_base_minor = -back.dividend_base_minor;
        r.dividend_minor = -dividend_back;
        entry.source_kind = "return";
        entry.description = "return of receipt " + *in.original_receipt_id;
        if (r.household_id) {
            int64_t h = *r.household_id;
            core::AddTransfer(entry, funding_money,
                              Account(kind::kHouseholdBonus, "household", h, rules.currency),
                              back.bonus_minor);
            core::AddTransfer(
                entry, Account(kind::kDividendPayable, "cooperative", store->cooperative_id, rules.currency),
                Account(kind::kDividendAccrual, "household", h, rules.currency), dividend_back);
            if (back.points > 0) {
                // Points come back from the lots that still hold them, the sale's month first; points already
                // spent or expired are not clawed back (the balance never goes below zero).
                auto acc = Account(kind::kHouseholdPoints, "household", h, "points");
                int64_t acc_id = ledger.AccountId(acc, now);
                int64_t want = back.points;
                std::vector<std::pair<int, int64_t>> take;
                auto lots = ledger.Lots(acc_id);
                for (bool sale_month : {true, false}) {
                    for (const auto& lot : lots) {
                        if ((lot.month == original->month) != sale_month || want <= 0) continue;
                        int64_t n = std::min(want, lot.remaining);
                        if (n > 0) take.emplace_back(lot.month, n);
                        want -= n;
                    }
                }
                for (const auto& [month, n] : take) {
                    entry.postings.push_back({acc, -n, month});
                    entry.postings.push_back({funding_points, n, std::nullopt});
                    r.points -= n;
                }
            }
        }
        if (r.member_id) {
            core::AddTransfer(entry, funding_money,
                              Account(kind::kSavings, "member", *r.member_id, rules.currency),
                              back.savings_minor);
        }
        if (r.household_id)
            receipts.AddMonthSpend(*r.household_id, original->month, r.eligible_minor, r.points);
    } else {
        SaleEarner earner = EarnerOf(where, member, r);
        if (r.household_id) {
            // Lock the household's month row first (the upsert holds it to commit), so concurrent purchases
            // of one household take turns and each reads the spend of all before it (R_BON_3); PostgreSQL
            // runs READ COMMITTED.
            earner.ctx.household_month_spend_before_minor =
                receipts.LockMonthSpend(*r.household_id, r.month).first;
        }
        ANDEL_TRY(Earn(where, in, earner, r));
        // The offers of the priced basket (issue 6 §3): their extra bonus or points are earned with the
        // receipt, and the redemptions are written with it, once.
        if (in.quote_id) {
            if (!offers_) return Error::Invalid("offers are not enabled here", "quote_id");
            auto q = offers_->ClaimQuote(c, *in.quote_id, store_id, r.member_id, now);
            if (!q) return q.error();
            quote = *q;
            if (earner.may_earn && r.household_id) {
                r.bonus_minor += q->bonus_minor;
                r.points += q->points;
            } else if (earner.may_earn && earner.ctx.profile_customer) {
                r.savings_minor += q->bonus_minor;
            }
        }
        if (earner.may_earn) {
            AddSalePostings(where, r, entry);
            if (r.household_id) receipts.AddMonthSpend(*r.household_id, r.month, r.eligible_minor, r.points);
        }
    }

    // Paying with bonus (R_BON_6): the household's money account pays that tender, never below zero; a
    // return refunded in bonus puts it back. Points (SE) are spent in the points shop instead (R_BON_5).
    int64_t paid_with_bonus = 0;
    for (const auto& t : in.tenders)
        if (t.kind == "bonus") paid_with_bonus += t.amount_minor;
    if (paid_with_bonus != 0) {
        if (rules.reward == core::RewardKind::kPoints)
            return Error::Rule("R_BON_5", "points are spent in the points shop, not as a tender");
        if (!r.household_id)
            return Error::Invalid("paying with bonus needs an identified member with a household", "tenders");
        if (paid_with_bonus > 0) {
            auto household = members.FindHousehold(*r.household_id);
            auto owner = household ? members.FindMember(household->owner_member_id) : std::nullopt;
            if (owner && owner->is_demo)
                return Error::Rule("R_MEM_10", "the demo household's bonus is not real and cannot pay");
        }
        auto account = Account(kind::kHouseholdBonus, "household", *r.household_id, rules.currency);
        auto redemption = Account(kind::kRedemption, "store", store_id, rules.currency);
        if (paid_with_bonus > 0) {
            auto held = ledger.FindAccount(account);
            // What the household held before this purchase: bonus earned on it is not yet spendable.
            int64_t balance = held ? held->balance : 0;
            if (balance < paid_with_bonus)
                return Error::Invalid("the household's bonus (" + std::to_string(balance) +
                                          ") does not cover " + std::to_string(paid_with_bonus),
                                      "tenders");
            core::AddTransfer(entry, redemption, account, paid_with_bonus);
        } else {
            core::AddTransfer(entry, account, redemption, -paid_with_bonus);
        }
    }

    ANDEL_TRY(UseVouchers(c, where, in, entry));

    // PostMany for one entry: its accounts found in one statement per kind, its postings in one, and each
    // balance updated once, in account id order (fewer round trips on PostgreSQL than Post).
    std::optional<store::PostedBatch> posted;
    if (!entry.postings.empty()) {
        auto batch = ledger.PostMany({entry}, now);
        // The same receipt committed by a concurrent request since Find() above: retried by InTransaction,
        // whose next attempt finds it and replays it.
        if (!batch && batch.error().code == core::ErrorCode::kConflict)
            throw store::DbError(store::DbError::Kind::kUniqueViolation, batch.error().detail);
        if (!batch) return batch.error();
        r.entry_id = batch->entry_ids.front();
        posted = std::move(*batch);
    }
    r.id = receipts.Insert(r);
    if (quote) OfferService::RecordRedemptions(c, *quote, r.id, now);

    ReceiptOutcome out;
    out.receipt = r;
    if (member) out.member_number = member->member_number;
    if (r.household_id) {
        bool points = rules.reward == core::RewardKind::kPoints;
        auto ref = points ? Account(kind::kHouseholdPoints, "household", *r.household_id, "points")
                          : Account(kind::kHouseholdBonus, "household", *r.household_id, rules.currency);
        out.balance = 0;
        if (auto after = posted ? posted->BalanceOf(store::AccountKey(ref)) : std::nullopt; after.has_value())
            out.balance = *after;
        else if (auto acc = ledger.FindAccount(ref))
            out.balance = acc->balance;
        out.balance_unit = points ? "points" : rules.currency;
    }
    return out;
}

}  // namespace andel::app
