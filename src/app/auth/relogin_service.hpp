#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "notify/sealer.hpp"
#include "store/access/relogin_repository.hpp"
#include "store/database.hpp"

namespace andel::app::auth {

struct ReloginWaveInput {
    std::optional<int> share_percent;  // the next slice of members (waves with a share take slices in order)
    std::optional<std::string> born_from, born_before;  // a cohort by birth date (YYYY-MM-DD)
    core::Timestamp starts_at, deadline_at;
    std::vector<int> reminder_days;  // reminders this many days before the deadline
};

struct ReloginCampaignInput {
    std::string name;
    std::optional<std::string> market;  // none: every market
    std::string required_method;        // two_step | bankid
    std::vector<ReloginWaveInput> waves;
};

struct ReloginRunReport {
    int64_t assigned = 0, notified = 0, reminded = 0, logged_out = 0;
};

// Staged re-login (R_AUTH_5, R_AUTH_6). The operator requires a login method of every member with a digital
// account, in waves (a share of the members, or a cohort by birth date), each with a start, reminders and a
// deadline. A run (every minute in `andel serve`, or `andel jobs run relogin`):
//   1. makes the members of every started wave participants (members without a digital account are not
//      part of it), and tells each by app, e-mail and SMS that it is their turn;
//   2. sends each due reminder (days before the deadline) to those who have not logged in with the method;
//   3. at a wave's deadline, ends every session of those who still have not, on every device, and tells
//      them so. Cards, bonus, offers and payment by card are untouched (R_AUTH_6, R_CARD_3); the member can
//      log in again at any time, and a login with the method completes the campaign for them.
// Every step is idempotent (a participant's row records what was done) and runs in batches; one node runs
// it at a time (the job lease 'relogin').
class ReloginService {
  public:
    ReloginService(store::Database& db, const core::Clock& clock, const notify::Sealer& sealer)
        : db_(db), clock_(clock), sealer_(sealer) {}

    core::Result<store::ReloginCampaignRecord> Create(const std::string& actor,
                                                      const ReloginCampaignInput& in);
    std::vector<store::ReloginCampaignRecord> List();
    core::Result<store::ReloginCampaignRecord> Find(int64_t id);
    std::vector<store::ReloginWaveProgress> Progress(int64_t campaign_id);
    core::Result<ReloginRunReport> Run();

    static constexpr int kBatch = 500;
    static constexpr int64_t kLeaseMillis = 5 * 60 * 1000;

  private:
    store::Database& db_;
    const core::Clock& clock_;
    const notify::Sealer& sealer_;
};

}  // namespace andel::app::auth
