#pragma once
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"

namespace andel::store {

// A login: a member's (or customer with a profile's), a staff member's, or a portal user's (R_AUTH_*).
struct LoginAccount {
    int64_t id = 0;
    std::string kind;  // member | staff | portal
    std::optional<int64_t> member_id;
    std::optional<std::string> login_email;
    std::string display_name, role;
    std::optional<int64_t> organisation_id;
    std::string language = "en";
    std::optional<std::string> password_hash;
    std::optional<int64_t> password_changed_at;
    std::optional<std::string> totp_sealed;
    std::optional<int64_t> totp_last_step;
    int64_t failed_logins = 0;
    std::optional<int64_t> locked_until;
    std::optional<int64_t> new_login_at;
    std::string status = "active";
    int64_t created_at = 0, updated_at = 0;
};

// What a login needs to know of the member behind an account.
struct MemberLogin {
    int64_t member_id = 0;
    std::optional<std::string> member_number;  // NULL for a customer with a profile
    std::string kind;                          // member | profile
    std::string status;                        // active | ended
    std::string market;
    bool is_demo = false;
    std::optional<std::string> household_role;  // owner | participant
    std::optional<std::string> email, phone;
    std::string first_name;
};

struct SessionRecord {
    int64_t id = 0;
    std::string public_id, token_hash;
    int64_t account_id = 0;
    std::string kind, method, device;
    int64_t created_at = 0, last_used_at = 0, expires_at = 0;
    std::optional<int64_t> revoked_at;
    std::optional<std::string> revoke_reason;
};

// A live session with what the router needs to decide roles, in one read.
struct SessionPrincipal {
    int64_t session_id = 0;
    std::string session_public_id;
    int64_t last_used_at = 0;
    int64_t account_id = 0;
    std::string account_kind, account_role, language;
    std::optional<int64_t> organisation_id;
    std::optional<int64_t> member_id;
    std::optional<std::string> member_number, member_kind, member_status, market, household_role;
    bool is_demo = false;
};

struct ChallengeRecord {
    int64_t id = 0;
    std::string token_hash;
    std::optional<int64_t> account_id;
    std::string purpose, channel;
    std::optional<std::string> code_hash;
    int64_t attempts = 0;
    std::optional<std::string> sealed_payload;
    std::string session_kind = "app", device;
    int64_t created_at = 0, expires_at = 0;
    std::optional<int64_t> consumed_at;
};

struct AuditRecord {
    int64_t id = 0;
    std::string actor, action;
    std::optional<int64_t> subject_member_id;
    std::optional<std::string> subject_member_number;
    std::string detail;
    int64_t at = 0;
};

// Accounts, sessions, challenges, throttles and the staff audit log (migration 0006).
class AccountRepository {
  public:
    explicit AccountRepository(Connection& c) : c_(c) {}

    int64_t Insert(const LoginAccount& a);
    std::optional<LoginAccount> Find(int64_t id);
    std::optional<LoginAccount> FindByMember(int64_t member_id);
    std::optional<LoginAccount> FindByLoginEmail(const std::string& email);
    // Locks the account row for the rest of the transaction (PostgreSQL; SQLite's writer is exclusive).
    std::optional<LoginAccount> FindForUpdate(int64_t id);
    void SetPassword(int64_t id, const std::string& hash, int64_t now);
    void SetTotp(int64_t id, const std::optional<std::string>& sealed, int64_t now);
    void SetTotpLastStep(int64_t id, int64_t step);
    void RecordFailedLogin(int64_t id, std::optional<int64_t> locked_until, int64_t now);
    void ClearFailedLogins(int64_t id, int64_t now);
    void SetNewLogin(int64_t id, int64_t now);
    void SetLanguage(int64_t id, const std::string& language, int64_t now);

    // The member a login name names: a member number, an e-mail or a phone number (R_AUTH_1).
    std::optional<int64_t> FindMemberIdByLogin(const std::string& member_number, const std::string& email,
                                               const std::string& phone);
    std::optional<int64_t> FindMemberIdByNationalIdHash(const std::string& hash);
    std::optional<MemberLogin> FindMemberLogin(int64_t member_id);

    int64_t InsertSession(const SessionRecord& s);
    // The live session for a token hash (not revoked, not expired at `now`).
    std::optional<SessionRecord> FindLiveSession(const std::string& token_hash, int64_t now);
    std::optional<SessionPrincipal> FindSessionPrincipal(const std::string& token_hash, int64_t now);
    std::vector<SessionRecord> ListLiveSessions(int64_t account_id, int64_t now);
    void TouchSession(int64_t session_id, int64_t now);
    bool RevokeSession(int64_t account_id, const std::string& public_id, const std::string& reason,
                       int64_t now);
    // Revokes every live session of the account except `keep_public_id`; returns how many.
    int64_t RevokeAllSessions(int64_t account_id, const std::string& reason, int64_t now,
                              const std::string& keep_public_id = {});

    int64_t InsertChallenge(const ChallengeRecord& c);
    std::optional<ChallengeRecord> FindChallenge(const std::string& token_hash);
    void CountChallengeAttempt(int64_t id);
    void ConsumeChallenge(int64_t id, int64_t now);
    // Consumes every open challenge of the account for `purpose` (a new code replaces the old).
    void ConsumeOpenChallenges(int64_t account_id, const std::string& purpose, int64_t now);

    // Failures in the current window for a bucket ('acct:..', 'addr:..'); the row is created on demand.
    struct Throttle {
        int64_t window_start = 0, failures = 0;
        std::optional<int64_t> locked_until;
    };
    std::optional<Throttle> FindThrottle(const std::string& bucket);
    void SaveThrottle(const std::string& bucket, const Throttle& t);
    void ClearThrottle(const std::string& bucket);

    void Audit(const std::string& actor, const std::string& action, std::optional<int64_t> subject_member_id,
               const std::string& detail, int64_t now);
    std::vector<AuditRecord> ListAudit(std::optional<int64_t> subject_member_id, int64_t after_id, int limit);

  private:
    Connection& c_;
};

}  // namespace andel::store
