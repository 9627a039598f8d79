#include "app/lifecycle/membership_ending.hpp"

#include "app/transaction.hpp"
#include "core/ledger/journal.hpp"
#include "core/membership/numbers.hpp"
#include "core/membership/rules.hpp"
#include "store/access/account_repository.hpp"
#include "store/ledger/ledger_repository.hpp"
#include "store/membership/membership_repository.hpp"

namespace andel::app {
namespace {

using core::Error;
using core::Result;
using store::Int;
using store::Text;
namespace kind = core::account_kind;

core::MemberFacts FactsOf(const store::MemberRecord& m) {
    core::MemberFacts f;
    f.id = m.id;
    f.kind = m.kind == "profile" ? core::MemberKind::kProfile : core::MemberKind::kMember;
    f.status = m.status == "active" ? core::MemberStatus::kActive : core::MemberStatus::kEnded;
    core::ParseDate(m.person.birth_date, f.birth_date);
    f.share_paid_minor = m.share_paid_minor;
    f.household_id = m.household_id;
    return f;
}

}  // namespace

Result<MembershipEndOutcome> MembershipEnding::Preview(const std::string& member_number) {
    // Run in a transaction that is always rolled back: the preview computes exactly what End would do.
    try {
        store::Transaction tx(db_);
        return Run(tx.conn(), member_number, false, false, "", false, "preview");
    } catch (const store::DbError& e) {
        if (e.kind() == store::DbError::Kind::kBusy)
            return Error{core::ErrorCode::kUnavailable, "busy", {}, {}, 1};
        throw;
    }
}

Result<MembershipEndOutcome> MembershipEnding::End(const std::string& member_number, bool by_operator,
                                                   const std::string& reason, bool leave_cooperative,
                                                   const std::string& actor) {
    if (by_operator && (reason.empty() || reason.size() > 200))
        return Error::Malformed("the operator gives a reason of 1 to 200 characters", "reason");
    return InTransaction(db_, [&](store::Connection& c) {
        return Run(c, member_number, true, by_operator, reason, leave_cooperative, actor);
    });
}

Result<MembershipEndOutcome> MembershipEnding::Run(store::Connection& c, const std::string& member_number,
                                                   bool apply, bool by_operator, const std::string& reason,
                                                   bool leave_cooperative, const std::string& actor) {
    if (!core::IsValidMemberNumber(member_number))
        return Error::Malformed("a member number has 8 digits with a valid check digit", "member_number");
    return RunFor(c, store::MembershipRepository(c).FindMemberByNumber(member_number), apply, by_operator,
                  reason, leave_cooperative, actor);
}

Result<MembershipEndOutcome> MembershipEnding::PreviewById(int64_t member_id) {
    try {
        store::Transaction tx(db_);
        return RunFor(tx.conn(), store::MembershipRepository(tx.conn()).FindMember(member_id), false, false,
                      "", false, "preview");
    } catch (const store::DbError& e) {
        if (e.kind() == store::DbError::Kind::kBusy)
            return Error{core::ErrorCode::kUnavailable, "busy", {}, {}, 1};
        throw;
    }
}

Result<MembershipEndOutcome> MembershipEnding::EndById(int64_t member_id, const std::string& reason,
                                                       bool leave_cooperative, const std::string& actor) {
    return InTransaction(db_, [&](store::Connection& c) {
        return RunFor(c, store::MembershipRepository(c).FindMember(member_id), true, false, reason,
                      leave_cooperative, actor);
    });
}

Result<MembershipEndOutcome> MembershipEnding::RunFor(store::Connection& c,
                                                      std::optional<store::MemberRecord> m, bool apply,
                                                      bool by_operator, const std::string& reason,
                                                      bool leave_cooperative, const std::string& actor) {
    store::MembershipRepository repo(c);
    if (!m) return Error::NotFound("no member with that number");
    const std::string member_number = m->member_number.value_or("");
    if (m->status != "active") return Error::Conflict("the membership has ended already");
    if (m->is_demo)
        return Error::Rule("R_MEM_10", "the demo member cannot be ended: it shows every function");
    auto market = markets_.find(m->market);
    if (market == markets_.end()) return Error::Invalid("the member's market is not enabled");
    const auto& rules = market->second;
    const int64_t now = core::ToMillis(clock_.Now());
    const core::Date today = core::UtcDate(clock_.Now());

    MembershipEndOutcome out;
    out.member_number = member_number;  // empty for a customer with a profile
    out.household = "none";
    core::JournalEntry forfeit;
    forfeit.source_kind = "membership_end";
    forfeit.source_key = "member:" + std::to_string(m->id);
    forfeit.description =
        (m->member_number ? "membership " + member_number : std::string("a customer profile")) +
        " ended: its value is forfeited (R_LIFE_2)";
    forfeit.actor = actor;
    forfeit.occurred_at = now;
    store::LedgerRepository ledger(c);
    // Every member-value account of `owner` goes to the operator's forfeiture account, points lot by lot.
    auto forfeit_accounts = [&](const char* owner_kind, int64_t owner_id) {
        for (const char* k : {kind::kHouseholdBonus, kind::kHouseholdBonusPending, kind::kDividendAccrual,
                              kind::kSavings, kind::kHouseholdPoints, kind::kHouseholdPointsPending}) {
            const bool points = std::string(k).find("points") != std::string::npos;
            const std::string unit = points ? "points" : rules.currency;
            auto account = ledger.FindAccount({k, owner_kind, owner_id, unit});
            if (!account || account->balance <= 0) continue;
            out.forfeited.push_back({k, unit, account->balance});
            core::AccountRef to{kind::kForfeiture, "operator", 0, unit};
            if (std::string(k) == kind::kHouseholdPoints) {
                for (const auto& lot : ledger.Lots(account->id))
                    if (lot.remaining > 0)
                        forfeit.postings.push_back({account->ref, -lot.remaining, lot.month});
                forfeit.postings.push_back({to, account->balance, std::nullopt});
            } else {
                core::AddTransfer(forfeit, to, account->ref, account->balance);
            }
        }
    };

    if (m->household_id) {
        const int64_t h = *m->household_id;
        if (m->household_role == std::optional<std::string>("participant")) {
            // R_HH_7: a participant who leaves keeps no right to the household's points; nothing moves.
            out.household = "left";
            if (apply) {
                repo.RemoveFromHousehold(m->id);
                repo.AddHouseholdEvent(h, m->id, "left", actor, now);
            }
        } else {
            std::vector<store::MemberRecord> participants;
            for (const auto& r :
                 c.Query("SELECT member_id FROM household_members WHERE household_id = $1 AND role = "
                         "'participant' ORDER BY joined_at, member_id",
                         {Int(h)}))
                participants.push_back(*repo.FindMember(r.Int(0)));
            std::vector<core::MemberFacts> facts;
            for (const auto& p : participants) facts.push_back(FactsOf(p));
            auto heir = core::ChooseNewOwner(facts, rules, today);
            if (heir) {
                const auto& next = participants[*heir];
                out.household = "handed_over";
                out.new_owner = next.member_number;
                if (apply) {
                    repo.RemoveFromHousehold(m->id);
                    c.Execute("UPDATE households SET owner_member_id = $2 WHERE id = $1",
                              {Int(h), Int(next.id)});
                    c.Execute("UPDATE household_members SET role = 'owner' WHERE member_id = $1",
                              {Int(next.id)});
                    repo.AddHouseholdEvent(h, m->id, "left", actor, now);
                    repo.AddEvent(next.id, "household_handed_over", "{\"from\":\"" + member_number + "\"}",
                                  actor, now);
                }
            } else {
                // The household ends: its pooled value is forfeited (R_LIFE_2, R_BON_9), its participants
                // leave.
                out.household = "ended";
                forfeit_accounts("household", h);
                if (apply) {
                    for (const auto& p : participants) {
                        repo.RemoveFromHousehold(p.id);
                        repo.AddHouseholdEvent(h, p.id, "removed", actor, now);
                    }
                    repo.RemoveFromHousehold(m->id);
                    repo.AddHouseholdEvent(h, m->id, "left", actor, now);
                    // Partner bonus still held back for the household will never be released.
                    c.Execute(
                        "UPDATE partner_sales SET released_at = $2 WHERE household_id = $1 AND release_on IS "
                        "NOT "
                        "NULL AND released_at IS NULL",
                        {Int(h), Int(now)});
                }
            }
        }
    }
    forfeit_accounts("member", m->id);  // a customer with a profile's savings (R_MEM_2)
    if (!forfeit.postings.empty()) {
        auto posted = ledger.Post(forfeit, now);
        if (!posted) return posted.error();
    }
    if (leave_cooperative && m->share_paid_minor > 0) {
        out.left_cooperative = true;
        out.share_refund_minor = m->share_paid_minor;
    }
    for (const auto& card : repo.ListCards(m->id)) {
        if (card.status == "revoked" || card.status == "replaced") continue;
        ++out.cards_revoked;
        if (apply) repo.SetCardStatus(card.id, "revoked", "membership ended", now);
    }
    store::AccountRepository accounts(c);
    for (const auto& r : c.Query("SELECT id FROM accounts WHERE member_id = $1", {Int(m->id)})) {
        if (apply) {
            out.sessions_ended += accounts.RevokeAllSessions(r.Int(0), "membership ended", now);
            c.Execute("UPDATE accounts SET status = 'disabled', updated_at = $2 WHERE id = $1",
                      {Int(r.Int(0)), Int(now)});
        } else {
            out.sessions_ended +=
                c.QueryOne(
                     "SELECT COUNT(*) FROM sessions WHERE account_id = $1 AND revoked_at IS NULL "
                     "AND expires_at > $2",
                     {Int(r.Int(0)), Int(now)})
                    ->Int(0);
        }
    }
    if (!apply) return out;
    const std::string why = by_operator ? reason : (reason.empty() ? "ended by the member" : reason);
    c.Execute(
        "UPDATE members SET status = 'ended', ended_at = $2, end_reason = $3, version = version + 1 WHERE id "
        "= $1",
        {Int(m->id), Int(now), Text(why)});
    repo.AddEvent(m->id, by_operator ? "ended_by_operator" : "ended",
                  "{\"household\":\"" + out.household +
                      "\",\"cards_revoked\":" + std::to_string(out.cards_revoked) + "}",
                  actor, now);
    if (out.left_cooperative) {
        // R_MEM_4: the share is refunded when the person leaves the cooperative; the refund is recorded here
        // and paid by the cooperative's own books.
        repo.AddEvent(m->id, "share_refunded",
                      "{\"amount_minor\":" + std::to_string(out.share_refund_minor) + "}", actor, now);
        c.Execute("UPDATE members SET share_paid_minor = 0 WHERE id = $1", {Int(m->id)});
    }
    if (by_operator) store::AccountRepository(c).Audit(actor, "membership_ended", m->id, why, now);
    out.ended = true;
    return out;
}

}  // namespace andel::app
