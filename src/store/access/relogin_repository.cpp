#include "store/access/relogin_repository.hpp"

#include <algorithm>
#include <sstream>

namespace andel::store {
namespace {

std::vector<int> ParseDays(const std::string& text) {
    std::vector<int> days;
    std::stringstream in(text);
    for (std::string part; std::getline(in, part, ',');)
        if (!part.empty()) days.push_back(std::stoi(part));
    std::sort(days.rbegin(), days.rend());
    return days;
}

std::string JoinDays(const std::vector<int>& days) {
    std::string out;
    for (int d : days) {
        if (!out.empty()) out += ',';
        out += std::to_string(d);
    }
    return out;
}

// The session methods that count as the new login, as SQL.
constexpr std::string_view kTwoStepMethods = "('password+sms', 'password+totp', 'password+email', 'bankid')";

}  // namespace

bool SatisfiesReloginMethod(const std::string& required, const std::string& method) {
    if (required == "bankid") return method == "bankid";
    return method == "password+sms" || method == "password+totp" || method == "password+email" ||
           method == "bankid";
}

int64_t ReloginRepository::InsertCampaign(const ReloginCampaignRecord& campaign) {
    int64_t id =
        c_.QueryOne(
              "INSERT INTO relogin_campaigns (name, market, required_method, created_by, created_at) "
              "VALUES ($1, $2, $3, $4, $5) RETURNING id",
              {Text(campaign.name), OptionalText(campaign.market), Text(campaign.required_method),
               Text(campaign.created_by), Int(campaign.created_at)})
            ->Int(0);
    for (const auto& w : campaign.waves)
        c_.Execute(
            "INSERT INTO relogin_waves (campaign_id, number, share_from_bp, share_to_bp, born_from, "
            "born_before, "
            "starts_at, deadline_at, reminder_days) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            {Int(id), Int(w.number), Int(w.share_from_bp), Int(w.share_to_bp), OptionalText(w.born_from),
             OptionalText(w.born_before), Int(w.starts_at), Int(w.deadline_at),
             Text(JoinDays(w.reminder_days))});
    return id;
}

std::optional<ReloginCampaignRecord> ReloginRepository::FindCampaign(int64_t id) {
    auto r = c_.QueryOne(
        "SELECT id, name, market, required_method, created_by, created_at FROM relogin_campaigns WHERE id = "
        "$1",
        {Int(id)});
    if (!r) return std::nullopt;
    ReloginCampaignRecord c{r->Int(0), r->Text(1), r->OptText(2), r->Text(3), r->Text(4), r->Int(5), {}};
    for (const auto& w : c_.Query(
             "SELECT id, campaign_id, number, share_from_bp, share_to_bp, born_from, born_before, starts_at, "
             "deadline_at, reminder_days FROM relogin_waves WHERE campaign_id = $1 ORDER BY number",
             {Int(id)}))
        c.waves.push_back({w.Int(0), w.Int(1), w.Int(2), w.Int(3), w.Int(4), w.OptText(5), w.OptText(6),
                           w.Int(7), w.Int(8), ParseDays(w.Text(9))});
    return c;
}

std::optional<int64_t> ReloginRepository::FindCampaignByName(const std::string& name) {
    auto r = c_.QueryOne("SELECT id FROM relogin_campaigns WHERE name = $1", {Text(name)});
    if (!r) return std::nullopt;
    return r->Int(0);
}

std::vector<ReloginCampaignRecord> ReloginRepository::ListCampaigns() {
    std::vector<ReloginCampaignRecord> out;
    for (const auto& r : c_.Query("SELECT id FROM relogin_campaigns ORDER BY id"))
        if (auto c = FindCampaign(r.Int(0))) out.push_back(std::move(*c));
    return out;
}

std::vector<ReloginWaveProgress> ReloginRepository::Progress(int64_t campaign_id) {
    std::vector<ReloginWaveProgress> out;
    for (const auto& r :
         c_.Query("SELECT w.id, COUNT(p.member_id), COUNT(p.notified_at), "
                  "COALESCE(SUM(CASE WHEN p.reminders_sent > 0 THEN 1 ELSE 0 END), 0), COUNT(p.done_at), "
                  "COUNT(p.logged_out_at) FROM relogin_waves w LEFT JOIN relogin_participants p ON p.wave_id "
                  "= w.id "
                  "WHERE w.campaign_id = $1 GROUP BY w.id, w.number ORDER BY w.number",
                  {Int(campaign_id)}))
        out.push_back({r.Int(0), r.Int(1), r.Int(2), r.Int(3), r.Int(4), r.Int(5)});
    return out;
}

