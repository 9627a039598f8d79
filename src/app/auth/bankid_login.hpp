#pragma once
#include <memory>
#include <string>

#include "app/auth/auth_service.hpp"
#include "app/auth/oidc.hpp"

namespace andel::app::auth {

struct BankIdStart {
    std::string authorization_url;  // where the app or browser goes to identify with BankID
    int64_t expires_at = 0;
};

// Login with BankID through an OpenID Connect issuer (R_AUTH_4: instead of password + code, in NO and SE):
// authorization code flow with PKCE, `state` and `nonce`. Nothing of the flow is kept in clear: the state
// is stored as its SHA-256, and the nonce and PKCE verifier are derived from the state with the
// deployment's key (HMAC), so they need no storage at all. The ID token's personal number is matched to a
// member through the keyed hash of national ids (never stored in clear).
class BankIdLogin {
  public:
    BankIdLogin(store::Database& db, const core::Clock& clock, AuthService& auth, OidcSettings settings,
                std::string code_key, std::string national_id_key);

    core::Result<BankIdStart> Start(const std::string& session_kind, const std::string& device);
    // The issuer's redirect back: exchanges the code, verifies the ID token and opens a session.
    core::Result<IssuedSession> Complete(const std::string& code, const std::string& state);

    static constexpr int64_t kFlowMs = 10 * 60 * 1000;

  private:
    std::string Derive(const char* purpose, const std::string& state) const;

    store::Database& db_;
    const core::Clock& clock_;
    AuthService& auth_;
    OidcClient client_;
    std::string code_key_, national_id_key_;
};

}  // namespace andel::app::auth
