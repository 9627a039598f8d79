#include "app/membership/terms.hpp"

#include <vector>

#include "app/jobs/job_lease.hpp"
#include "app/transaction.hpp"
#include "notify/outbox.hpp"
#include "store/membership/membership_repository.hpp"

namespace andel::app {
namespace {

using core::Error;
using core::Result;
using store::Int;
using store::Text;

constexpr const char* kJob = "terms-notice";
constexpr int kBatch = 1000;

}  // namespace

std::optional<TermsStatus> TermsService::StatusIn(store::Connection& c, int64_t member_id) {
    auto m = c.QueryOne("SELECT market, kind, status FROM members WHERE id = $1", {Int(member_id)});
    if (!m || m->Text(1) != "member") return std::nullopt;
    const std::string market = m->Text(0);
    store::MembershipRepository repo(c);
    auto latest = repo.LatestTerms(market);
    if (!latest) return std::nullopt;
    TermsStatus s;
    s.latest = *latest;
    if (auto a = repo.AcceptedTerms(member_id)) {
        s.accepted_version = a->first;
        s.accepted_at = a->second;
    }
    if (m->Text(2) != "active") return s;
    // Asked when the member accepted neither the newest major version nor anything published after it.
    auto major = c.QueryOne(
        "SELECT id, published_at FROM terms_versions WHERE market = $1 AND major = 1 ORDER BY published_at "
        "DESC, id DESC LIMIT 1",
        {Text(market)});
    if (major)
        s.answer_needed = c.QueryOne(
                               "SELECT COUNT(*) FROM terms_acceptances a JOIN terms_versions t ON t.id = "
                               "a.terms_version_id WHERE a.member_id = $1 AND t.market = $2 AND "
                               "(t.published_at > $3 OR (t.published_at = $3 AND t.id >= $4))",
                               {Int(member_id), Text(market), Int(major->Int(1)), Int(major->Int(0))})
                              ->Int(0) == 0;
    return s;
}

Result<TermsStatus> TermsService::Status(int64_t member_id) {
    auto c = db_.Read();
    auto s = StatusIn(*c, member_id);
    if (!s) return Error::NotFound("no member terms apply: a customer with a profile, or none published");
    return *s;
}

Result<TermsStatus> TermsService::Accept(int64_t member_id, const std::string& version,
                                         const std::string& channel) {
    return InTransaction(db_, [&](store::Connection& c) -> Result<TermsStatus> {
        auto s = StatusIn(c, member_id);
        if (!s) return Error::NotFound("no member terms apply: a customer with a profile, or none published");
        store::MembershipRepository repo(c);
        auto member = repo.FindMember(member_id);
        if (member->status != "active") return Error::Conflict("the membership has ended");
        auto terms = repo.FindTerms(member->market, version);
        if (!terms) return Error::NotFound("no terms version " + version);
        if (terms->id != s->latest.id)
            return Error::Rule("R_MEM_9",
                               "only the latest published terms (" + s->latest.version + ") can be accepted");
        repo.AcceptTerms(member_id, terms->id, channel, core::ToMillis(clock_.Now()));
        return *StatusIn(c, member_id);
    });
}

Result<MembershipEndOutcome> TermsService::Decline(int64_t member_id, const std::string& version,
                                                   const std::string& actor) {
    MembershipEnding ending(db_, clock_, markets_);
    return InTransaction(db_, [&](store::Connection& c) -> Result<MembershipEndOutcome> {
        auto s = StatusIn(c, member_id);
        if (!s) return Error::NotFound("no member terms apply: a customer with a profile, or none published");
        if (!s->answer_needed)
            return Error::Rule("R_MEM_9",
                               "the current terms are accepted: there is nothing to decline (ending the "
                               "membership is /api/v1/me/membership/ending)");
        if (version != s->latest.version)
            return Error::Rule("R_MEM_9",
                               "only the latest published terms (" + s->latest.version + ") can be declined");
        auto member = store::MembershipRepository(c).FindMember(member_id);
        return ending.EndIn(c, member->member_number.value_or(""), false,
                            "declined the terms " + version + " (R_MEM_9)", false, actor);
    });
}

Result<TermsNoticeReport> TermsService::RunNotices(bool dry_run) {
    TermsNoticeReport report;
    report.dry_run = dry_run;
    std::optional<JobLease> lease;
    if (!dry_run) {
        auto taken = JobLease::Take(db_, kJob, core::ToMillis(clock_.Now()), 10 * 60 * 1000);
        if (!taken) return taken.error();
        lease = std::move(*taken);
    }
    LeaseGuard guard(db_, lease);
    for (const auto& [code, rules] : markets_) {
        struct Pending {
            int64_t id = 0, cursor = 0, published_at = 0;
            std::string version;
        };
        std::vector<Pending> pending;
        {
            auto c = db_.Read();
            for (const auto& r : c->Query(
                     "SELECT id, notice_cursor, published_at, version FROM terms_versions WHERE market = $1 "
                     "AND major = 1 AND notified_at IS NULL ORDER BY published_at, id",
                     {Text(code)}))
                pending.push_back({r.Int(0), r.Int(1), r.Int(2), r.Text(3)});
        }
        if (pending.empty()) continue;
        const Pending newest = pending.back();
        ++report.versions;
        const std::string to_tell =
            "SELECT m.id, p.email, p.phone FROM members m JOIN persons p ON p.id = m.person_id WHERE "
            "m.market = "
            "$1 AND m.status = 'active' AND m.kind = 'member' AND m.id > $2 AND NOT EXISTS (SELECT 1 FROM "
            "terms_acceptances a WHERE a.member_id = m.id AND a.terms_version_id = $3) ORDER BY m.id LIMIT "
            "$4";
        if (dry_run) {
            auto c = db_.Read();
            for (int64_t after = newest.cursor;;) {
                auto rows = c->Query(to_tell, {Text(code), Int(after), Int(newest.id), Int(kBatch)});
                if (rows.empty()) break;
                report.told += static_cast<int64_t>(rows.size());
                after = rows.back().Int(0);
            }
            continue;
        }
        for (;;) {
            auto told = InTransaction(db_, [&](store::Connection& c) -> Result<int64_t> {
                const int64_t now = core::ToMillis(clock_.Now());
                if (!lease->Renew(c, now))
                    return Error::Conflict("the terms-notice job's lease was taken over");
                // An older major version still being told is superseded: the newest one's notice covers it.
                for (const auto& p : pending)
                    if (p.id != newest.id)
                        c.Execute(
                            "UPDATE terms_versions SET notified_at = $2 WHERE id = $1 AND notified_at IS "
                            "NULL",
                            {Int(p.id), Int(now)});
                auto cursor =
                    c.QueryOne("SELECT notice_cursor FROM terms_versions WHERE id = $1", {Int(newest.id)})
                        ->Int(0);
                auto rows = c.Query(to_tell, {Text(code), Int(cursor), Int(newest.id), Int(kBatch)});
                if (rows.empty()) {
                    c.Execute("UPDATE terms_versions SET notified_at = $2 WHERE id = $1",
                              {Int(newest.id), Int(now)});
                    return int64_t{0};
                }
                for (const auto& r : rows) {
                    notify::OutgoingMessage m;
                    m.member_id = r.Int(0);
                    notify::AddressToContact(m, r.OptText(1), r.OptText(2));
                    m.template_key = "terms_changed";
                    m.language = rules.language;
                    m.params = {
                        {"version", newest.version},
                        {"date", core::FormatDate(core::UtcDate(core::FromMillis(newest.published_at)))}};
                    ANDEL_TRY(notify::Enqueue(c, sealer_, m, clock_.Now()));  // a service message
                }
                c.Execute("UPDATE terms_versions SET notice_cursor = $2 WHERE id = $1",
                          {Int(newest.id), Int(rows.back().Int(0))});
                return static_cast<int64_t>(rows.size());
            });
            if (!told) return told.error();
            if (*told == 0) break;
            report.told += *told;
        }
    }
    return report;
}

}  // namespace andel::app
