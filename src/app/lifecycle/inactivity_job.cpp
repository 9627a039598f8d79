#include "app/lifecycle/inactivity_job.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <vector>

#include "app/jobs/job_lease.hpp"
#include "app/lifecycle/membership_ending.hpp"
#include "app/transaction.hpp"
#include "notify/outbox.hpp"

namespace andel::app {
namespace {

using core::Error;
using core::Result;
using store::Int;
using store::Text;

constexpr const char* kJob = "inactivity";
constexpr int kBatch = 500;

// What a household needs: 0 nothing, 1 its notice withdrawn (active again), 2 a notice, 3 its ending.
struct Decision {
    int64_t last = 0, inactive_at = 0, due_at = 0;
    std::optional<std::string> reason;
    bool noticed = false, ended = false;
    int action = 0;
};

struct Household {
    int64_t id = 0, owner_id = 0, created_at = 0;
    std::optional<std::string> email, phone;
    std::string owner_number;
};

}  // namespace

Result<InactivityReport> InactivityJob::Run(bool dry_run) {
    const auto started = clock_.Now();
    std::optional<JobLease> lease;
    if (!dry_run) {
        auto taken = JobLease::Take(db_, kJob, core::ToMillis(started), 10 * 60 * 1000);
        if (!taken) return taken.error();
        lease = std::move(*taken);
    }
    LeaseGuard guard(db_, lease);
    InactivityReport report;
    report.dry_run = dry_run;
    MembershipEnding ending(db_, clock_, markets_);
    for (const auto& [code, rules] : markets_) {
        const int64_t now = core::ToMillis(clock_.Now());
        const int64_t inactive_before =
            core::ToMillis(core::MonthsBefore(clock_.Now(), rules.inactivity_months));
        const int64_t notice_ms = int64_t{rules.inactivity_notice_days} * 24 * 3600 * 1000;
        int64_t after = 0;
        for (;;) {
            std::vector<Household> batch;
            {
                auto c = db_.Read();
                for (const auto& r : c->Query(
                         "SELECT h.id, h.owner_member_id, h.created_at, p.email, p.phone, m.member_number "
                         "FROM "
                         "households h JOIN members m ON m.id = h.owner_member_id JOIN persons p ON p.id = "
                         "m.person_id WHERE m.market = $1 AND m.status = 'active' AND m.is_demo = 0 AND h.id "
                         "> $2 "
                         "ORDER BY h.id LIMIT $3",
                         {Text(code), Int(after), Int(kBatch)}))
                    batch.push_back({r.Int(0), r.Int(1), r.Int(2), r.OptText(3), r.OptText(4), r.Text(5)});
            }
            if (batch.empty()) break;
            after = batch.back().id;
            if (lease) {  // most batches write nothing: renew the lease once per batch
                auto renewed = InTransaction(db_, [&](store::Connection& c) -> Result<bool> {
                    if (!lease->Renew(c, core::ToMillis(clock_.Now())))
                        return Error::Conflict("the inactivity job's lease was taken over");
                    return true;
                });
                if (!renewed) return renewed.error();
            }
            // What each household needs, read without a write transaction (most need nothing).
            auto decide = [&](store::Connection& c, const Household& h) {
                // The last earning or spending on the household's value accounts (expiry and forfeiture are
                // not the household's doing), or its start.
                int64_t last =
                    c.QueryOne(
                         "SELECT COALESCE(MAX(e.occurred_at), 0) FROM ledger_accounts a JOIN "
                         "ledger_postings p ON p.account_id = a.id JOIN ledger_entries e ON e.id = "
                         "p.entry_id WHERE a.kind IN ('household_bonus', 'household_points', "
                         "'dividend_accrual', 'household_bonus_pending', 'household_points_pending') AND "
                         "a.owner_kind = 'household' AND a.owner_id = $1 AND e.source_kind NOT IN "
                         "('expiry', 'membership_end')",
                         {Int(h.id)})
                        ->Int(0);
                Decision d;
                d.last = std::max(last, h.created_at);
                const bool cooperative =
                    c.QueryOne(
                         "SELECT COUNT(*) FROM household_members hm JOIN members m ON m.id = hm.member_id "
                         "WHERE hm.household_id = $1 AND m.kind = 'member' AND m.status = 'active' AND "
                         "m.share_paid_minor >= $2",
                         {Int(h.id), Int(rules.share_minor)})
                        ->Int(0) > 0;
                // Inactive from the day its last activity is inactivity_months old.
                d.inactive_at = d.last + (now - inactive_before);
                if (!cooperative)
                    d.reason = "no_cooperative_member";
                else if (d.inactive_at <= now + notice_ms)
                    d.reason = "inactive";
                if (auto n =
                        c.QueryOne("SELECT due_at, ended_at FROM inactivity_notices WHERE household_id = $1",
                                   {Int(h.id)})) {
                    d.noticed = true;
                    d.due_at = n->Int(0);
                    d.ended = !n->IsNull(1);
                }
                if (!d.reason)
                    d.action = d.noticed ? 1 : 0;  // active again, or nothing to do
                else if (!d.noticed)
                    d.action = 2;  // tell
                else if (!d.ended && d.due_at <= now)
                    d.action = 3;  // end
                return d;
            };
            std::vector<std::pair<const Household*, int>> todo;
            {
                auto c = db_.Read();
                for (const auto& h : batch) {
                    ++report.households;
                    int action = decide(*c, h).action;
                    if (action != 0) todo.emplace_back(&h, action);
                }
            }
            // Notices given and withdrawn: one transaction for the batch, each decided again inside it.
            auto written =
                dry_run ? Result<std::vector<int>>(std::vector<int>{})
                        : InTransaction(db_, [&](store::Connection& c) -> Result<std::vector<int>> {
                              std::vector<int> done;
                              for (const auto& [h, seen] : todo) {
                                  if (seen == 3) continue;
                                  Decision d = decide(c, *h);
                                  if (d.action == 1)
                                      c.Execute("DELETE FROM inactivity_notices WHERE household_id = $1",
                                                {Int(h->id)});
                                  if (d.action == 2) {
                                      int64_t due = *d.reason == "inactive"
                                                        ? std::max(d.inactive_at, now + notice_ms)
                                                        : now + notice_ms;
                                      c.Execute(
                                          "INSERT INTO inactivity_notices (household_id, reason, "
                                          "last_activity_at, notified_at, due_at) VALUES ($1, $2, $3, "
                                          "$4, $5)",
                                          {Int(h->id), Text(*d.reason), Int(d.last), Int(now), Int(due)});
                                      notify::OutgoingMessage m;
                                      m.member_id = h->owner_id;
                                      notify::AddressToContact(m, h->email, h->phone);
                                      m.template_key = *d.reason == "inactive"
                                                           ? "inactivity_notice"
                                                           : "no_cooperative_member_notice";
                                      m.language = rules.language;
                                      m.params = {
                                          {"date", core::FormatDate(core::UtcDate(core::FromMillis(due)))}};
                                      ANDEL_TRY(
                                          notify::Enqueue(c, sealer_, m, clock_.Now()));  // a service message
                                  }
                                  done.push_back(d.action);
                              }
                              return done;
                          });
            if (!written) return written.error();
            if (dry_run)
                for (const auto& [h, seen] : todo) written->push_back(seen);
            for (int action : *written) {
                if (action == 1) ++report.cancelled;
                if (action == 2) ++report.notified;
                if (action == 3 && dry_run) ++report.ended;
            }
            if (dry_run) continue;
            // Due: every membership of the household ends, the participants' first, then the owner's, whose
            // ending ends the household and forfeits its value (R_LIFE_2); the batch's endings in one
            // transaction, each household decided again inside it.
            bool any_due = std::any_of(todo.begin(), todo.end(), [](const auto& t) { return t.second == 3; });
            if (!any_due) continue;
            auto ended = InTransaction(db_, [&](store::Connection& c) -> Result<int64_t> {
                int64_t n = 0;
                for (const auto& [h, seen] : todo) {
                    if (seen != 3 || decide(c, *h).action != 3) continue;  // active again since
                    std::vector<std::string> numbers;
                    for (const auto& r :
                         c.Query("SELECT m.member_number FROM household_members hm JOIN members m ON "
                                 "m.id = hm.member_id WHERE hm.household_id = $1 AND hm.role = "
                                 "'participant' AND m.status = 'active' ORDER BY m.id",
                                 {Int(h->id)}))
                        numbers.push_back(r.Text(0));
                    numbers.push_back(h->owner_number);
                    for (const auto& number : numbers) {
                        auto r = ending.EndIn(c, number, true, "ended automatically (R_LIFE_3)", false,
                                              "job:inactivity");
                        if (!r && r.error().code != core::ErrorCode::kConflict) return r.error();
                    }
                    c.Execute("UPDATE inactivity_notices SET ended_at = $2 WHERE household_id = $1",
                              {Int(h->id), Int(core::ToMillis(clock_.Now()))});
                    ++n;
                }
                return n;
            });
            if (!ended) return ended.error();
            report.ended += *ended;
        }
    }
    return report;
}

}  // namespace andel::app
