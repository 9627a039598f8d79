#include "app/auth/relogin_service.hpp"

#include <algorithm>

#include "app/jobs/job_lease.hpp"
#include "app/transaction.hpp"
#include "notify/outbox.hpp"
#include "store/access/account_repository.hpp"

namespace andel::app::auth {
namespace {

using core::Error;
using core::Result;

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

bool IsDate(const std::string& s) {
    core::Date d;
    return core::ParseDate(s, d);
}

// The method's name as the member reads it.
std::string MethodName(const std::string& method, const std::string& language) {
    if (method == "bankid") return "BankID";
    if (language == "da") return "adgangskode og sms-kode";
    if (language == "nb") return "passord og SMS-kode";
    if (language == "sv") return "lösenord och sms-kod";
    return "password and SMS code";
}

// Queues `template_key` to the member by app, e-mail and SMS (whichever they have).
Result<void> Tell(store::Connection& c, const notify::Sealer& sealer, const store::ReloginParticipant& p,
                  const std::string& template_key, const std::string& method, int64_t deadline_at,
                  core::Timestamp now) {
    std::string deadline = core::FormatTimestamp(core::FromMillis(deadline_at)).substr(0, 10);
    notify::OutgoingMessage m;
    m.account_id = p.account_id;
    m.member_id = p.member_id;
    m.template_key = template_key;
    m.language = p.language;
    m.params = {{"method", MethodName(method, p.language)}, {"deadline", deadline}};
    m.channel = "inapp";
    ANDEL_TRY(notify::Enqueue(c, sealer, m, now));
    if (p.email) {
        m.channel = "email";
        m.recipient = *p.email;
        ANDEL_TRY(notify::Enqueue(c, sealer, m, now));
    }
    if (p.phone) {
        m.channel = "sms";
        m.recipient = *p.phone;
        ANDEL_TRY(notify::Enqueue(c, sealer, m, now));
    }
    return {};
}

}  // namespace

Result<store::ReloginCampaignRecord> ReloginService::Create(const std::string& actor,
                                                            const ReloginCampaignInput& in) {
    if (in.name.empty() || in.name.size() > 200)
        return Error::Invalid("name is required (at most 200 characters)", "name");
    if (in.required_method != "two_step" && in.required_method != "bankid")
        return Error::Invalid("required_method must be two_step or bankid", "required_method");
    if (in.market && *in.market != "dk" && *in.market != "no" && *in.market != "se")
        return Error::Invalid("market must be dk, no or se", "market");
    if (in.waves.empty() || in.waves.size() > 50)
        return Error::Invalid("a campaign has 1 to 50 waves", "waves");
    store::ReloginCampaignRecord campaign;
    campaign.name = in.name;
    campaign.market = in.market;
    campaign.required_method = in.required_method;
    campaign.created_by = actor;
    campaign.created_at = core::ToMillis(clock_.Now());
    int64_t share_used = 0;
    for (size_t i = 0; i < in.waves.size(); ++i) {
        const auto& w = in.waves[i];
        std::string field = "waves[" + std::to_string(i) + "]";
        store::ReloginWaveRecord r;
        r.number = static_cast<int64_t>(i) + 1;
        if (w.share_percent) {
            if (*w.share_percent < 1 || *w.share_percent > 100)
                return Error::Invalid("share_percent must be 1 to 100", field + ".share_percent");
            r.share_from_bp = share_used;
            share_used += *w.share_percent * 100;
            if (share_used > 10'000)
                return Error::Invalid("the waves' shares add up to more than 100 %",
                                      field + ".share_percent");
            r.share_to_bp = share_used;
        } else if (!w.born_from && !w.born_before) {
            return Error::Invalid("a wave needs a share_percent or a cohort (born_from, born_before)", field);
        }
        for (const auto* d : {&w.born_from, &w.born_before})
            if (*d && !IsDate(**d)) return Error::Invalid("a cohort's dates are YYYY-MM-DD", field);
        r.born_from = w.born_from;
        r.born_before = w.born_before;
        r.starts_at = core::ToMillis(w.starts_at);
        r.deadline_at = core::ToMillis(w.deadline_at);
        if (r.deadline_at <= r.starts_at)
            return Error::Invalid("the deadline must be after the start", field + ".deadline_at");
        for (int d : w.reminder_days)
            if (d < 1 || d > 365)
                return Error::Invalid("reminder_days are 1 to 365", field + ".reminder_days");
        r.reminder_days = w.reminder_days;
        std::sort(r.reminder_days.rbegin(), r.reminder_days.rend());
        r.reminder_days.erase(std::unique(r.reminder_days.begin(), r.reminder_days.end()),
                              r.reminder_days.end());
        campaign.waves.push_back(r);
    }
    return InTransaction(db_, [&](store::Connection& c) -> Result<store::ReloginCampaignRecord> {
        store::ReloginRepository repo(c);
        if (repo.FindCampaignByName(in.name)) return Error::Conflict("a campaign with this name exists");
        int64_t id = repo.InsertCampaign(campaign);
        store::AccountRepository(c).Audit(actor, "create_relogin_campaign", std::nullopt,
                                          "campaign=" + std::to_string(id), campaign.created_at);
        return *repo.FindCampaign(id);
    });
}

std::vector<store::ReloginCampaignRecord> ReloginService::List() {
    auto c = db_.Read();
    return store::ReloginRepository(*c).ListCampaigns();
}

Result<store::ReloginCampaignRecord> ReloginService::Find(int64_t id) {
    auto c = db_.Read();
    auto campaign = store::ReloginRepository(*c).FindCampaign(id);
    if (!campaign) return Error::NotFound("no such campaign");
    return *campaign;
}

std::vector<store::ReloginWaveProgress> ReloginService::Progress(int64_t campaign_id) {
    auto c = db_.Read();
    return store::ReloginRepository(*c).Progress(campaign_id);
}

Result<ReloginRunReport> ReloginService::Run() {
    int64_t start = core::ToMillis(clock_.Now());
    auto taken = JobLease::Take(db_, "relogin", start, kLeaseMillis);
    if (!taken.ok()) return taken.error();
    std::optional<JobLease> lease(taken.value());
    LeaseGuard guard(db_, lease);
    ReloginRunReport report;
    for (const auto& campaign : List()) {
        for (const auto& wave : campaign.waves) {
            int64_t now = core::ToMillis(clock_.Now());
            if (wave.starts_at > now) continue;
            auto batch = [&](auto&& fetch, auto&& act) -> Result<void> {
                for (;;) {
                    auto done = InTransaction(db_, [&](store::Connection& c) -> Result<int64_t> {
                        if (!lease->Renew(c, now))
                            return Error::Conflict("another node took the relogin lease");
                        auto rows = fetch(store::ReloginRepository(c));
                        for (const auto& p : rows) ANDEL_TRY(act(c, p));
                        return static_cast<int64_t>(rows.size());
                    });
                    if (!done.ok()) return done.error();
                    if (done.value() < kBatch) return {};
                }
            };
            // 1. Participants and their first message.
            auto assigned = InTransaction(db_, [&](store::Connection& c) -> Result<int64_t> {
                return store::ReloginRepository(c).Assign(campaign, wave, now);
            });
            if (!assigned.ok()) return assigned.error();
            report.assigned += assigned.value();
            if (now < wave.deadline_at) {
                ANDEL_TRY(
                    batch([&](store::ReloginRepository r) { return r.ToNotify(wave.id, kBatch); },
                          [&](store::Connection& c, const store::ReloginParticipant& p) -> Result<void> {
                              ANDEL_TRY(Tell(c, sealer_, p, "relogin_turn", campaign.required_method,
                                             wave.deadline_at, clock_.Now()));
                              store::ReloginRepository(c).MarkNotified(campaign.id, p.member_id, now);
                              ++report.notified;
                              return {};
                          }));
                // 2. Reminders due by now (one message even when several fell due since the last run).
                int64_t due = 0;
                for (int d : wave.reminder_days)
                    if (now >= wave.deadline_at - d * kDayMs) ++due;
                if (due > 0)
                    ANDEL_TRY(batch(
                        [&](store::ReloginRepository r) { return r.ToRemind(wave.id, due, kBatch); },
                        [&](store::Connection& c, const store::ReloginParticipant& p) -> Result<void> {
                            ANDEL_TRY(Tell(c, sealer_, p, "relogin_reminder", campaign.required_method,
                                           wave.deadline_at, clock_.Now()));
                            store::ReloginRepository(c).MarkReminded(campaign.id, p.member_id, due, now);
                            ++report.reminded;
                            return {};
                        }));
            } else {
                // 3. The deadline: every session of those who have not logged in with the method ends.
                ANDEL_TRY(batch(
                    [&](store::ReloginRepository r) { return r.ToLogOut(wave.id, kBatch); },
                    [&](store::Connection& c, const store::ReloginParticipant& p) -> Result<void> {
                        store::AccountRepository(c).RevokeAllSessions(p.account_id, "re-login deadline", now);
                        ANDEL_TRY(Tell(c, sealer_, p, "relogin_logged_out", campaign.required_method,
                                       wave.deadline_at, clock_.Now()));
                        store::ReloginRepository(c).MarkLoggedOut(campaign.id, p.member_id, now);
                        ++report.logged_out;
                        return {};
                    }));
            }
        }
    }
    return report;
}

}  // namespace andel::app::auth
