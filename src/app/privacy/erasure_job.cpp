#include "app/privacy/erasure_job.hpp"

#include <optional>
#include <vector>

#include "app/jobs/job_lease.hpp"
#include "app/transaction.hpp"

namespace andel::app {
namespace {

using core::Error;
using core::Result;
using store::Int;
using store::Text;

constexpr const char* kJob = "erasure";
constexpr int kBatch = 1000;

struct Due {
    int64_t id = 0, person_id = 0;
    std::optional<std::string> number;
};

// The statements of one batch, written once per engine: every list of ids is one parameter.
struct Statements {
    explicit Statements(store::Engine e) {
        auto in = [e](const std::string& column, const char* p = "$1") {
            return column + " " + store::InIds(e, p);
        };
        accounts = "SELECT id FROM accounts WHERE " + in("member_id");
        // Clear what the member's logins left: messages, sessions, codes, campaigns, then the logins.
        // Coopay: codes name the sessions, so they go first; payments keep their amounts without the code.
        coopay = {
            "UPDATE payments SET code_id = NULL WHERE " + in("member_id"),
            "DELETE FROM payment_codes WHERE " + in("member_id"),
            "DELETE FROM coopay_activations WHERE " + in("member_id"),
            "DELETE FROM offer_assignments WHERE " + in("member_id"),
            "DELETE FROM offer_activations WHERE " + in("member_id"),
            "DELETE FROM basket_quotes WHERE " + in("member_id"),
            "DELETE FROM self_scan_sessions WHERE " + in("member_id"),
            "DELETE FROM self_scan_rights WHERE " + in("member_id"),
            // The organisation's record of the person it shops for stays; the link to the member goes.
            "UPDATE portal_end_customers SET member_id = NULL WHERE " + in("member_id"),
            "DELETE FROM family_payment_limits WHERE " + in("member_id"),
            "DELETE FROM family_payment_limits WHERE " + in("owner_member_id"),
            "UPDATE payment_methods SET token_sealed = '', label = '', status = 'removed' WHERE " +
                in("member_id"),
        };
        by_account = {
            "DELETE FROM portal_cart_items WHERE " + in("account_id"),
            "DELETE FROM portal_saved_cart_items WHERE saved_cart_id IN (SELECT id FROM portal_saved_carts "
            "WHERE " +
                in("account_id") + ")",
            "DELETE FROM portal_saved_carts WHERE " + in("account_id"),
            "DELETE FROM outbox WHERE " + in("account_id"),
            "DELETE FROM sessions WHERE " + in("account_id"),
            "DELETE FROM auth_challenges WHERE " + in("account_id"),
            "DELETE FROM relogin_participants WHERE " + in("account_id"),
        };
        by_member = {
            "DELETE FROM inbox_messages WHERE " + in("member_id"),
            "DELETE FROM contact_changes WHERE " + in("member_id"),
            "DELETE FROM outbox WHERE " + in("member_id"),
            "DELETE FROM relogin_participants WHERE " + in("member_id"),
            "DELETE FROM accounts WHERE " + in("member_id"),
            "DELETE FROM consent_events WHERE " + in("member_id"),
            "DELETE FROM marketing_choices WHERE " + in("member_id"),
            "DELETE FROM terms_acceptances WHERE " + in("member_id"),
            "DELETE FROM member_events WHERE " + in("member_id"),
            "DELETE FROM household_members WHERE " + in("member_id"),
            "UPDATE cards SET replaces_card_id = NULL WHERE " + in("member_id"),
            "DELETE FROM cards WHERE " + in("member_id"),
            // Staff actions stay accountable (who did what, when) without what they saw or wrote.
            "UPDATE audit_log SET detail = '' WHERE " + in("subject_member_id"),
            // Receipts stay for the books and the household's dividend, without the person.
            "UPDATE receipts SET member_id = NULL, identified_by = NULL WHERE " + in("member_id"),
        };
        // Events in households the member was in: the heir's hand-over names the member's number.
        handovers =
            "SELECT me.id, me.detail FROM member_events me WHERE me.kind = 'household_handed_over' AND "
            "me.member_id IN (SELECT o.member_id FROM household_events o JOIN household_events h ON "
            "h.household_id = o.household_id WHERE h." +
            in("member_id") + ")";
        household_events = "DELETE FROM household_events WHERE " + in("member_id");
        persons =
            "UPDATE persons SET national_id_hash = NULL, first_name = '', last_name = '', name_key = '', "
            "birth_date = '', email = NULL, phone = NULL, street = '', postal_code = '', city = '', "
            "updated_at = $2 WHERE " +
            in("id");
        members =
            "UPDATE members SET member_number = NULL, home_store_id = NULL, end_reason = NULL, "
            "new_login_at = NULL, share_paid_at = NULL, erased_at = $2, version = version + 1 WHERE " +
            in("id");
        audit =
            "INSERT INTO audit_log (actor, action, subject_member_id, detail, at) SELECT 'job:erasure', "
            "'erased', id, 'R_PRIV_3', $2 FROM members WHERE " +
            in("id");
        // The forfeiture and conversion entries' descriptions name the member number.
        entries = {
            "UPDATE ledger_entries SET description = 'a membership ended: its value is forfeited (R_LIFE_2)' "
            "WHERE source_kind = 'membership_end' AND source_key = $1",
            "UPDATE ledger_entries SET description = 'a profile became a membership' WHERE source_kind = "
            "'conversion' AND source_key = $1",
        };
    }
    std::string accounts, handovers, household_events, persons, members, audit;
    std::vector<std::string> coopay, by_account, by_member, entries;
};

std::string Replaced(std::string text, const std::string& what, const std::string& with) {
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + with.size()))
        text.replace(at, what.size(), with);
    return text;
}

}  // namespace

