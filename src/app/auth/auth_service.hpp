#pragma once
#include <cstdint>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "app/auth/password.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "notify/sealer.hpp"
#include "store/access/account_repository.hpp"
#include "store/database.hpp"

namespace andel::app::auth {

// [auth] of andel.toml: costs, lifetimes and limits of logins (R_AUTH_*). Every figure is a bound.
struct AuthSettings {
    PasswordCost password_cost;
    int64_t app_session_ms =
        90LL * 24 * 3600 * 1000;  // an app stays logged in 90 days (R_PRIV_5: the phone's lock)
    int64_t web_session_ms = 12LL * 3600 * 1000;   // a page session, 12 hours
    int64_t code_ms = 5 * 60 * 1000;               // a one-time code is valid 5 minutes
    int code_attempts = 5;                         // then a new code is needed
    int64_t reset_link_ms = 2LL * 3600 * 1000;     // an e-mailed reset link
    int64_t welcome_link_ms = 24LL * 3600 * 1000;  // a new portal orderer's link (R_OMB_2)
    int account_failures = 5;                      // wrong passwords before the account locks
    int64_t account_lock_ms = 15 * 60 * 1000;
    int address_failures = 50;  // failures from one client address per window
    int64_t address_window_ms = 15 * 60 * 1000;
    std::string public_base_url = "http://127.0.0.1:8080";  // for links in e-mails
    // A verified session is remembered this long per process, so a request costs no database read. A session
    // ended on this node is forgotten at once; on other nodes (and by a re-login deadline) within this time.
    int64_t session_cache_ms = 5'000;
};

// A session handed to a client: the token is shown once and only its SHA-256 is stored.
struct IssuedSession {
    std::string token;       // "s." + 64 hex characters (256 bits)
    std::string public_id;   // names the session in lists ("end this session")
    std::string csrf_token;  // for page sessions: must accompany every form post
    int64_t expires_at = 0;
    std::string method;
    std::string kind;  // app | web
    int64_t account_id = 0;
};

// The outcome of the first step of a login: either a session (the demo member, R_MEM_10) or a challenge
// the second step answers.
struct LoginStep {
    std::optional<IssuedSession> session;
    std::string challenge;         // token naming the pending login
    std::string channel;           // sms | email | totp
    std::string destination_hint;  // "+45 •• •• •• 12" — enough to recognise, not to learn
    int64_t expires_at = 0;
};

struct LoginRequest {
    std::string login;  // member number, e-mail or phone (R_AUTH_1); staff: e-mail
    std::string password;
    std::string session_kind = "app";  // app | web
    std::string device;
    std::string client_address;
    std::string second_step;  // "" (the account's default), "sms" or "totp"
};

// Who is behind a session token, as the router needs it.
struct SessionIdentity {
    store::SessionPrincipal principal;
    std::vector<std::string> roles;
};

struct SessionView {
    std::string public_id, kind, method, device;
    int64_t created_at = 0, last_used_at = 0, expires_at = 0;
    bool current = false;
};

// Forgotten password (R_AUTH_2): the channel the code or link went by.
struct ResetStarted {
    std::string challenge;  // answers with the SMS code; empty when a link was e-mailed
    std::string channel;    // sms | email
    std::string destination_hint;
    int64_t expires_at = 0;
};

struct TotpEnrolment {
    std::string challenge, secret_base32, provisioning_uri;
};

// Logins, sessions, second steps, password resets and staff help (R_AUTH_1..4, R_MEM_10, R_PRIV_5).
//
// Secrets: passwords are argon2id hashes; session, challenge and link tokens are 256-bit random strings
// stored as SHA-256; a one-time code is stored as HMAC-SHA-256 keyed with the deployment's secret and the
// challenge, so a copy of the database does not reveal codes; a TOTP seed is sealed. Comparisons are
// constant-time. Nothing secret is logged or returned in an error.
class AuthService {
  public:
    AuthService(store::Database& db, const core::Clock& clock, const notify::Sealer& sealer,
                AuthSettings settings, std::string code_key);

    // First step: password. Refused logins say only that the login or password is wrong (401), or when to
    // retry (429). The demo member gets a session at once.
    core::Result<LoginStep> Login(const LoginRequest& request);
    // Second step: the code from SMS / e-mail / authenticator app.
    core::Result<IssuedSession> Verify(const std::string& challenge, const std::string& code,
                                       const std::string& client_address);

    // The identity behind a session token, or nullopt (unknown, ended, expired). Marks the session used.
    std::optional<SessionIdentity> Authenticate(const std::string& token);
    // The CSRF token that belongs to a page session's token.
    std::string CsrfTokenFor(const std::string& session_token) const;

    std::vector<SessionView> Sessions(int64_t account_id, const std::string& current_public_id);
    core::Result<void> EndSession(int64_t account_id, const std::string& public_id);
    // Ends every session of the account; `keep_public_id` survives ("log out my other devices").
    int64_t EndAllSessions(int64_t account_id, const std::string& keep_public_id = {});

