#pragma once
#include <map>
#include <optional>
#include <string>

#include "app/lifecycle/membership_ending.hpp"
#include "core/clock.hpp"
#include "core/market.hpp"
#include "core/result.hpp"
#include "notify/sealer.hpp"
#include "store/database.hpp"
#include "store/membership/records.hpp"

namespace andel::app {

// Where a member stands with the terms of their market (R_MEM_9).
struct TermsStatus {
    store::TermsRecord latest;                    // always published (GET /api/v1/terms/{market})
    std::optional<std::string> accepted_version;  // the newest version the member accepted
    std::optional<int64_t> accepted_at;
    bool answer_needed = false;  // a major change the member has not accepted: asked at the next login
};

struct TermsNoticeReport {
    bool dry_run = false;
    int64_t versions = 0;  // major versions whose notice was (or would be) sent
    int64_t told = 0;      // members told
};

// The member terms (R_MEM_9): versioned, the latest always published; each member's acceptance is recorded
// with when and through which channel. A major change is told to every member through the outbox (a
// service message: the member's marketing choices do not stop it, R_PRIV_1). A member who has not accepted
// it is asked at the next login and may decline, which ends the membership (R_LIFE_1, R_LIFE_2).
class TermsService {
  public:
    TermsService(store::Database& db, const core::Clock& clock,
                 const std::map<std::string, core::MarketRules>& markets, const notify::Sealer& sealer)
        : db_(db), clock_(clock), markets_(markets), sealer_(sealer) {}

    core::Result<TermsStatus> Status(int64_t member_id);
    // Inside the caller's connection (a login's answer); nullopt for a customer with a profile, or a market
    // without terms.
    static std::optional<TermsStatus> StatusIn(store::Connection& c, int64_t member_id);
    // Only the latest version can be accepted; accepting it again records nothing new.
    core::Result<TermsStatus> Accept(int64_t member_id, const std::string& version,
                                     const std::string& channel);
    // Declining the latest major version ends the membership; only while the member is asked to answer.
    core::Result<MembershipEndOutcome> Decline(int64_t member_id, const std::string& version,
                                               const std::string& actor);
    // `andel jobs run terms-notice` (and `andel serve`, every minute): tells every active member of a
    // market about its newest major version, in batches; resumable (the version's notice cursor), once per
    // member, one node at a time (its lease). A newer major version supersedes an older one's notice.
    core::Result<TermsNoticeReport> RunNotices(bool dry_run);

  private:
    store::Database& db_;
    const core::Clock& clock_;
    const std::map<std::string, core::MarketRules>& markets_;
    const notify::Sealer& sealer_;
};

}  // namespace andel::app
