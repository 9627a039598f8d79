#pragma once
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"

namespace andel::store {

struct ReloginWaveRecord {
    int64_t id = 0, campaign_id = 0, number = 0;
    int64_t share_from_bp = 0, share_to_bp = 10'000;
    std::optional<std::string> born_from, born_before;
    int64_t starts_at = 0, deadline_at = 0;
    std::vector<int> reminder_days;  // days before the deadline, largest first
};

struct ReloginCampaignRecord {
    int64_t id = 0;
    std::string name;
    std::optional<std::string> market;
    std::string required_method;  // two_step | bankid
    std::string created_by;
    int64_t created_at = 0;
    std::vector<ReloginWaveRecord> waves;
};

struct ReloginWaveProgress {
    int64_t wave_id = 0, participants = 0, notified = 0, reminded = 0, done = 0, logged_out = 0;
};

// A participant who needs a message or a logout, with where to reach them.
struct ReloginParticipant {
    int64_t member_id = 0, account_id = 0, wave_id = 0;
    int64_t reminders_sent = 0;
    std::string language;
    std::optional<std::string> email, phone;
};

// Campaigns of staged re-login (R_AUTH_5) and their participants (migration 0007).
class ReloginRepository {
  public:
    explicit ReloginRepository(Connection& c) : c_(c) {}

    int64_t InsertCampaign(const ReloginCampaignRecord& campaign);  // with its waves
    std::optional<ReloginCampaignRecord> FindCampaign(int64_t id);
    std::optional<int64_t> FindCampaignByName(const std::string& name);
    std::vector<ReloginCampaignRecord> ListCampaigns();
    std::vector<ReloginWaveProgress> Progress(int64_t campaign_id);

    // Members with a digital account (a password or a session: R_AUTH_5 skips the others) of the wave's
    // share and cohort, not yet in the campaign, become its participants; returns how many. Those who have
    // already logged in with the required method since the wave started are done at once.
    int64_t Assign(const ReloginCampaignRecord& campaign, const ReloginWaveRecord& wave, int64_t now);
    // Participants of a wave to tell (never notified), up to `limit`.
    std::vector<ReloginParticipant> ToNotify(int64_t wave_id, int limit);
    // Participants still to log in (not done, not logged out) with fewer than `reminders_due` reminders.
    std::vector<ReloginParticipant> ToRemind(int64_t wave_id, int64_t reminders_due, int limit);
    // Participants still to log in at the deadline.
    std::vector<ReloginParticipant> ToLogOut(int64_t wave_id, int limit);
    void MarkNotified(int64_t campaign_id, int64_t member_id, int64_t now);
    void MarkReminded(int64_t campaign_id, int64_t member_id, int64_t reminders_sent, int64_t now);
    void MarkLoggedOut(int64_t campaign_id, int64_t member_id, int64_t now);
    // A login with `method` by the account completes every started campaign that method satisfies.
    void RecordLogin(int64_t account_id, const std::string& method, int64_t now);

  private:
    std::vector<ReloginParticipant> Participants(const std::string& where,
                                                 std::initializer_list<Value> params);
    Connection& c_;
};

// The session methods that satisfy a campaign's required method.
bool SatisfiesReloginMethod(const std::string& required_method, const std::string& session_method);

}  // namespace andel::store
