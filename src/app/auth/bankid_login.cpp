#include "app/auth/bankid_login.hpp"

#include "app/crypto.hpp"
#include "app/transaction.hpp"
#include "core/membership/national_id.hpp"

namespace andel::app::auth {

using core::Error;
using core::Result;

BankIdLogin::BankIdLogin(store::Database& db, const core::Clock& clock, AuthService& auth,
                         OidcSettings settings, std::string code_key, std::string national_id_key)
    : db_(db),
      clock_(clock),
      auth_(auth),
      client_(std::move(settings)),
      code_key_(std::move(code_key)),
      national_id_key_(std::move(national_id_key)) {}

std::string BankIdLogin::Derive(const char* purpose, const std::string& state) const {
    std::string message = purpose;
    message += ':';
    message += state;
    return HmacSha256Hex(code_key_, message);  // 64 hex characters: a valid PKCE verifier and nonce
}

Result<BankIdStart> BankIdLogin::Start(const std::string& session_kind, const std::string& device) {
    if (session_kind != "app" && session_kind != "web")
        return Error::Invalid("session must be app or web", "session");
    std::string state = RandomHex(32);
    auto url = client_.AuthorizationUrl(state, Derive("nonce", state), PkceChallenge(Derive("pkce", state)));
    if (!url.ok()) return url.error();
    int64_t now = core::ToMillis(clock_.Now());
    auto saved = InTransaction(db_, [&](store::Connection& c) -> Result<void> {
        store::ChallengeRecord ch;
        ch.token_hash = Sha256Hex(state);
        ch.purpose = "oidc";
        ch.channel = "oidc";
        ch.session_kind = session_kind;
        ch.device = device.substr(0, 200);
        ch.created_at = now;
        ch.expires_at = now + kFlowMs;
        store::AccountRepository(c).InsertChallenge(ch);
        return {};
    });
    if (!saved.ok()) return saved.error();
    return BankIdStart{url.value(), now + kFlowMs};
}

Result<IssuedSession> BankIdLogin::Complete(const std::string& code, const std::string& state) {
    if (code.empty() || code.size() > 1024 || state.empty() || state.size() > 200)
        return Error::Malformed("code and state are required", "state");
    int64_t now = core::ToMillis(clock_.Now());
    // The state is single-use: consumed before the code is exchanged, so a replayed redirect finds nothing.
    auto flow = InTransaction(db_, [&](store::Connection& c) -> Result<store::ChallengeRecord> {
        store::AccountRepository repo(c);
        auto ch = repo.FindChallenge(Sha256Hex(state));
        if (!ch || ch->purpose != "oidc" || ch->consumed_at)
            return Error::Unauthenticated("this BankID login was finished or is unknown; start again");
        if (ch->expires_at <= now)
            return Error::Unauthenticated("the BankID login took too long; start again");
        repo.ConsumeChallenge(ch->id, now);
        return *ch;
    });
    if (!flow.ok()) return flow.error();
    auto claims = client_.ExchangeCode(code, Derive("pkce", state), Derive("nonce", state), now / 1000);
    if (!claims.ok()) return claims.error();
    if (claims.value().personal_number.empty())
        return Error::Unauthenticated("the BankID answer carries no personal identity number");

    core::Date today = core::UtcDate(clock_.Now());
    return InTransaction(db_, [&](store::Connection& c) -> Result<IssuedSession> {
        store::AccountRepository repo(c);
        std::optional<int64_t> member_id;
        for (const char* market : {"no", "se", "dk"}) {
            auto id = core::ParseNationalId(market, claims.value().personal_number, today);
            if (!id.ok()) continue;
            member_id =
                repo.FindMemberIdByNationalIdHash(HmacSha256Hex(national_id_key_, id.value().normalized));
            if (member_id) break;
        }
        if (!member_id)
            return Error::Forbidden(
                "no membership belongs to this BankID; become a member first, then log in");
        auto member = repo.FindMemberLogin(*member_id);
        if (member->status != "active") return Error::Forbidden("this membership has ended");
        int64_t account_id = auth_.EnsureMemberAccount(c, *member_id);
        return auth_.OpenSession(c, account_id, flow.value().session_kind, "bankid", flow.value().device);
    });
}

}  // namespace andel::app::auth