Result<ErasureReport> ErasureJob::Run(bool dry_run) {
    ErasureReport report;
    report.dry_run = dry_run;
    std::optional<JobLease> lease;
    if (!dry_run) {
        auto taken = JobLease::Take(db_, kJob, core::ToMillis(clock_.Now()), 10 * 60 * 1000);
        if (!taken) return taken.error();
        lease = std::move(*taken);
    }
    LeaseGuard guard(db_, lease);
    const Statements sql(db_.engine());
    // Messages: what was sent (or will never be) keeps its recipient and text for kMessageRetentionDays.
    {
        const int64_t before =
            core::ToMillis(clock_.Now()) - int64_t{kMessageRetentionDays} * 24 * 3600 * 1000;
        const char* where =
            " FROM outbox WHERE sealed_body <> '' AND created_at < $1 AND status IN ('sent', 'failed', "
            "'suppressed')";
        if (dry_run) {
            auto c = db_.Read();
            report.messages_emptied =
                c->QueryOne(std::string("SELECT COUNT(*)") + where, {Int(before)})->Int(0);
        } else {
            for (;;) {
                auto emptied = InTransaction(db_, [&](store::Connection& c) -> Result<int64_t> {
                    if (!lease->Renew(c, core::ToMillis(clock_.Now())))
                        return Error::Conflict("the erasure job's lease was taken over");
                    std::vector<int64_t> ids;
                    for (const auto& r :
                         c.Query(std::string("SELECT id") + where + " ORDER BY created_at LIMIT $2",
                                 {Int(before), Int(kBatch)}))
                        ids.push_back(r.Int(0));
                    if (ids.empty()) return int64_t{0};
                    c.Execute("UPDATE outbox SET recipient = '', sealed_body = '' WHERE id " +
                                  store::InIds(c.engine(), "$1"),
                              {store::IdsParam(c.engine(), ids)});
                    return static_cast<int64_t>(ids.size());
                });
                if (!emptied) return emptied.error();
                if (*emptied == 0) break;
                report.messages_emptied += *emptied;
            }
        }
    }
    for (const auto& [code, rules] : markets_) {
        // Due: ended erasure_months ago or longer (R_PRIV_3: "within 12 months"; run hourly, never later
        // than that by more than an hour).
        const int64_t cutoff = core::ToMillis(core::MonthsBefore(clock_.Now(), rules.erasure_months));
        if (dry_run) {
            auto c = db_.Read();
            report.erased += c->QueryOne(
                                  "SELECT COUNT(*) FROM members WHERE status = 'ended' AND erased_at IS NULL "
                                  "AND ended_at <= $2 AND market = $1",
                                  {Text(code), Int(cutoff)})
                                 ->Int(0);
            continue;
        }
        for (;;) {
            auto erased = InTransaction(db_, [&](store::Connection& c) -> Result<int64_t> {
                if (!lease->Renew(c, core::ToMillis(clock_.Now())))
                    return Error::Conflict("the erasure job's lease was taken over");
                const auto e = c.engine();
                std::vector<Due> due;
                for (const auto& r :
                     c.Query("SELECT id, person_id, member_number FROM members WHERE status = 'ended' AND "
                             "erased_at IS NULL AND ended_at <= $2 AND market = $1 ORDER BY ended_at, id "
                             "LIMIT $3",
                             {Text(code), Int(cutoff), Int(kBatch)}))
                    due.push_back({r.Int(0), r.Int(1), r.OptText(2)});
                if (due.empty()) return int64_t{0};
                std::vector<int64_t> member_ids, person_ids;
                for (const auto& d : due) {
                    member_ids.push_back(d.id);
                    person_ids.push_back(d.person_id);
                }
                const auto members = store::IdsParam(e, member_ids);
                for (const auto& s : sql.coopay) c.Execute(s, {members});
                std::vector<int64_t> account_ids;
                for (const auto& r : c.Query(sql.accounts, {members})) account_ids.push_back(r.Int(0));
                if (!account_ids.empty()) {
                    const auto accounts = store::IdsParam(e, account_ids);
                    c.Execute(
                        "DELETE FROM inbox_messages WHERE outbox_id IN (SELECT id FROM outbox WHERE "
                        "account_id " +
                            store::InIds(e, "$1") + ")",
                        {accounts});
                    for (const auto& s : sql.by_account) c.Execute(s, {accounts});
                }
                for (const auto& r : c.Query(sql.handovers, {members})) {
                    std::string detail = r.Text(1);
                    for (const auto& d : due)
                        if (d.number) detail = Replaced(detail, *d.number, "erased");
                    if (detail != r.Text(1))
                        c.Execute("UPDATE member_events SET detail = $2 WHERE id = $1",
                                  {Int(r.Int(0)), Text(detail)});
                }
                c.Execute(sql.household_events, {members});
                for (const auto& s : sql.by_member) c.Execute(s, {members});
                for (const auto& d : due)
                    for (const auto& s : sql.entries) c.Execute(s, {Text("member:" + std::to_string(d.id))});
                const int64_t now = core::ToMillis(clock_.Now());
                c.Execute(sql.persons, {store::IdsParam(e, person_ids), Int(now)});
                c.Execute(sql.members, {members, Int(now)});
                c.Execute(sql.audit, {members, Int(now)});
                return static_cast<int64_t>(due.size());
            });
            if (!erased) return erased.error();
            if (*erased == 0) break;
            report.erased += *erased;
        }
    }
    return report;
}

}  // namespace andel::app
