#include "app/ledger/adjustment_service.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "app/local_time.hpp"
#include "app/transaction.hpp"
#include "core/csv.hpp"
#include "core/ledger/journal.hpp"
#include "core/membership/numbers.hpp"
#include "store/ledger/ledger_repository.hpp"
#include "store/membership/membership_repository.hpp"

namespace andel::app {
namespace {

using core::Error;
using core::Result;
namespace kind = core::account_kind;

bool IsKeyChar(char c) { return c > ' ' && c < 0x7f; }  // visible ASCII, as an HTTP header carries it

Result<void> CheckInput(const AdjustmentInput& in) {
    if (!core::IsValidMemberNumber(in.member_number))
        return Error::Malformed("a member number has 8 digits with a valid check digit", "member_number");
    if (in.amount == 0) return Error::Invalid("an adjustment of 0 changes nothing", "amount");
    if (in.amount > RewardAdjustments::kMaxAmount || in.amount < -RewardAdjustments::kMaxAmount)
        return Error::Invalid("at most 1 000 000 (points or øre/öre) either way in one adjustment", "amount");
    if (in.reason.empty()) return Error::Invalid("say why: the reason is recorded", "reason");
    if (in.reason.size() > RewardAdjustments::kMaxReason || !core::IsValidUtf8(in.reason))
        return Error::Invalid("the reason is at most 500 characters of text", "reason");
    if (in.idempotency_key.empty() || in.idempotency_key.size() > 100 ||
        !std::all_of(in.idempotency_key.begin(), in.idempotency_key.end(), IsKeyChar))
        return Error::Malformed("the idempotency key is 1 to 100 visible ASCII characters",
                                "idempotency_key");
    return {};
}

}  // namespace

Result<AdjustmentOutcome> RewardAdjustments::Adjust(const AdjustmentInput& in, const std::string& actor) {
    if (auto bad = CheckInput(in); !bad) return bad.error();
    return InTransaction(db_, [&](store::Connection& c) -> Result<AdjustmentOutcome> {
        store::MembershipRepository members(c);
        store::LedgerRepository ledger(c);
        auto now_ts = clock_.Now();
        int64_t now = core::ToMillis(now_ts);

        auto member = members.FindMemberByNumber(in.member_number);
        if (!member) return Error::NotFound("no member with that number");
        auto market = markets_.find(member->market);
        if (market == markets_.end()) return Error::NotFound("the member's market is not enabled");
        const core::MarketRules& rules = market->second;
        bool points = rules.reward == core::RewardKind::kPoints;
        std::string unit = points ? "points" : rules.currency;
        if (!member->household_id)
            return Error::Invalid("the member belongs to no household, so holds no bonus or points",
                                  "member_number");
        core::AccountRef household{points ? kind::kHouseholdPoints : kind::kHouseholdBonus, "household",
                                   *member->household_id, unit};
        core::AccountRef counter{kind::kAdjustment, "operator", 0, unit};
        std::string source_key = "member:" + std::to_string(member->id) + "/key:" + in.idempotency_key;

        // The same key again: the first result if it asked the same, a conflict otherwise.
        if (auto done = ledger.FindEntry("adjustment", source_key)) {
            auto row = c.QueryOne(
                "SELECT e.description, p.amount, a.balance FROM ledger_entries e "
                "JOIN ledger_postings p ON p.entry_id = e.id JOIN ledger_accounts a ON a.id = p.account_id "
                "WHERE e.id = $1 AND a.kind = $2 AND a.owner_kind = 'household' AND a.owner_id = $3",
                {store::Int(*done), store::Text(household.kind), store::Int(household.owner_id)});
            int64_t amount = 0;
            std::vector<std::pair<int, int64_t>> lots;
            for (const auto& p :
                 c.Query("SELECT p.amount, p.lot_month FROM ledger_postings p JOIN ledger_accounts a ON "
                         "a.id = p.account_id WHERE p.entry_id = $1 AND a.kind = $2 ORDER BY p.lot_month",
                         {store::Int(*done), store::Text(household.kind)})) {
                amount += p.Int(0);
                if (auto month = p.OptInt(1); month && p.Int(0) < 0)
                    lots.emplace_back(static_cast<int>(*month), -p.Int(0));
            }
            if (!row || row->Text(0) != in.reason || amount != in.amount)
                return Error::Conflict("this idempotency key was used before for a different adjustment");
            AdjustmentOutcome out{*done, in.member_number, unit, amount, row->Int(2), std::move(lots), true};
            return out;
        }

        if (member->status != "active") return Error::Invalid("the membership has ended", "member_number");
        if (auto h = members.FindHousehold(*member->household_id)) {
            auto owner = members.FindMember(h->owner_member_id);
            if (owner && owner->is_demo)
                return Error::Rule("R_MEM_10", "the demo household's value is not real and is not adjusted");
        }

        // Lock the household's account first, so a concurrent redemption or payment takes its turn and the
        // lots read below are the ones this entry debits.
        int64_t account_id = ledger.AccountId(household, now);
        int64_t balance =
            c.QueryOne("UPDATE ledger_accounts SET balance = balance WHERE id = $1 RETURNING balance",
                       {store::Int(account_id)})
                ->Int(0);
        if (balance + in.amount < 0)
            return Error::Invalid("the household holds " + std::to_string(balance) + " " + unit +
                                      "; an adjustment cannot take more than that",
                                  "amount");

        core::JournalEntry entry;
        entry.source_kind = "adjustment";
        entry.source_key = source_key;
        entry.description = in.reason;
        entry.actor = actor;
        entry.occurred_at = now;
        AdjustmentOutcome out;
        if (in.amount > 0) {
            std::optional<int> lot;
            if (points) lot = LocalMonth(rules.time_zone, now_ts);  // valid from this month (R_BON_4)
            core::AddTransfer(entry, household, counter, in.amount, lot);
        } else if (points) {
            out.lots = ledger.OldestLots(account_id, -in.amount);  // R_BON_4: the oldest points first
            int64_t taken = 0;
            for (const auto& [month, n] : out.lots) {
                entry.postings.push_back({household, -n, month});
                taken += n;
            }
            if (taken != -in.amount)  // the lots hold the balance (`andel check ledger`); a bug otherwise
                return Error{core::ErrorCode::kInternal,
                             "the household's points lots do not hold its balance",
                             {},
                             {}};
            entry.postings.push_back({counter, taken, std::nullopt});
        } else {
            core::AddTransfer(entry, counter, household, -in.amount);
        }
        auto entry_id = ledger.Post(entry, now);
        if (!entry_id && entry_id.error().code == core::ErrorCode::kConflict)  // a concurrent twin: retry
            throw store::DbError(store::DbError::Kind::kUniqueViolation, entry_id.error().detail);
        if (!entry_id) return entry_id.error();

        members.AddEvent(member->id, "rewards_adjusted",
                         nlohmann::json{{"amount", in.amount}, {"unit", unit}, {"reason", in.reason}}.dump(),
                         actor, now);
        out.entry_id = *entry_id;
        out.member_number = in.member_number;
        out.unit = unit;
        out.amount = in.amount;
        out.balance_after = balance + in.amount;
        return out;
    });
}

}  // namespace andel::app