int64_t ReloginRepository::Assign(const ReloginCampaignRecord& campaign, const ReloginWaveRecord& wave,
                                  int64_t now) {
    // The bucket spreads members over 0..9999 by a fixed permutation of their id (7919 is coprime to 10 000),
    // shifted per campaign, so shares are stable between runs and differ between campaigns.
    int64_t n = c_.Execute(
        "INSERT INTO relogin_participants (campaign_id, member_id, wave_id, account_id) "
        "SELECT CAST($1 AS BIGINT), m.id, CAST($2 AS BIGINT), a.id FROM accounts a "
        "JOIN members m ON m.id = a.member_id JOIN persons p ON p.id = m.person_id "
        "WHERE a.kind = 'member' AND m.status = 'active' AND (CAST($3 AS TEXT) = '' OR m.market = $3) "
        "AND (a.password_hash IS NOT NULL OR EXISTS (SELECT 1 FROM sessions s WHERE s.account_id = a.id)) "
        "AND (m.id * 7919 + CAST($1 AS BIGINT) * 3571) % 10000 >= CAST($4 AS BIGINT) "
        "AND (m.id * 7919 + CAST($1 AS BIGINT) * 3571) % 10000 < CAST($5 AS BIGINT) "
        "AND (CAST($6 AS TEXT) = '' OR p.birth_date >= $6) AND (CAST($7 AS TEXT) = '' OR p.birth_date < $7) "
        "AND NOT EXISTS (SELECT 1 FROM relogin_participants rp WHERE rp.campaign_id = CAST($1 AS BIGINT) "
        "AND rp.member_id = m.id)",
        {Int(campaign.id), Int(wave.id), Text(campaign.market.value_or("")), Int(wave.share_from_bp),
         Int(wave.share_to_bp), Text(wave.born_from.value_or("")), Text(wave.born_before.value_or(""))});
    std::string methods = campaign.required_method == "bankid" ? "('bankid')" : std::string(kTwoStepMethods);
    c_.Execute(
        "UPDATE relogin_participants SET done_at = $3 WHERE wave_id = $1 AND done_at IS NULL AND EXISTS "
        "(SELECT 1 FROM sessions s WHERE s.account_id = relogin_participants.account_id AND s.created_at >= "
        "$2 "
        "AND s.method IN " +
            methods + ")",
        {Int(wave.id), Int(wave.starts_at), Int(now)});
    return n;
}

std::vector<ReloginParticipant> ReloginRepository::Participants(const std::string& where,
                                                                std::initializer_list<Value> params) {
    std::string sql =
        "SELECT rp.member_id, rp.account_id, rp.wave_id, rp.reminders_sent, a.language, p.email, p.phone "
        "FROM relogin_participants rp JOIN accounts a ON a.id = rp.account_id JOIN members m ON m.id = "
        "rp.member_id "
        "JOIN persons p ON p.id = m.person_id WHERE ";
    sql += where;
    sql += " ORDER BY rp.member_id LIMIT $2";
    std::vector<ReloginParticipant> out;
    for (const auto& r : c_.Query(sql, params))
        out.push_back({r.Int(0), r.Int(1), r.Int(2), r.Int(3), r.Text(4), r.OptText(5), r.OptText(6)});
    return out;
}

std::vector<ReloginParticipant> ReloginRepository::ToNotify(int64_t wave_id, int limit) {
    return Participants("rp.wave_id = $1 AND rp.notified_at IS NULL AND rp.done_at IS NULL",
                        {Int(wave_id), Int(limit)});
}

std::vector<ReloginParticipant> ReloginRepository::ToRemind(int64_t wave_id, int64_t reminders_due,
                                                            int limit) {
    return Participants(
        "rp.wave_id = $1 AND rp.notified_at IS NOT NULL AND rp.done_at IS NULL AND rp.logged_out_at IS NULL "
        "AND rp.reminders_sent < $3",
        {Int(wave_id), Int(limit), Int(reminders_due)});
}

std::vector<ReloginParticipant> ReloginRepository::ToLogOut(int64_t wave_id, int limit) {
    return Participants("rp.wave_id = $1 AND rp.done_at IS NULL AND rp.logged_out_at IS NULL",
                        {Int(wave_id), Int(limit)});
}

void ReloginRepository::MarkNotified(int64_t campaign_id, int64_t member_id, int64_t now) {
    c_.Execute("UPDATE relogin_participants SET notified_at = $3 WHERE campaign_id = $1 AND member_id = $2",
               {Int(campaign_id), Int(member_id), Int(now)});
}

void ReloginRepository::MarkReminded(int64_t campaign_id, int64_t member_id, int64_t reminders_sent,
                                     int64_t now) {
    c_.Execute(
        "UPDATE relogin_participants SET reminders_sent = $3, last_reminded_at = $4 "
        "WHERE campaign_id = $1 AND member_id = $2",
        {Int(campaign_id), Int(member_id), Int(reminders_sent), Int(now)});
}

void ReloginRepository::MarkLoggedOut(int64_t campaign_id, int64_t member_id, int64_t now) {
    c_.Execute("UPDATE relogin_participants SET logged_out_at = $3 WHERE campaign_id = $1 AND member_id = $2",
               {Int(campaign_id), Int(member_id), Int(now)});
}

void ReloginRepository::RecordLogin(int64_t account_id, const std::string& method, int64_t now) {
    if (!SatisfiesReloginMethod("two_step", method)) return;
    std::string required = method == "bankid" ? "('two_step', 'bankid')" : "('two_step')";
    c_.Execute(
        "UPDATE relogin_participants SET done_at = $2 WHERE account_id = $1 AND done_at IS NULL "
        "AND campaign_id IN (SELECT id FROM relogin_campaigns WHERE required_method IN " +
            required + ")",
        {Int(account_id), Int(now)});
}

}  // namespace andel::store
