#pragma once
#include <openssl/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"

namespace andel::app::auth {

// What the provider answers, free of any HTTP library: the route copies it into a response.
struct DevBankIdReply {
    int status = 200;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;  // e.g. Location, Cache-Control
    std::string body;
};

// A stand-in for BankID, for `andel demo` only (never `andel serve`): a minimal OpenID provider served by the
// andel server itself under its issuer URL. Authorization code flow, PKCE S256 required, client_secret_post,
// ID tokens signed RS256 with a key generated at construction (kid "demo-1"). There is no password: the page
// lets anyone pick one of the demo identities, which is why it must never run outside the demo.
// Thread-safe. Codes are single-use, live 60 s, and at most 1000 are outstanding.
class DevBankIdProvider {
  public:
    struct Identity {
        std::string personal_number, name;
    };
    using Params = std::multimap<std::string, std::string>;  // decoded query parameters

    static constexpr int64_t kCodeLifetimeSeconds = 60;
    static constexpr int64_t kTokenLifetimeSeconds = 300;
    static constexpr size_t kMaxOutstandingCodes = 1000;

    // `issuer` without a trailing slash, e.g. "http://127.0.0.1:8080/dev/bankid". `redirect_uri`, when not
    // empty, is the only redirect URI accepted; otherwise any http(s) URL is.
    DevBankIdProvider(std::string issuer, std::string client_id, std::string client_secret,
                      const core::Clock& clock, std::string redirect_uri = {});
    ~DevBankIdProvider();
    DevBankIdProvider(const DevBankIdProvider&) = delete;
    DevBankIdProvider& operator=(const DevBankIdProvider&) = delete;

    // For when the port is known only once the server listens. Codes already issued stay valid.
    void SetIssuer(std::string issuer);
    std::string issuer() const;

    // The demo's identities: one member of the demo, and one person with no membership (to show refusal).
    static std::vector<Identity> DemoIdentities();

    nlohmann::json Discovery() const;  // /.well-known/openid-configuration
    nlohmann::json Jwks() const;       // the public key

    // GET /authorize. Without `personal_number`: the page to pick an identity (200, HTML). With one: a fresh
    // code and a 302 to redirect_uri?code=..&state=... A bad request is a 400 page, never a redirect.
    DevBankIdReply AuthorizePage(const Params& params);
    // POST /token with an application/x-www-form-urlencoded body. Errors per RFC 6749 section 5.2.
    DevBankIdReply Token(std::string_view form_body);

  private:
    struct Grant {
        Identity identity;
        std::string nonce, code_challenge, redirect_uri;
        int64_t expires_at = 0;  // unix seconds
    };
    struct KeyDeleter {
        void operator()(EVP_PKEY* key) const;
    };

    int64_t NowSeconds() const;
    std::string IdToken(const Grant& grant, const std::string& issuer, int64_t now) const;
    void PruneExpired(int64_t now);  // mutex_ held

    const std::string client_id_, client_secret_, redirect_uri_;
    const core::Clock& clock_;
    std::unique_ptr<EVP_PKEY, KeyDeleter> key_;
    nlohmann::json jwk_;  // the public half, as published; immutable after construction

    mutable std::mutex key_mutex_;  // serialises signing with key_
    mutable std::mutex mutex_;      // guards issuer_ and codes_
    std::string issuer_;
    std::map<std::string, Grant> codes_;  // by code
};

}  // namespace andel::app::auth
