#include "store/access/account_repository.hpp"

namespace andel::store {
namespace {

constexpr std::string_view kAccountSelect =
    "SELECT id, kind, member_id, login_email, display_name, role, organisation_id, language, password_hash, "
    "password_changed_at, totp_sealed, totp_last_step, failed_logins, locked_until, new_login_at, status, "
    "created_at, updated_at FROM accounts ";

LoginAccount ToAccount(const Row& r) {
    LoginAccount a;
    a.id = r.Int(0);
    a.kind = r.Text(1);
    a.member_id = r.OptInt(2);
    a.login_email = r.OptText(3);
    a.display_name = r.Text(4);
    a.role = r.Text(5);
    a.organisation_id = r.OptInt(6);
    a.language = r.Text(7);
    a.password_hash = r.OptText(8);
    a.password_changed_at = r.OptInt(9);
    a.totp_sealed = r.OptText(10);
    a.totp_last_step = r.OptInt(11);
    a.failed_logins = r.Int(12);
    a.locked_until = r.OptInt(13);
    a.new_login_at = r.OptInt(14);
    a.status = r.Text(15);
    a.created_at = r.Int(16);
    a.updated_at = r.Int(17);
    return a;
}

constexpr std::string_view kSessionSelect =
    "SELECT id, public_id, token_hash, account_id, kind, method, device, created_at, last_used_at, "
    "expires_at, revoked_at, revoke_reason FROM sessions ";

SessionRecord ToSession(const Row& r) {
    return SessionRecord{r.Int(0),  r.Text(1), r.Text(2), r.Int(3), r.Text(4),    r.Text(5),
                         r.Text(6), r.Int(7),  r.Int(8),  r.Int(9), r.OptInt(10), r.OptText(11)};
}

constexpr std::string_view kChallengeSelect =
    "SELECT id, token_hash, account_id, purpose, channel, code_hash, attempts, sealed_payload, session_kind, "
    "device, created_at, expires_at, consumed_at FROM auth_challenges ";

ChallengeRecord ToChallenge(const Row& r) {
    ChallengeRecord c;
    c.id = r.Int(0);
    c.token_hash = r.Text(1);
    c.account_id = r.OptInt(2);
    c.purpose = r.Text(3);
    c.channel = r.Text(4);
    c.code_hash = r.OptText(5);
    c.attempts = r.Int(6);
    c.sealed_payload = r.OptText(7);
    c.session_kind = r.Text(8);
    c.device = r.Text(9);
    c.created_at = r.Int(10);
    c.expires_at = r.Int(11);
    c.consumed_at = r.OptInt(12);
    return c;
}

Value OptInt(const std::optional<int64_t>& v) { return v ? Int(*v) : Null(); }

std::string Sql(std::string_view select, std::string_view rest) {
    std::string s(select);
    s += rest;
    return s;
}

}  // namespace

int64_t AccountRepository::Insert(const LoginAccount& a) {
    return c_
        .QueryOne(
            "INSERT INTO accounts (kind, member_id, login_email, display_name, role, organisation_id, "
            "language, "
            "password_hash, password_changed_at, status, created_at, updated_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
            {Text(a.kind), OptInt(a.member_id), OptionalText(a.login_email), Text(a.display_name),
             Text(a.role), OptInt(a.organisation_id), Text(a.language), OptionalText(a.password_hash),
             OptInt(a.password_changed_at), Text(a.status), Int(a.created_at)})
        ->Int(0);
}

std::optional<LoginAccount> AccountRepository::Find(int64_t id) {
    static const std::string sql = Sql(kAccountSelect, "WHERE id = $1");
    auto r = c_.QueryOne(sql, {Int(id)});
    if (!r) return std::nullopt;
    return ToAccount(*r);
}

std::optional<LoginAccount> AccountRepository::FindByMember(int64_t member_id) {
    static const std::string sql = Sql(kAccountSelect, "WHERE member_id = $1");
    auto r = c_.QueryOne(sql, {Int(member_id)});
    if (!r) return std::nullopt;
    return ToAccount(*r);
}

std::optional<LoginAccount> AccountRepository::FindByLoginEmail(const std::string& email) {
    static const std::string sql = Sql(kAccountSelect, "WHERE login_email = $1");
    auto r = c_.QueryOne(sql, {Text(email)});
    if (!r) return std::nullopt;
    return ToAccount(*r);
}

std::optional<LoginAccount> AccountRepository::FindForUpdate(int64_t id) {
    c_.Execute("UPDATE accounts SET updated_at = updated_at WHERE id = $1", {Int(id)});
    return Find(id);
}

void AccountRepository::SetPassword(int64_t id, const std::string& hash, int64_t now) {
    c_.Execute(
        "UPDATE accounts SET password_hash = $2, password_changed_at = $3, failed_logins = 0, "
        "locked_until = NULL, updated_at = $3 WHERE id = $1",
        {Int(id), Text(hash), Int(now)});
}

void AccountRepository::SetTotp(int64_t id, const std::optional<std::string>& sealed, int64_t now) {
    c_.Execute("UPDATE accounts SET totp_sealed = $2, totp_last_step = NULL, updated_at = $3 WHERE id = $1",
               {Int(id), OptionalText(sealed), Int(now)});
}

void AccountRepository::SetTotpLastStep(int64_t id, int64_t step) {
    c_.Execute("UPDATE accounts SET totp_last_step = $2 WHERE id = $1", {Int(id), Int(step)});
}

void AccountRepository::RecordFailedLogin(int64_t id, std::optional<int64_t> locked_until, int64_t now) {
    c_.Execute(
        "UPDATE accounts SET failed_logins = failed_logins + 1, locked_until = $2, updated_at = $3 "
        "WHERE id = $1",
        {Int(id), OptInt(locked_until), Int(now)});
}

void AccountRepository::ClearFailedLogins(int64_t id, int64_t now) {
    c_.Execute(
        "UPDATE accounts SET failed_logins = 0, locked_until = NULL, updated_at = $2 "
        "WHERE id = $1 AND (failed_logins <> 0 OR locked_until IS NOT NULL)",
        {Int(id), Int(now)});
}

void AccountRepository::SetNewLogin(int64_t id, int64_t now) {
    c_.Execute(
        "UPDATE accounts SET new_login_at = $2, updated_at = $2 WHERE id = $1 AND new_login_at IS NULL",
        {Int(id), Int(now)});
}

void AccountRepository::SetLanguage(int64_t id, const std::string& language, int64_t now) {
    c_.Execute("UPDATE accounts SET language = $2, updated_at = $3 WHERE id = $1",
               {Int(id), Text(language), Int(now)});
}

std::optional<int64_t> AccountRepository::FindMemberIdByLogin(const std::string& member_number,
                                                              const std::string& email,
                                                              const std::string& phone) {
    std::optional<Row> r;
    if (!member_number.empty()) {
        r = c_.QueryOne("SELECT id FROM members WHERE member_number = $1", {Text(member_number)});
    } else if (!email.empty()) {
        r = c_.QueryOne("SELECT m.id FROM members m JOIN persons p ON p.id = m.person_id WHERE p.email = $1",
                        {Text(email)});
    } else if (!phone.empty()) {
        r = c_.QueryOne("SELECT m.id FROM members m JOIN persons p ON p.id = m.person_id WHERE p.phone = $1",
                        {Text(phone)});
    }
    if (!r) return std::nullopt;
    return r->Int(0);
}

std::optional<int64_t> AccountRepository::FindMemberIdByNationalIdHash(const std::string& hash) {
    auto r = c_.QueryOne(
        "SELECT m.id FROM members m JOIN persons p ON p.id = m.person_id WHERE p.national_id_hash = $1",
        {Text(hash)});
    if (!r) return std::nullopt;
    return r->Int(0);
}

std::optional<MemberLogin> AccountRepository::FindMemberLogin(int64_t member_id) {
    auto r = c_.QueryOne(
        "SELECT m.id, m.member_number, m.kind, m.status, m.market, m.is_demo, hm.role, p.email, p.phone, "
        "p.first_name FROM members m JOIN persons p ON p.id = m.person_id "
        "LEFT JOIN household_members hm ON hm.member_id = m.id WHERE m.id = $1",
        {Int(member_id)});
    if (!r) return std::nullopt;
    return MemberLogin{r->Int(0),  r->OptText(1), r->Text(2),    r->Text(3),    r->Text(4),
                       r->Bool(5), r->OptText(6), r->OptText(7), r->OptText(8), r->Text(9)};
}

int64_t AccountRepository::InsertSession(const SessionRecord& s) {
    return c_
        .QueryOne(
            "INSERT INTO sessions (public_id, token_hash, account_id, kind, method, device, created_at, "
            "last_used_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8) RETURNING id",
            {Text(s.public_id), Text(s.token_hash), Int(s.account_id), Text(s.kind), Text(s.method),
             Text(s.device), Int(s.created_at), Int(s.expires_at)})
        ->Int(0);
}

std::optional<SessionRecord> AccountRepository::FindLiveSession(const std::string& token_hash, int64_t now) {
    static const std::string sql =
        Sql(kSessionSelect, "WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2");
    auto r = c_.QueryOne(sql, {Text(token_hash), Int(now)});
    if (!r) return std::nullopt;
    return ToSession(*r);
}

std::optional<SessionPrincipal> AccountRepository::FindSessionPrincipal(const std::string& token_hash,
                                                                        int64_t now) {
    auto r = c_.QueryOne(
        "SELECT s.id, s.public_id, s.last_used_at, a.id, a.kind, a.role, a.language, a.organisation_id, "
        "m.id, "
        "m.member_number, m.kind, m.status, m.market, hm.role, m.is_demo FROM sessions s "
        "JOIN accounts a ON a.id = s.account_id LEFT JOIN members m ON m.id = a.member_id "
        "LEFT JOIN household_members hm ON hm.member_id = m.id "
        "WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND a.status = 'active'",
        {Text(token_hash), Int(now)});
    if (!r) return std::nullopt;
    SessionPrincipal p;
    p.session_id = r->Int(0);
    p.session_public_id = r->Text(1);
    p.last_used_at = r->Int(2);
    p.account_id = r->Int(3);
    p.account_kind = r->Text(4);
    p.account_role = r->Text(5);
    p.language = r->Text(6);
    p.organisation_id = r->OptInt(7);
    p.member_id = r->OptInt(8);
    p.member_number = r->OptText(9);
    p.member_kind = r->OptText(10);
    p.member_status = r->OptText(11);
    p.market = r->OptText(12);
    p.household_role = r->OptText(13);
    p.is_demo = !r->IsNull(14) && r->Bool(14);
    return p;
}

std::vector<SessionRecord> AccountRepository::ListLiveSessions(int64_t account_id, int64_t now) {
    static const std::string sql =
        Sql(kSessionSelect,
            "WHERE account_id = $1 AND revoked_at IS NULL AND expires_at > $2 ORDER BY last_used_at DESC");
    std::vector<SessionRecord> out;
    for (const auto& r : c_.Query(sql, {Int(account_id), Int(now)})) out.push_back(ToSession(r));
    return out;
}

void AccountRepository::TouchSession(int64_t session_id, int64_t now) {
    c_.Execute("UPDATE sessions SET last_used_at = $2 WHERE id = $1", {Int(session_id), Int(now)});
}

bool AccountRepository::RevokeSession(int64_t account_id, const std::string& public_id,
                                      const std::string& reason, int64_t now) {
    return c_.Execute(
               "UPDATE sessions SET revoked_at = $3, revoke_reason = $4 "
               "WHERE account_id = $1 AND public_id = $2 AND revoked_at IS NULL",
               {Int(account_id), Text(public_id), Int(now), Text(reason)}) > 0;
}

int64_t AccountRepository::RevokeAllSessions(int64_t account_id, const std::string& reason, int64_t now,
                                             const std::string& keep_public_id) {
    return c_.Execute(
        "UPDATE sessions SET revoked_at = $2, revoke_reason = $3 "
        "WHERE account_id = $1 AND revoked_at IS NULL AND public_id <> $4",
        {Int(account_id), Int(now), Text(reason), Text(keep_public_id)});
}

int64_t AccountRepository::InsertChallenge(const ChallengeRecord& c) {
    return c_
        .QueryOne(
            "INSERT INTO auth_challenges (token_hash, account_id, purpose, channel, code_hash, "
            "sealed_payload, "
            "session_kind, device, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
            "RETURNING id",
            {Text(c.token_hash), OptInt(c.account_id), Text(c.purpose), Text(c.channel),
             OptionalText(c.code_hash), OptionalText(c.sealed_payload), Text(c.session_kind), Text(c.device),
             Int(c.created_at), Int(c.expires_at)})
        ->Int(0);
}

std::optional<ChallengeRecord> AccountRepository::FindChallenge(const std::string& token_hash) {
    static const std::string sql = Sql(kChallengeSelect, "WHERE token_hash = $1");
    auto r = c_.QueryOne(sql, {Text(token_hash)});
    if (!r) return std::nullopt;
    return ToChallenge(*r);
}

void AccountRepository::CountChallengeAttempt(int64_t id) {
    c_.Execute("UPDATE auth_challenges SET attempts = attempts + 1 WHERE id = $1", {Int(id)});
}

void AccountRepository::ConsumeChallenge(int64_t id, int64_t now) {
    c_.Execute("UPDATE auth_challenges SET consumed_at = $2 WHERE id = $1 AND consumed_at IS NULL",
               {Int(id), Int(now)});
}

void AccountRepository::ConsumeOpenChallenges(int64_t account_id, const std::string& purpose, int64_t now) {
    c_.Execute(
        "UPDATE auth_challenges SET consumed_at = $3 "
        "WHERE account_id = $1 AND purpose = $2 AND consumed_at IS NULL",
        {Int(account_id), Text(purpose), Int(now)});
}

std::optional<AccountRepository::Throttle> AccountRepository::FindThrottle(const std::string& bucket) {
    auto r = c_.QueryOne("SELECT window_start, failures, locked_until FROM auth_throttles WHERE bucket = $1",
                         {Text(bucket)});
    if (!r) return std::nullopt;
    return Throttle{r->Int(0), r->Int(1), r->OptInt(2)};
}

void AccountRepository::SaveThrottle(const std::string& bucket, const Throttle& t) {
    c_.Execute(
        "INSERT INTO auth_throttles (bucket, window_start, failures, locked_until) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (bucket) DO UPDATE SET window_start = $2, failures = $3, locked_until = $4",
        {Text(bucket), Int(t.window_start), Int(t.failures), OptInt(t.locked_until)});
}

void AccountRepository::ClearThrottle(const std::string& bucket) {
    c_.Execute("DELETE FROM auth_throttles WHERE bucket = $1", {Text(bucket)});
}

void AccountRepository::Audit(const std::string& actor, const std::string& action,
                              std::optional<int64_t> subject_member_id, const std::string& detail,
                              int64_t now) {
    c_.Execute(
        "INSERT INTO audit_log (actor, action, subject_member_id, detail, at) VALUES ($1, $2, $3, $4, $5)",
        {Text(actor), Text(action), OptInt(subject_member_id), Text(detail), Int(now)});
}

std::vector<AuditRecord> AccountRepository::ListAudit(std::optional<int64_t> subject_member_id,
                                                      int64_t after_id, int limit) {
    std::vector<AuditRecord> out;
    auto rows = c_.Query(
        "SELECT a.id, a.actor, a.action, a.subject_member_id, m.member_number, a.detail, a.at FROM audit_log "
        "a "
        "LEFT JOIN members m ON m.id = a.subject_member_id "
        "WHERE (CAST($1 AS BIGINT) = 0 OR a.subject_member_id = $1) AND a.id > $2 ORDER BY a.id LIMIT $3",
        {Int(subject_member_id.value_or(0)), Int(after_id), Int(limit)});
    for (const auto& r : rows)
        out.push_back(
            AuditRecord{r.Int(0), r.Text(1), r.Text(2), r.OptInt(3), r.OptText(4), r.Text(5), r.Int(6)});
    return out;
}

}  // namespace andel::store