    // Forgotten password (R_AUTH_2): a code by SMS when a mobile is on file, else an e-mail link. Also how
    // a member without a login creates one. Unknown logins get the same answer as known ones.
    core::Result<ResetStarted> StartReset(const std::string& login, const std::string& client_address);
    // Sets the password with the SMS challenge + code, or with the e-mailed link token (code empty).
    // Every session of the account ends.
    core::Result<void> CompleteReset(const std::string& challenge_or_link, const std::string& code,
                                     const std::string& new_password, const std::string& client_address);
    // A signed-in member changes their password (the demo member cannot, R_MEM_10).
    core::Result<void> ChangePassword(int64_t account_id, const std::string& current_password,
                                      const std::string& new_password, const std::string& current_public_id);

    // TOTP (RFC 6238) as the second step: enrol, confirm with a first code, or remove.
    core::Result<TotpEnrolment> StartTotp(int64_t account_id);
    core::Result<void> ConfirmTotp(int64_t account_id, const std::string& challenge, const std::string& code);
    // Removing the authenticator app weakens the login: it needs the current password.
    core::Result<void> RemoveTotp(int64_t account_id, const std::string& current_password);

    // Staff help a member who cannot log in (R_AUTH_3): send a reset, or lift a lock-out. Never a password.
    // Both land in the audit log, with the staff's `reason` when one is given (up to 200 characters; the back
    // office's pages require one).
    core::Result<ResetStarted> StaffSendReset(const std::string& actor, const std::string& member_number,
                                              const std::string& reason = {});
    core::Result<void> StaffUnlock(const std::string& actor, const std::string& member_number,
                                   const std::string& reason = {});

    // Creates a staff or portal account with an e-mail login and mails a link to set the password (valid
    // `welcome_link_ms`, R_OMB_2); the mail names the organisation.
    core::Result<int64_t> CreateStaffAccount(const std::string& actor, const std::string& email,
                                             const std::string& display_name, const std::string& role,
                                             std::optional<int64_t> organisation_id,
                                             const std::string& language,
                                             const std::string& organisation_name = "Andel");
    // Sets an account's password directly: the demo seed and tests only (never reachable over HTTP).
    core::Result<int64_t> SeedMemberPassword(const std::string& member_number, const std::string& password);
    // With an organisation: a portal account (R_OMB_1).
    core::Result<int64_t> SeedStaffAccount(const std::string& email, const std::string& display_name,
                                           const std::string& role, const std::string& password,
                                           std::optional<int64_t> organisation_id = std::nullopt);

    // Creates a session for an account after a strong login (BankID), recording the new login (R_AUTH_5).
    core::Result<IssuedSession> OpenSession(store::Connection& c, int64_t account_id, const std::string& kind,
                                            const std::string& method, const std::string& device);
    // The account of a member, created on demand (a member's first login).
    int64_t EnsureMemberAccount(store::Connection& c, int64_t member_id);

    const AuthSettings& settings() const { return settings_; }
    std::string HashCode(const std::string& challenge_hash, const std::string& code) const;

  private:
    core::Result<void> CheckThrottle(store::Connection& c, const std::string& bucket);
    // Checks a signed-in person's current password (changing the password, removing TOTP), with its own
    // throttle so a stolen session cannot guess it.
    core::Result<void> CheckCurrentPassword(int64_t account_id, const std::string& password);
    void CountFailure(store::Connection& c, const std::string& bucket, int limit, int64_t window_ms);
    std::string AddressBucket(const std::string& client_address) const;
    core::Result<int64_t> ResolveMember(store::Connection& c, const std::string& login);
    core::Result<ResetStarted> StartResetFor(store::Connection& c, int64_t account_id,
                                             const store::MemberLogin* member, const std::string& email);

    store::Database& db_;
    const core::Clock& clock_;
    const notify::Sealer& sealer_;
    AuthSettings settings_;
    std::string code_key_;
    std::string dummy_hash_;  // verified against when the login is unknown, so timing does not tell
    void ForgetSessions();
    struct CachedIdentity {
        SessionIdentity identity;
        int64_t until = 0;
    };
    std::shared_mutex cache_mu_;  // lookups share it; inserts and forgetting take it alone
    std::unordered_map<std::string, CachedIdentity> cache_;  // by SHA-256 of the token
};

// Role names a person's session carries (DESIGN.md "HTTP conventions"; issue 4 §5).
inline constexpr const char* kRoleMember = "member";
inline constexpr const char* kRoleHouseholdOwner = "household_owner";
inline constexpr const char* kRoleFamilyMember = "family_member";
inline constexpr const char* kRoleProfile = "profile";
inline constexpr const char* kRoleStoreStaff = "store_staff";
inline constexpr const char* kRoleServiceAgent = "service_agent";
inline constexpr const char* kRoleAdmin = "admin";
inline constexpr const char* kRolePortalAdmin = "portal_admin";
inline constexpr const char* kRoleOrderer = "orderer";

// "+4512345678" -> "+45 •• •• •• 78"; "anna@example.dk" -> "a•••@example.dk".
std::string MaskDestination(const std::string& destination);

}  // namespace andel::app::auth
