#pragma once
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace andel::app::auth {

// An OpenID Connect relying party (BankID): authorization code flow with PKCE (S256), state and nonce.
// The issuer must be https://, except on the loopback interface (127.0.0.1, localhost, [::1]) for tests.
struct OidcSettings {
    std::string issuer;  // exactly as the provider names itself, e.g. https://auth.bankid.no/...
    std::string client_id;
    std::string client_secret;
    std::string redirect_uri;
    std::string scope = "openid";
    long timeout_ms = 10'000;         // per outbound request
    int64_t clock_skew_seconds = 60;  // tolerated on exp and iat
};

// The verified claims of an ID token. `raw` is the whole payload, for claims not named here.
struct IdTokenClaims {
    std::string sub, issuer, audience, name;
    std::string personal_number;  // claim "personal_number", else "nnin", else "ssn"; empty when absent
    int64_t expires_at = 0, issued_at = 0;
    nlohmann::json raw;
};

// RFC 4648 section 5, without padding. Decoding refuses padding and foreign characters.
std::string Base64UrlEncode(std::string_view bytes);
std::optional<std::string> Base64UrlDecode(std::string_view text);
// RFC 7636 S256: base64url(SHA-256(verifier)).
std::string PkceChallenge(std::string_view verifier);
// A fresh code verifier: 32 random bytes, base64url (43 characters).
std::string NewPkceVerifier();

// Thread-safe: the discovery document and the provider's keys are fetched once and shared; an ID token
// signed with an unknown key id makes the client refetch the keys once (key rotation).
class OidcClient {
  public:
    explicit OidcClient(OidcSettings settings);

    // The URL to send the browser to. state, nonce and code_challenge must not be empty.
    core::Result<std::string> AuthorizationUrl(const std::string& state, const std::string& nonce,
                                               const std::string& code_challenge);
    // Redeems the code at the token endpoint and verifies the ID token (RS256 signature, iss, aud/azp, exp,
    // iat, nonce). A refused code or token is kUnauthenticated; an unreachable or broken provider
    // kUnavailable.
    core::Result<IdTokenClaims> ExchangeCode(const std::string& code, const std::string& code_verifier,
                                             const std::string& expected_nonce, int64_t now_unix_seconds);

  private:
    struct Jwk {
        std::string kid, n, e;  // n and e base64url, as published
    };
    struct Endpoints {
        std::string authorization, token, jwks;
    };

    core::Result<Endpoints> Discover();
    core::Result<std::vector<Jwk>> FetchKeys(const std::string& jwks_uri);
    // The key that signed a token with this key id (nullopt: none in the token), refetching once if unknown.
    core::Result<Jwk> KeyFor(const std::optional<std::string>& kid, const std::string& jwks_uri);
    core::Result<IdTokenClaims> VerifyIdToken(const std::string& id_token, const std::string& jwks_uri,
                                              const std::string& expected_nonce, int64_t now);

    const OidcSettings settings_;
    std::mutex mutex_;  // guards the two caches below; never held during a request
    std::optional<Endpoints> endpoints_;
    std::optional<std::vector<Jwk>> keys_;
};

}  // namespace andel::app::auth
