#include "app/auth/auth_service.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "app/auth/totp.hpp"
#include "app/crypto.hpp"
#include "app/transaction.hpp"
#include "core/membership/numbers.hpp"
#include "notify/outbox.hpp"
#include "store/access/relogin_repository.hpp"

namespace andel::app::auth {
namespace {

using core::Error;
using core::Result;

constexpr int64_t kTouchEveryMs = 60 * 1000;  // "last used" is kept to the minute, not per request
constexpr int64_t kTotpEnrolMs = 10 * 60 * 1000;
const char* const kWrongLogin = "the login or the password is wrong";

std::string Trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    size_t e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

std::string Lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::string NewCode() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not initialise");
    char buf[16];
    std::snprintf(buf, sizeof buf, "%06u", static_cast<unsigned>(randombytes_uniform(1'000'000)));
    return buf;
}

bool IsSixDigits(const std::string& code) {
    return code.size() == 6 &&
           std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string MarketLanguage(const std::string& market) {
    if (market == "dk") return "da";
    if (market == "no") return "nb";
    if (market == "se") return "sv";
    return "en";
}

// How long until `until`, in whole seconds (at least 1), and as words for a message.
int SecondsUntil(int64_t until, int64_t now) {
    return static_cast<int>(std::max<int64_t>(1, (until - now + 999) / 1000));
}

std::string WaitText(int seconds) {
    int minutes = (seconds + 59) / 60;
    return minutes <= 1 ? std::string("a minute") : std::to_string(minutes) + " minutes";
}

bool IsTwoStep(const std::string& method) { return method != "demo" && method != "password"; }

}  // namespace

std::string MaskDestination(const std::string& destination) {
    auto at = destination.find('@');
    if (at != std::string::npos) {
        std::string out = destination.empty() ? "" : destination.substr(0, 1);
        out += "\u2022\u2022\u2022";
        out += destination.substr(at);
        return out;
    }
    if (destination.size() < 4) return "\u2022\u2022";
    std::string out = destination.substr(0, destination.front() == '+' ? 3 : 0);
    out += " \u2022\u2022 \u2022\u2022 \u2022\u2022 ";
    out += destination.substr(destination.size() - 2);
    return out;
}

AuthService::AuthService(store::Database& db, const core::Clock& clock, const notify::Sealer& sealer,
                         AuthSettings settings, std::string code_key)
    : db_(db),
      clock_(clock),
      sealer_(sealer),
      settings_(std::move(settings)),
      code_key_(std::move(code_key)) {
    dummy_hash_ = HashPassword("andel-timing-equaliser", settings_.password_cost);
}

std::string AuthService::HashCode(const std::string& challenge_hash, const std::string& code) const {
    std::string message = challenge_hash;
    message += ':';
    message += code;
    return HmacSha256Hex(code_key_, message);
}

std::string AuthService::CsrfTokenFor(const std::string& session_token) const {
    std::string message = "csrf:";
    message += session_token;
    return HmacSha256Hex(code_key_, message);
}

std::string AuthService::AddressBucket(const std::string& client_address) const {
    std::string bucket = "addr:";
    bucket += Sha256Hex(client_address);  // a client address is personal data: never stored in clear
    return bucket;
}

Result<void> AuthService::CheckThrottle(store::Connection& c, const std::string& bucket) {
    int64_t now = core::ToMillis(clock_.Now());
    auto t = store::AccountRepository(c).FindThrottle(bucket);
    if (t && t->locked_until && *t->locked_until > now) {
        int wait = SecondsUntil(*t->locked_until, now);
        return Error::RateLimited("too many attempts; try again in " + WaitText(wait), wait);
    }
    return {};
}

void AuthService::CountFailure(store::Connection& c, const std::string& bucket, int limit,
                               int64_t window_ms) {
    int64_t now = core::ToMillis(clock_.Now());
    store::AccountRepository repo(c);
    auto t = repo.FindThrottle(bucket).value_or(store::AccountRepository::Throttle{now, 0, std::nullopt});
    if (now - t.window_start > window_ms) t = {now, 0, std::nullopt};
    t.failures += 1;
    if (t.failures >= limit) t.locked_until = now + window_ms;
    repo.SaveThrottle(bucket, t);
}

Result<int64_t> AuthService::ResolveMember(store::Connection& c, const std::string& raw) {
    std::string login = Trim(raw);
    store::AccountRepository repo(c);
    std::optional<int64_t> id;
    if (login.find('@') != std::string::npos) {
        id = repo.FindMemberIdByLogin({}, Lower(login), {});
    } else if (!login.empty() && login.front() == '+') {
        std::string phone;
        for (char ch : login)
            if (ch != ' ' && ch != '-') phone += ch;
        id = repo.FindMemberIdByLogin({}, {}, phone);
    } else if (core::IsValidMemberNumber(login)) {
        id = repo.FindMemberIdByLogin(login, {}, {});
    }
    if (!id) return Error::NotFound("no such login");
    return *id;
}

int64_t AuthService::EnsureMemberAccount(store::Connection& c, int64_t member_id) {
    store::AccountRepository repo(c);
    if (auto a = repo.FindByMember(member_id)) return a->id;
    auto m = repo.FindMemberLogin(member_id);
    store::LoginAccount a;
    a.kind = "member";
    a.member_id = member_id;
    a.display_name = m ? m->first_name : std::string();
    a.role = kRoleMember;
    a.language = m ? MarketLanguage(m->market) : "en";
    a.created_at = core::ToMillis(clock_.Now());
    return repo.Insert(a);
}

Result<IssuedSession> AuthService::OpenSession(store::Connection& c, int64_t account_id,
                                               const std::string& kind, const std::string& method,
                                               const std::string& device) {
    int64_t now = core::ToMillis(clock_.Now());
    IssuedSession s;
    s.token = "s." + RandomHex(32);
    s.public_id = RandomHex(8);
    s.csrf_token = CsrfTokenFor(s.token);
    s.expires_at = now + (kind == "web" ? settings_.web_session_ms : settings_.app_session_ms);
    s.method = method;
    s.kind = kind == "web" ? "web" : "app";
    s.account_id = account_id;
    store::SessionRecord r;
    r.public_id = s.public_id;
    r.token_hash = Sha256Hex(s.token);
    r.account_id = account_id;
    r.kind = kind == "web" ? "web" : "app";
    r.method = method;
    r.device = device.substr(0, 200);
    r.created_at = now;
    r.expires_at = s.expires_at;
    store::AccountRepository repo(c);
    repo.InsertSession(r);
    if (IsTwoStep(method)) {
        repo.SetNewLogin(account_id, now);
        // R_HH_8 / R_AUTH_7: the membership remembers that its owner has done the new login.
        if (auto a = repo.Find(account_id); a && a->member_id)
            c.Execute("UPDATE members SET new_login_at = $2 WHERE id = $1 AND new_login_at IS NULL",
                      {store::Int(*a->member_id), store::Int(now)});
        // R_AUTH_5: a login with the method a re-login campaign requires completes it for the member.
        store::ReloginRepository(c).RecordLogin(account_id, method, now);
    }
    return s;
}

Result<LoginStep> AuthService::Login(const LoginRequest& request) {
    int64_t now = core::ToMillis(clock_.Now());
    if (request.login.empty() || request.login.size() > 254)
        return Error::Malformed("login must be a member number, e-mail or phone number", "login");
    if (request.password.empty() || request.password.size() > 1024)
        return Error::Malformed("password is required", "password");
    if (!request.second_step.empty() && request.second_step != "sms" && request.second_step != "email" &&
        request.second_step != "totp")
        return Error::Invalid("second_step must be sms, email or totp", "second_step");
    if (request.session_kind != "app" && request.session_kind != "web")
        return Error::Invalid("session must be app or web", "session");
    std::string address_bucket = AddressBucket(request.client_address);

    // The slow part (argon2id) runs outside any write transaction.
    std::optional<store::LoginAccount> account;
    std::optional<store::MemberLogin> member;
    {
        auto conn = db_.Read();
        ANDEL_TRY(CheckThrottle(*conn, address_bucket));
        store::AccountRepository repo(*conn);
        auto member_id = ResolveMember(*conn, request.login);
        if (member_id.ok()) {
            account = repo.FindByMember(member_id.value());
            member = repo.FindMemberLogin(member_id.value());
        } else if (request.login.find('@') != std::string::npos) {
            account = repo.FindByLoginEmail(Lower(Trim(request.login)));
        }
    }
    if (account && account->locked_until && *account->locked_until > now) {
        int wait = SecondsUntil(*account->locked_until, now);
        return Error::RateLimited("too many wrong passwords; the login is locked for " + WaitText(wait),
                                  wait);
    }
    bool has_password = account && account->password_hash && account->status == "active";
    bool ok = VerifyPassword(request.password, has_password ? *account->password_hash : dummy_hash_) &&
              has_password;
    if (!ok) {
        (void)InTransaction(db_, [&](store::Connection& c) -> Result<void> {
            CountFailure(c, address_bucket, settings_.address_failures, settings_.address_window_ms);
            if (account) {
                bool locks = account->failed_logins + 1 >= settings_.account_failures;
                store::AccountRepository(c).RecordFailedLogin(
                    account->id,
                    locks ? std::optional<int64_t>(now + settings_.account_lock_ms) : std::nullopt, now);
            }
            return {};
        });
        return Error::Unauthenticated(kWrongLogin);
    }
    if (member && member->status != "active") return Error::Forbidden("this membership has ended");
    std::optional<std::string> rehash;
    if (NeedsRehash(*account->password_hash, settings_.password_cost))
        rehash = HashPassword(request.password, settings_.password_cost);

    return InTransaction(db_, [&](store::Connection& c) -> Result<LoginStep> {
        store::AccountRepository repo(c);
        repo.ClearFailedLogins(account->id, now);
        if (rehash) repo.SetPassword(account->id, *rehash, now);
        LoginStep step;
        if (member && member->is_demo) {  // R_MEM_10: the demo member needs no second step
            auto s = OpenSession(c, account->id, request.session_kind, "demo", request.device);
            if (!s.ok()) return s.error();
            step.session = s.value();
            return step;
        }
        std::string channel = request.second_step;
        std::string destination;
        if (channel.empty())
            channel = account->totp_sealed ? "totp" : (member && member->phone) ? "sms" : "email";
        if (channel == "totp") {
            if (!account->totp_sealed)
                return Error::Invalid("no authenticator app is set up for this login", "second_step");
        } else if (channel == "sms") {
            if (!member || !member->phone)
                return Error::Invalid("no mobile number is on file for this login", "second_step");
            destination = *member->phone;
        } else if (channel == "email") {
            destination = member ? member->email.value_or("") : account->login_email.value_or("");
            if (destination.empty())
                return Error::Rule("R_AUTH_4",
                                   "no mobile number or e-mail is on file; contact customer service");
        } else {
            return Error::Malformed("second_step must be sms, email or totp", "second_step");
        }
        repo.ConsumeOpenChallenges(account->id, "login", now);
        std::string token = "c." + RandomHex(32);
        store::ChallengeRecord ch;
        ch.token_hash = Sha256Hex(token);
        ch.account_id = account->id;
        ch.purpose = "login";
        ch.channel = channel;
        ch.session_kind = request.session_kind == "web" ? "web" : "app";
        ch.device = request.device.substr(0, 200);
        ch.created_at = now;
        ch.expires_at = now + settings_.code_ms;
        if (channel != "totp") {
            std::string code = NewCode();
            ch.code_hash = HashCode(ch.token_hash, code);
            notify::OutgoingMessage m;
            m.account_id = account->id;
            if (member) m.member_id = member->member_id;
            m.channel = channel;
            m.recipient = destination;
            m.template_key = "login_code";
            m.language = account->language;
            m.params = {{"code", code}, {"minutes", settings_.code_ms / 60000}};
            ANDEL_TRY(notify::Enqueue(c, sealer_, m, clock_.Now()));
        }
        repo.InsertChallenge(ch);
        step.challenge = token;
        step.channel = channel;
        step.destination_hint = destination.empty() ? "" : MaskDestination(destination);
        step.expires_at = ch.expires_at;
        return step;
    });
}

Result<IssuedSession> AuthService::Verify(const std::string& challenge, const std::string& code,
                                          const std::string& client_address) {
    if (challenge.empty() || challenge.size() > 200)
        return Error::Malformed("challenge is required", "challenge");
    std::string address_bucket = AddressBucket(client_address);
    {
        auto conn = db_.Read();
        ANDEL_TRY(CheckThrottle(*conn, address_bucket));
    }
    struct Outcome {
        std::optional<IssuedSession> session;
        std::optional<Error> refused;
    };
    auto outcome = InTransaction(db_, [&](store::Connection& c) -> Result<Outcome> {
        int64_t now = core::ToMillis(clock_.Now());
        store::AccountRepository repo(c);
        auto ch = repo.FindChallenge(Sha256Hex(challenge));
        if (!ch || ch->purpose != "login" || ch->consumed_at || !ch->account_id)
            return Error::Unauthenticated("this login was finished or replaced; log in again");
        if (ch->expires_at <= now)
            return Error::Unauthenticated("the code has expired; log in again to get a new code");
        if (ch->attempts >= settings_.code_attempts)
            return Error::Unauthenticated("too many wrong codes; log in again to get a new code");
        auto account = repo.FindForUpdate(*ch->account_id);
        bool right = false;
        if (IsSixDigits(code)) {
            if (ch->channel == "totp") {
                auto seed = account->totp_sealed ? sealer_.Open(*account->totp_sealed) : std::nullopt;
                if (seed) {
                    auto step = TotpVerify(*seed, code, now / 1000, account->totp_last_step);
                    if (step) {
                        repo.SetTotpLastStep(account->id, *step);
                        right = true;
                    }
                }
            } else if (ch->code_hash) {
                right = ConstantTimeEquals(HashCode(ch->token_hash, code), *ch->code_hash);
            }
        }
        Outcome o;
        if (!right) {
            repo.CountChallengeAttempt(ch->id);
            CountFailure(c, address_bucket, settings_.address_failures, settings_.address_window_ms);
            int64_t left = settings_.code_attempts - (ch->attempts + 1);
            o.refused =
                Error::Unauthenticated(left > 0 ? "the code is wrong; " + std::to_string(left) +
                                                      (left == 1 ? " attempt" : " attempts") + " left"
                                                : "the code is wrong; log in again to get a new code");
            return o;  // commits the counted attempt
        }
        repo.ConsumeChallenge(ch->id, now);
        std::string method = "password+" + ch->channel;
        auto s = OpenSession(c, account->id, ch->session_kind, method, ch->device);
        if (!s.ok()) return s.error();
        o.session = s.value();
        return o;
    });
    if (!outcome.ok()) return outcome.error();
    if (outcome.value().refused) return *outcome.value().refused;
    return *outcome.value().session;
}

std::optional<SessionIdentity> AuthService::Authenticate(const std::string& token) {
    if (token.size() != 66 || token.compare(0, 2, "s.") != 0) return std::nullopt;
    int64_t now = core::ToMillis(clock_.Now());
    std::string token_hash = Sha256Hex(token);
    if (settings_.session_cache_ms > 0) {
        std::shared_lock lock(cache_mu_);
        if (auto it = cache_.find(token_hash); it != cache_.end() && it->second.until > now)
            return it->second.identity;  // an expired entry is replaced below
    }
    std::optional<store::SessionPrincipal> p;
    {
        auto conn = db_.Read();
        p = store::AccountRepository(*conn).FindSessionPrincipal(token_hash, now);
    }
    if (!p) return std::nullopt;
    if (p->member_status && *p->member_status != "active") return std::nullopt;
    if (now - p->last_used_at > kTouchEveryMs) {
        (void)InTransaction(db_, [&](store::Connection& c) -> Result<void> {
            store::AccountRepository(c).TouchSession(p->session_id, now);
            return {};
        });
    }
    SessionIdentity id;
    id.principal = *p;
    if (p->account_kind == "member") {
        if (p->member_kind == "profile") {
            id.roles.push_back(kRoleProfile);
        } else {
            id.roles.push_back(kRoleMember);
            if (p->household_role == "owner") id.roles.push_back(kRoleHouseholdOwner);
            if (p->household_role == "participant") id.roles.push_back(kRoleFamilyMember);
        }
    } else {
        id.roles.push_back(p->account_role);
    }
    if (settings_.session_cache_ms > 0) {
        std::lock_guard lock(cache_mu_);
        if (cache_.size() >= 100'000) cache_.clear();  // a bound on memory; the next requests re-read
        cache_[token_hash] = {id, now + settings_.session_cache_ms};
    }
    return id;
}

void AuthService::ForgetSessions() {
    std::lock_guard lock(cache_mu_);
    cache_.clear();
}

std::vector<SessionView> AuthService::Sessions(int64_t account_id, const std::string& current_public_id) {
    auto conn = db_.Read();
    std::vector<SessionView> out;
    for (const auto& s :
         store::AccountRepository(*conn).ListLiveSessions(account_id, core::ToMillis(clock_.Now())))
        out.push_back({s.public_id, s.kind, s.method, s.device, s.created_at, s.last_used_at, s.expires_at,
                       s.public_id == current_public_id});
    return out;
}

Result<void> AuthService::EndSession(int64_t account_id, const std::string& public_id) {
    auto ended = InTransaction(db_, [&](store::Connection& c) -> Result<void> {
        if (!store::AccountRepository(c).RevokeSession(account_id, public_id, "ended by the member",
                                                       core::ToMillis(clock_.Now())))
            return Error::NotFound("no such session");
        return {};
    });
    ForgetSessions();
    return ended;
}

int64_t AuthService::EndAllSessions(int64_t account_id, const std::string& keep_public_id) {
    int64_t n = 0;
    (void)InTransaction(db_, [&](store::Connection& c) -> Result<void> {
        n = store::AccountRepository(c).RevokeAllSessions(account_id, "ended by the member",
                                                          core::ToMillis(clock_.Now()), keep_public_id);
        return {};
    });
    ForgetSessions();
    return n;
}

Result<ResetStarted> AuthService::StartResetFor(store::Connection& c, int64_t account_id,
                                                const store::MemberLogin* member, const std::string& email) {
    int64_t now = core::ToMillis(clock_.Now());
    store::AccountRepository repo(c);
    auto account = repo.Find(account_id);
    repo.ConsumeOpenChallenges(account_id, "reset", now);
    ResetStarted started;
    store::ChallengeRecord ch;
    std::string token = "r." + RandomHex(32);
    ch.token_hash = Sha256Hex(token);
    ch.account_id = account_id;
    ch.purpose = "reset";
    ch.created_at = now;
    notify::OutgoingMessage m;
    m.account_id = account_id;
    if (member) m.member_id = member->member_id;
    m.language = account->language;
    if (member && member->phone) {  // R_AUTH_2: a code by SMS when a mobile number is on file
        std::string code = NewCode();
        ch.channel = "sms";
        ch.code_hash = HashCode(ch.token_hash, code);
        ch.expires_at = now + settings_.code_ms;
        m.channel = "sms";
        m.recipient = *member->phone;
        m.template_key = "reset_code";
        m.params = {{"code", code}, {"minutes", settings_.code_ms / 60000}};
        started.challenge = token;
    } else {  // otherwise an e-mail link
        std::string to = member ? member->email.value_or("") : email;
        if (to.empty())
            return Error::Rule("R_AUTH_2",
                               "no mobile number or e-mail is on file; customer service can help");
        ch.channel = "email";
        ch.expires_at = now + settings_.reset_link_ms;
        m.channel = "email";
        m.recipient = to;
        m.template_key = "reset_link";
        m.params = {{"link", settings_.public_base_url + "/reset-password?token=" + token},
                    {"hours", settings_.reset_link_ms / 3600000}};
    }
    ANDEL_TRY(notify::Enqueue(c, sealer_, m, clock_.Now()));
    repo.InsertChallenge(ch);
    started.channel = ch.channel;
    started.destination_hint = MaskDestination(m.recipient);
    started.expires_at = ch.expires_at;
    return started;
}

Result<ResetStarted> AuthService::StartReset(const std::string& login, const std::string& client_address) {
    if (login.empty() || login.size() > 254) return Error::Malformed("login is required", "login");
    std::string address_bucket = AddressBucket(client_address);
    auto result = InTransaction(db_, [&](store::Connection& c) -> Result<std::optional<ResetStarted>> {
        ANDEL_TRY(CheckThrottle(c, address_bucket));
        store::AccountRepository repo(c);
        auto member_id = ResolveMember(c, login);
        if (member_id.ok()) {
            auto member = repo.FindMemberLogin(member_id.value());
            if (member->is_demo)
                return Error::Rule("R_MEM_10", "the demo member's password cannot be changed");
            if (member->status != "active") return Error::Forbidden("this membership has ended");
            int64_t account_id = EnsureMemberAccount(c, member->member_id);
            auto started = StartResetFor(c, account_id, &*member, {});
            if (!started.ok()) return started.error();
            return std::optional<ResetStarted>(started.value());
        }
        if (login.find('@') != std::string::npos) {
            auto email = Lower(Trim(login));
            if (auto a = repo.FindByLoginEmail(email)) {
                auto started = StartResetFor(c, a->id, nullptr, email);
                if (!started.ok()) return started.error();
                return std::optional<ResetStarted>(started.value());
            }
        }
        // Unknown: counted against the address (probing), answered like a link sent by e-mail.
        CountFailure(c, address_bucket, settings_.address_failures, settings_.address_window_ms);
        return std::optional<ResetStarted>();
    });
    if (!result.ok()) return result.error();
    if (result.value()) return *result.value();
    ResetStarted decoy;  // looks like a link sent to the address given
    decoy.channel = "email";
    if (login.find('@') != std::string::npos) decoy.destination_hint = MaskDestination(Lower(Trim(login)));
    decoy.expires_at = core::ToMillis(clock_.Now()) + settings_.reset_link_ms;
    return decoy;
}

Result<void> AuthService::CompleteReset(const std::string& challenge_or_link, const std::string& code,
                                        const std::string& new_password, const std::string& client_address) {
    if (challenge_or_link.empty() || challenge_or_link.size() > 200)
        return Error::Malformed("token is required", "token");
    std::string address_bucket = AddressBucket(client_address);
    std::optional<store::ChallengeRecord> ch;
    std::optional<store::MemberLogin> member;
    {
        auto conn = db_.Read();
        ANDEL_TRY(CheckThrottle(*conn, address_bucket));
        store::AccountRepository repo(*conn);
        ch = repo.FindChallenge(Sha256Hex(challenge_or_link));
        if (ch && ch->account_id)
            if (auto a = repo.Find(*ch->account_id); a && a->member_id)
                member = repo.FindMemberLogin(*a->member_id);
    }
    std::string rule = ch && ch->purpose == "welcome" ? "R_OMB_2" : "R_AUTH_2";
    if (!ch || (ch->purpose != "reset" && ch->purpose != "welcome") || ch->consumed_at || !ch->account_id)
        return Error::Rule(rule, "this link or code was used or replaced; ask for a new one");
    int64_t now = core::ToMillis(clock_.Now());
    if (ch->expires_at <= now)
        return Error::Rule(rule, ch->purpose == "welcome"
                                     ? "the welcome link has expired (it is valid 24 hours); use \"forgot "
                                       "password\" with your e-mail"
                                     : "the link or code has expired; ask for a new one");
    if (ch->attempts >= settings_.code_attempts)
        return Error::Rule(rule, "too many wrong codes; ask for a new code");
    ANDEL_TRY(CheckNewPassword(new_password, member && member->member_number ? *member->member_number : ""));
    std::string hash = HashPassword(new_password, settings_.password_cost);

    struct Outcome {
        std::optional<Error> refused;
    };
    auto outcome = InTransaction(db_, [&](store::Connection& c) -> Result<Outcome> {
        store::AccountRepository repo(c);
        auto fresh = repo.FindChallenge(ch->token_hash);  // re-read under the write lock: single use
        if (!fresh || fresh->consumed_at || fresh->attempts >= settings_.code_attempts)
            return Error::Rule(rule, "this link or code was used or replaced; ask for a new one");
        if (fresh->code_hash) {
            if (!IsSixDigits(code) ||
                !ConstantTimeEquals(HashCode(fresh->token_hash, code), *fresh->code_hash)) {
                repo.CountChallengeAttempt(fresh->id);
                CountFailure(c, address_bucket, settings_.address_failures, settings_.address_window_ms);
                return Outcome{Error::Invalid("the code is wrong", "code")};
            }
        }
        repo.ConsumeChallenge(fresh->id, now);
        repo.SetPassword(*fresh->account_id, hash, now);
        repo.RevokeAllSessions(*fresh->account_id, "password reset", now);
        return Outcome{};
    });
    ForgetSessions();
    if (!outcome.ok()) return outcome.error();
    if (outcome.value().refused) return *outcome.value().refused;
    return {};
}

Result<void> AuthService::ChangePassword(int64_t account_id, const std::string& current_password,
                                         const std::string& new_password,
                                         const std::string& current_public_id) {
    std::optional<store::LoginAccount> account;
    std::optional<store::MemberLogin> member;
    {
        auto conn = db_.Read();
        store::AccountRepository repo(*conn);
        account = repo.Find(account_id);
        if (account && account->member_id) member = repo.FindMemberLogin(*account->member_id);
    }
    if (!account) return Error::NotFound("no such account");
    if (member && member->is_demo)
        return Error::Rule("R_MEM_10", "the demo member's password cannot be changed");
    ANDEL_TRY(CheckCurrentPassword(account_id, current_password));
    ANDEL_TRY(CheckNewPassword(new_password, member && member->member_number ? *member->member_number : ""));
    std::string hash = HashPassword(new_password, settings_.password_cost);
    auto changed = InTransaction(db_, [&](store::Connection& c) -> Result<void> {
        int64_t now = core::ToMillis(clock_.Now());
        store::AccountRepository repo(c);
        repo.SetPassword(account_id, hash, now);
        repo.RevokeAllSessions(account_id, "password changed", now, current_public_id);
        return {};
    });
    ForgetSessions();
    return changed;
}

Result<TotpEnrolment> AuthService::StartTotp(int64_t account_id) {
    return InTransaction(db_, [&](store::Connection& c) -> Result<TotpEnrolment> {
        int64_t now = core::ToMillis(clock_.Now());
        store::AccountRepository repo(c);
        auto account = repo.Find(account_id);
        if (!account) return Error::NotFound("no such account");
        if (account->member_id)
            if (auto m = repo.FindMemberLogin(*account->member_id); m && m->is_demo)
                return Error::Rule("R_MEM_10", "the demo member's login cannot be changed");
        repo.ConsumeOpenChallenges(account_id, "totp_enrol", now);
        std::string secret = NewTotpSecret();
        std::string token = "t." + RandomHex(32);
        store::ChallengeRecord ch;
        ch.token_hash = Sha256Hex(token);
        ch.account_id = account_id;
        ch.purpose = "totp_enrol";
        ch.channel = "totp";
        ch.sealed_payload = sealer_.Seal(secret);
        ch.created_at = now;
        ch.expires_at = now + kTotpEnrolMs;
        repo.InsertChallenge(ch);
        std::string label = account->login_email.value_or(account->display_name);
        return TotpEnrolment{token, Base32Encode(secret), TotpProvisioningUri("Andel", label, secret)};
    });
}

Result<void> AuthService::ConfirmTotp(int64_t account_id, const std::string& challenge,
                                      const std::string& code) {
    struct Outcome {
        std::optional<Error> refused;
    };
    auto outcome = InTransaction(db_, [&](store::Connection& c) -> Result<Outcome> {
        int64_t now = core::ToMillis(clock_.Now());
        store::AccountRepository repo(c);
        auto ch = repo.FindChallenge(Sha256Hex(challenge));
        if (!ch || ch->purpose != "totp_enrol" || ch->account_id != account_id || ch->consumed_at ||
            ch->expires_at <= now || ch->attempts >= settings_.code_attempts || !ch->sealed_payload)
            return Error::Invalid("this set-up has expired; start again", "challenge");
        auto seed = sealer_.Open(*ch->sealed_payload);
        auto step =
            seed && IsSixDigits(code) ? TotpVerify(*seed, code, now / 1000, std::nullopt) : std::nullopt;
        if (!step) {
            repo.CountChallengeAttempt(ch->id);
            return Outcome{Error::Invalid("the code is wrong; check the time on your phone", "code")};
        }
        repo.ConsumeChallenge(ch->id, now);
        repo.SetTotp(account_id, *ch->sealed_payload, now);
        repo.SetTotpLastStep(account_id, *step);
        return Outcome{};
    });
    if (!outcome.ok()) return outcome.error();
    if (outcome.value().refused) return *outcome.value().refused;
    return {};
}

Result<void> AuthService::CheckCurrentPassword(int64_t account_id, const std::string& password) {
    std::string bucket = "pw:" + std::to_string(account_id);
    std::optional<store::LoginAccount> account;
    {
        auto conn = db_.Read();
        ANDEL_TRY(CheckThrottle(*conn, bucket));
        account = store::AccountRepository(*conn).Find(account_id);
    }
    if (!account) return Error::NotFound("no such account");
    if (account->password_hash && VerifyPassword(password, *account->password_hash)) return {};
    (void)InTransaction(db_, [&](store::Connection& c) -> Result<void> {
        CountFailure(c, bucket, settings_.account_failures, settings_.account_lock_ms);
        return {};
    });
    return Error::Invalid("the current password is wrong", "current_password");
}

Result<void> AuthService::RemoveTotp(int64_t account_id, const std::string& current_password) {
    ANDEL_TRY(CheckCurrentPassword(account_id, current_password));
    return InTransaction(db_, [&](store::Connection& c) -> Result<void> {
        store::AccountRepository(c).SetTotp(account_id, std::nullopt, core::ToMillis(clock_.Now()));
        return {};
    });
}

namespace {
// An audit entry's detail with the staff's reason after it: "channel=sms; reason=...".
std::string WithReason(std::string detail, const std::string& reason) {
    if (reason.empty()) return detail;
    return detail + (detail.empty() ? "" : "; ") + "reason=" + reason;
}
}  // namespace

Result<ResetStarted> AuthService::StaffSendReset(const std::string& actor, const std::string& member_number,
                                                 const std::string& reason) {
    if (reason.size() > 200) return Error::Malformed("reason is too long", "reason");
    return InTransaction(db_, [&](store::Connection& c) -> Result<ResetStarted> {
        store::AccountRepository repo(c);
        // By member number, or by e-mail for a customer with a profile, who has none (R_MEM_1).
        bool email = member_number.find('@') != std::string::npos;
        auto member_id = email ? repo.FindMemberIdByLogin({}, member_number, {})
                               : repo.FindMemberIdByLogin(member_number, {}, {});
        if (!member_id) return Error::NotFound("no member with login " + member_number);
        auto member = repo.FindMemberLogin(*member_id);
        if (member->is_demo) return Error::Rule("R_MEM_10", "the demo member's password cannot be changed");
        int64_t account_id = EnsureMemberAccount(c, *member_id);
        // The member completes it on their own phone or mailbox, so staff send a link, never a code they
        // could read out (R_AUTH_3).
        store::MemberLogin link_only = *member;
        std::optional<std::string> phone = link_only.phone;
        ResetStarted started;
        int64_t now = core::ToMillis(clock_.Now());
        repo.ConsumeOpenChallenges(account_id, "reset", now);
        std::string token = "r." + RandomHex(32);
        store::ChallengeRecord ch;
        ch.token_hash = Sha256Hex(token);
        ch.account_id = account_id;
        ch.purpose = "reset";
        ch.channel = phone ? "sms" : "email";
        ch.created_at = now;
        ch.expires_at = now + settings_.reset_link_ms;
        std::string to = phone ? *phone : member->email.value_or("");
        if (to.empty())
            return Error::Rule(
                "R_AUTH_2",
                "the member has no mobile number or e-mail on file; update the contact data first");
        notify::OutgoingMessage m;
        m.account_id = account_id;
        m.member_id = *member_id;
        m.channel = ch.channel;
        m.recipient = to;
        m.template_key = "reset_link";
        m.language = repo.Find(account_id)->language;
        m.params = {{"link", settings_.public_base_url + "/reset-password?token=" + token},
                    {"hours", settings_.reset_link_ms / 3600000}};
        ANDEL_TRY(notify::Enqueue(c, sealer_, m, clock_.Now()));
        repo.InsertChallenge(ch);
        repo.Audit(actor, "send_password_reset", *member_id, WithReason("channel=" + ch.channel, reason),
                   now);
        started.channel = ch.channel;
        started.destination_hint = MaskDestination(to);
        started.expires_at = ch.expires_at;
        return started;
    });
}

Result<void> AuthService::StaffUnlock(const std::string& actor, const std::string& member_number,
                                      const std::string& reason) {
    if (reason.size() > 200) return Error::Malformed("reason is too long", "reason");
    return InTransaction(db_, [&](store::Connection& c) -> Result<void> {
        store::AccountRepository repo(c);
        // By member number, or by e-mail for a customer with a profile, who has none (R_MEM_1).
        bool email = member_number.find('@') != std::string::npos;
        auto member_id = email ? repo.FindMemberIdByLogin({}, member_number, {})
                               : repo.FindMemberIdByLogin(member_number, {}, {});
        if (!member_id) return Error::NotFound("no member with login " + member_number);
        int64_t now = core::ToMillis(clock_.Now());
        if (auto a = repo.FindByMember(*member_id)) repo.ClearFailedLogins(a->id, now);
        repo.Audit(actor, "unlock_login", *member_id, WithReason("", reason), now);
        return {};
    });
}

Result<int64_t> AuthService::CreateStaffAccount(const std::string& actor, const std::string& email_raw,
                                                const std::string& display_name, const std::string& role,
                                                std::optional<int64_t> organisation_id,
                                                const std::string& language,
                                                const std::string& organisation_name) {
    static const std::vector<std::string> kStaffRoles = {kRoleStoreStaff, kRoleServiceAgent, kRoleAdmin,
                                                         kRolePortalAdmin, kRoleOrderer};
    if (std::find(kStaffRoles.begin(), kStaffRoles.end(), role) == kStaffRoles.end())
        return Error::Invalid("role must be one of store_staff, service_agent, admin, portal_admin, orderer",
                              "role");
    std::string email = Lower(Trim(email_raw));
    auto at = email.find('@');
    if (at == std::string::npos || at == 0 || at + 1 >= email.size() || email.size() > 254 ||
        email.find_first_of(" \r\n,;<>") != std::string::npos)
        return Error::Invalid("email must be an e-mail address", "email");
    if (display_name.empty() || display_name.size() > 200) return Error::Invalid("name is required", "name");
    bool portal = role == kRolePortalAdmin || role == kRoleOrderer;
    if (portal && !organisation_id)
        return Error::Invalid("a portal user belongs to an organisation", "organisation_id");
    if (!portal && organisation_id)
        return Error::Invalid("only portal users (portal_admin, orderer) belong to an organisation",
                              "organisation_id");
    return InTransaction(db_, [&](store::Connection& c) -> Result<int64_t> {
        int64_t now = core::ToMillis(clock_.Now());
        store::AccountRepository repo(c);
        if (repo.FindByLoginEmail(email)) return Error::Conflict("an account with this e-mail exists");
        store::LoginAccount a;
        a.kind = portal ? "portal" : "staff";
        a.login_email = email;
        a.display_name = display_name;
        a.role = role;
        a.organisation_id = organisation_id;
        a.language = language.empty() ? "en" : language;
        a.created_at = now;
        int64_t id = repo.Insert(a);
        std::string token = "w." + RandomHex(32);
        store::ChallengeRecord ch;
        ch.token_hash = Sha256Hex(token);
        ch.account_id = id;
        ch.purpose = "welcome";
        ch.channel = "email";
        ch.created_at = now;
        ch.expires_at = now + settings_.welcome_link_ms;  // R_OMB_2: 24 hours
        repo.InsertChallenge(ch);
        notify::OutgoingMessage m;
        m.account_id = id;
        m.channel = "email";
        m.recipient = email;
        m.template_key = "welcome_link";
        m.language = a.language;
        m.params = {{"name", display_name},
                    {"organisation", organisation_name},
                    {"link", settings_.public_base_url + "/reset-password?token=" + token}};
        ANDEL_TRY(notify::Enqueue(c, sealer_, m, clock_.Now()));
        repo.Audit(actor, "create_account", std::nullopt, "role=" + role + " account=" + std::to_string(id),
                   now);
        return id;
    });
}

Result<int64_t> AuthService::SeedMemberPassword(const std::string& member_number,
                                                const std::string& password) {
    std::string hash = HashPassword(password, settings_.password_cost);
    return InTransaction(db_, [&](store::Connection& c) -> Result<int64_t> {
        store::AccountRepository repo(c);
        // By member number, or by e-mail for a customer with a profile, who has none (R_MEM_1).
        bool email = member_number.find('@') != std::string::npos;
        auto member_id = email ? repo.FindMemberIdByLogin({}, member_number, {})
                               : repo.FindMemberIdByLogin(member_number, {}, {});
        if (!member_id) return Error::NotFound("no member with login " + member_number);
        int64_t id = EnsureMemberAccount(c, *member_id);
        repo.SetPassword(id, hash, core::ToMillis(clock_.Now()));
        return id;
    });
}

Result<int64_t> AuthService::SeedStaffAccount(const std::string& email, const std::string& display_name,
                                              const std::string& role, const std::string& password,
                                              std::optional<int64_t> organisation_id) {
    std::string hash = HashPassword(password, settings_.password_cost);
    return InTransaction(db_, [&](store::Connection& c) -> Result<int64_t> {
        store::AccountRepository repo(c);
        int64_t now = core::ToMillis(clock_.Now());
        if (auto a = repo.FindByLoginEmail(email)) {
            repo.SetPassword(a->id, hash, now);
            return a->id;
        }
        store::LoginAccount a;
        a.kind = organisation_id ? "portal" : "staff";
        a.login_email = email;
        a.display_name = display_name;
        a.role = role;
        a.organisation_id = organisation_id;
        if (organisation_id) a.language = "sv";
        a.created_at = now;
        int64_t id = repo.Insert(a);
        repo.SetPassword(id, hash, now);
        return id;
    });
}

}  // namespace andel::app::auth
