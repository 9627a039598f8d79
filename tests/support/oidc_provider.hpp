#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace andel::test {

// A stand-in OpenID provider (BankID) on 127.0.0.1, an ephemeral port, served by a background thread:
//   GET  /.well-known/openid-configuration   issuer http://127.0.0.1:<port>
//   GET  /jwks                               its RSA-2048 public key (kid "k1"; "k2", ... after RotateKey)
//   GET  /authorize?...                      logs the current user in (no UI): 302 to redirect_uri?code&state
//   POST /token                              client_secret_post; PKCE S256; codes single-use, 60 s
// One request per connection (Connection: close). Its clock is fixed (SetNow) so tests need no sleeps.
class TestOidcProvider {
  public:
    // How to spoil the next ID tokens, for negative tests. Applies until changed.
    enum class Tamper {
        None,
        WrongKey,       // signed with another RSA key, under the published kid
        WrongAudience,  // aud is another client
        Expired,        // exp an hour ago
        WrongNonce,     // nonce differs from the one in the authorization request
        WrongIssuer,    // iss is another issuer
        AlgNone,        // alg "none", empty signature
        AlgHs256,       // alg "HS256", HMAC keyed with the public modulus (the classic confusion attack)
        AudienceArrayWithoutAzp,  // aud [client_id, "other"] and no azp
    };

    // What the "browser" got back from /authorize.
    struct AuthorizeResponse {
        int status = 0;        // 302 on success, 400 when client_id or redirect_uri are wrong
        std::string location;  // the Location header, empty when none
        std::string body;
    };

    // `redirect_uri`, when not empty, is the only one accepted; otherwise any http(s) URL is.
    TestOidcProvider(std::string client_id, std::string client_secret, std::string redirect_uri = {});
    ~TestOidcProvider();
    TestOidcProvider(const TestOidcProvider&) = delete;
    TestOidcProvider& operator=(const TestOidcProvider&) = delete;

    std::string issuer() const;  // http://127.0.0.1:<port>
    int port() const;

    // The user the next authorizations log in (sticky; default "test-sub", "01017012345", "Test Testesen").
    void SetNextUser(std::string sub, std::string personal_number, std::string name);
    void SetTamper(Tamper tamper);
    // The claim that carries the personal number: "personal_number" (default), "nnin", "ssn", or "" for none.
    void SetPersonalNumberClaim(std::string claim);
    // The provider's clock for iat/exp and code lifetime; starts at the real time when constructed.
    void SetNow(int64_t unix_seconds);
    int64_t now() const;
    // A new signing key with the next kid ("k2", "k3", ...); /jwks then publishes only the new key.
    void RotateKey();

    int requests_served() const;  // every request parsed, any path
    int jwks_requests() const;

    // Plays the browser: sends a real GET for `authorization_url` (which must point at this provider) and
    // returns the status and Location header without following the redirect.
    AuthorizeResponse Authorize(const std::string& authorization_url) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The percent-decoded value of a query parameter of `url` (after '?'), nullopt when absent.
std::optional<std::string> QueryParameter(std::string_view url, std::string_view name);

}  // namespace andel::test
