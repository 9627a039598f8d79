#include "app/auth/dev_bankid.hpp"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "app/auth/oidc.hpp"
#include "http/api/dev_bankid_api.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "notify/http_client.hpp"
#include "support/oidc_provider.hpp"

namespace andel::app::auth {
namespace {

using core::ErrorCode;
using nlohmann::json;
using test::QueryParameter;

constexpr char kClientId[] = "andel-demo";
constexpr char kClientSecret[] = "demo-client-secret";
constexpr int64_t kNow = 1'795'435'200;  // 2026-11-23T08:00:00Z

// The andel server with only the demo BankID routes, on 127.0.0.1 and a free port; the provider's issuer is
// set once the port is known.
struct DemoBankId {
    core::FixedClock clock{core::FromMillis(kNow * 1000)};
    DevBankIdProvider provider{"http://127.0.0.1:0/dev/bankid", kClientId, kClientSecret, clock};
    http::Router router{[](const http::Request&, core::Error&) { return http::Principal{}; }};
    std::unique_ptr<http::Server> server;
    std::string issuer, redirect_uri;

    DemoBankId() {
        http::AddDevBankIdRoutes(router, provider);
        http::ServerOptions options;
        options.port = 0;
        options.threads = 2;
        server = std::make_unique<http::Server>(options, router);
        server->Start();
        std::string base = "http://127.0.0.1:";
        base += std::to_string(server->port());
        issuer = base;
        issuer += "/dev/bankid";
        redirect_uri = base;
        redirect_uri += "/auth/bankid/callback";
        provider.SetIssuer(issuer);
    }

    OidcSettings Settings(std::string secret = kClientSecret) const {
        OidcSettings settings;
        settings.issuer = issuer;
        settings.client_id = kClientId;
        settings.client_secret = std::move(secret);
        settings.redirect_uri = redirect_uri;
        settings.timeout_ms = 5'000;
        return settings;
    }
};

notify::HttpResult Get(const std::string& url) {
    notify::HttpRequest request;
    request.url = url;
    request.timeout_ms = 5'000;
    return notify::Fetch(request);
}

// Plays the browser for one GET without following a redirect: the status and the Location header's target.
struct BrowserReply {
    long status = 0;
    std::string location;
};

BrowserReply BrowserGet(const std::string& url) {
    BrowserReply reply;
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl) return reply;
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(
        curl.get(), CURLOPT_WRITEFUNCTION,
        +[](char*, size_t size, size_t n, void*) -> size_t { return size * n; });
    if (curl_easy_perform(curl.get()) != CURLE_OK) return reply;
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &reply.status);
    char* location = nullptr;
    if (curl_easy_getinfo(curl.get(), CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location)
        reply.location = location;
    return reply;
}

// Where the demo's page sends the browser when a person picks an identity (the form adds personal_number).
std::string Choose(const std::string& authorization_url, const std::string& personal_number) {
    std::string url = authorization_url;
    url += "&personal_number=";
    url += notify::UrlEncode(personal_number);
    return url;
}

bool ValidFodselsnummer(const std::string& number) {
    if (number.size() != 11) return false;
    int d[11];
    for (int i = 0; i < 11; ++i) {
        if (number[i] < '0' || number[i] > '9') return false;
        d[i] = number[i] - '0';
    }
    const int w1[9] = {3, 7, 6, 1, 8, 9, 4, 5, 2};
    const int w2[10] = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
    int s1 = 0, s2 = 0;
    for (int i = 0; i < 9; ++i) s1 += d[i] * w1[i];
    for (int i = 0; i < 10; ++i) s2 += d[i] * w2[i];
    const int k1 = (11 - s1 % 11) % 11, k2 = (11 - s2 % 11) % 11;
    return k1 != 10 && k2 != 10 && d[9] == k1 && d[10] == k2;
}

// The code in a 302 from the provider itself (same checks as over HTTP, but the Location header readable).
std::string CodeFrom(const DevBankIdReply& reply) {
    for (const auto& [name, value] : reply.headers)
        if (name == "Location") return QueryParameter(value, "code").value_or("");
    return {};
}

DevBankIdProvider::Params AuthorizeParams(const std::string& redirect_uri, const std::string& challenge) {
    return {{"response_type", "code"},
            {"client_id", kClientId},
            {"redirect_uri", redirect_uri},
            {"scope", "openid"},
            {"state", "s1"},
            {"nonce", "n1"},
            {"code_challenge", challenge},
            {"code_challenge_method", "S256"}};
}

std::string TokenForm(const std::string& code, const std::string& redirect_uri, const std::string& verifier,
                      const std::string& secret = kClientSecret) {
    std::string body = "grant_type=authorization_code&code=";
    body += notify::UrlEncode(code);
    body += "&redirect_uri=";
    body += notify::UrlEncode(redirect_uri);
    body += "&code_verifier=";
    body += notify::UrlEncode(verifier);
    body += "&client_id=";
    body += kClientId;
    body += "&client_secret=";
    body += notify::UrlEncode(secret);
    return body;
}

TEST(DevBankIdIdentities, AreValidFodselsnummerAndIncludeNoraAndAStranger) {
    const auto identities = DevBankIdProvider::DemoIdentities();
    ASSERT_EQ(identities.size(), 2u);
    EXPECT_EQ(identities[0].personal_number, "15038510190");
    EXPECT_EQ(identities[0].name, "Nora Nordmann");
    EXPECT_EQ(identities[1].name, "Ola Ukjent");
    for (const auto& identity : identities) EXPECT_TRUE(ValidFodselsnummer(identity.personal_number));
    EXPECT_FALSE(ValidFodselsnummer("01017012345"));  // the checker itself refuses a wrong check digit
}

TEST(DevBankIdDiscovery, NamesItsEndpointsUnderTheIssuer) {
    core::FixedClock clock{core::FromMillis(kNow * 1000)};
    DevBankIdProvider provider("http://127.0.0.1:8080/dev/bankid", kClientId, kClientSecret, clock);
    const json d = provider.Discovery();
    EXPECT_EQ(d["issuer"], "http://127.0.0.1:8080/dev/bankid");
    EXPECT_EQ(d["authorization_endpoint"], "http://127.0.0.1:8080/dev/bankid/authorize");
    EXPECT_EQ(d["token_endpoint"], "http://127.0.0.1:8080/dev/bankid/token");
    EXPECT_EQ(d["jwks_uri"], "http://127.0.0.1:8080/dev/bankid/jwks");
    EXPECT_EQ(d["code_challenge_methods_supported"], json::array({"S256"}));
    EXPECT_EQ(d["token_endpoint_auth_methods_supported"], json::array({"client_secret_post"}));
    const json keys = provider.Jwks()["keys"];
    ASSERT_EQ(keys.size(), 1u);
    EXPECT_EQ(keys[0]["kid"], "demo-1");
    EXPECT_EQ(keys[0]["kty"], "RSA");
    EXPECT_EQ(Base64UrlDecode(keys[0]["n"].get<std::string>())->size(), 256u);  // RSA-2048
}

TEST(DevBankIdFlow, RealClientLogsNoraInThroughTheServedProvider) {
    DemoBankId demo;
    OidcClient client(demo.Settings());
    const std::string verifier = NewPkceVerifier();
    const std::string nonce = "nonce-abc";
    auto url = client.AuthorizationUrl("state-1", nonce, PkceChallenge(verifier));
    ASSERT_TRUE(url.ok()) << url.error().detail;
    ASSERT_TRUE(url->starts_with(demo.issuer + "/authorize?"));

    // The picker page: HTML, both identities, a form back to the same endpoint.
    const auto page = Get(*url);
    ASSERT_EQ(page.status, 200) << page.body;
    EXPECT_NE(page.body.find("<title>Demo BankID</title>"), std::string::npos);
    EXPECT_NE(page.body.find("demo stand-in for BankID"), std::string::npos);
    EXPECT_NE(page.body.find("Nora Nordmann"), std::string::npos);
    EXPECT_NE(page.body.find("15038510190"), std::string::npos);
    EXPECT_NE(page.body.find("Ola Ukjent"), std::string::npos);
    EXPECT_NE(page.body.find("name=\"personal_number\""), std::string::npos);
    EXPECT_NE(page.body.find("action=\"authorize\""), std::string::npos);

    // Picking Nora (the page's button adds personal_number): a 302 to the redirect URI with the state and a
    // single-use code.
    const auto chosen = BrowserGet(Choose(*url, "15038510190"));
    ASSERT_EQ(chosen.status, 302);
    EXPECT_TRUE(chosen.location.starts_with(demo.redirect_uri + "?code=")) << chosen.location;
    EXPECT_EQ(QueryParameter(chosen.location, "state"), "state-1");
    const std::string code = QueryParameter(chosen.location, "code").value_or("");
    ASSERT_FALSE(code.empty());

    auto claims = client.ExchangeCode(code, verifier, nonce, kNow + 1);
    ASSERT_TRUE(claims.ok()) << claims.error().detail;
    EXPECT_EQ(claims->personal_number, "15038510190");
    EXPECT_EQ(claims->name, "Nora Nordmann");
    EXPECT_EQ(claims->sub, "demo-15038510190");
    EXPECT_EQ(claims->issuer, demo.issuer);
    EXPECT_EQ(claims->expires_at, kNow + 300);

    // Single use: the same code again is refused.
    auto again = client.ExchangeCode(code, verifier, nonce, kNow + 1);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, ErrorCode::kUnauthenticated);
}

// Issues a code for Nora through the provider with this verifier's challenge.
std::string IssueCode(DemoBankId& demo, const std::string& verifier, const std::string& nonce = "n1") {
    auto params = AuthorizeParams(demo.redirect_uri, PkceChallenge(verifier));
    params.erase("nonce");
    params.emplace("nonce", nonce);
    params.emplace("personal_number", "15038510190");
    return CodeFrom(demo.provider.AuthorizePage(params));
}

TEST(DevBankIdFlow, WrongVerifierIsRefused) {
    DemoBankId demo;
    OidcClient client(demo.Settings());
    const std::string code = IssueCode(demo, NewPkceVerifier());
    auto claims = client.ExchangeCode(code, NewPkceVerifier(), "n1", kNow);
    ASSERT_FALSE(claims.ok());
    EXPECT_EQ(claims.error().code, ErrorCode::kUnauthenticated);
    EXPECT_NE(claims.error().detail.find("invalid_grant"), std::string::npos);
}

TEST(DevBankIdFlow, WrongClientSecretIsRefused) {
    DemoBankId demo;
    OidcClient client(demo.Settings("not-the-secret"));
    const std::string verifier = NewPkceVerifier();
    const std::string code = IssueCode(demo, verifier);
    auto claims = client.ExchangeCode(code, verifier, "n1", kNow);
    ASSERT_FALSE(claims.ok());
    EXPECT_EQ(claims.error().code, ErrorCode::kUnavailable);  // the client's view of invalid_client

    const auto reply = demo.provider.Token(TokenForm(code, demo.redirect_uri, verifier, "wrong"));
    EXPECT_EQ(reply.status, 401);
    EXPECT_EQ(json::parse(reply.body)["error"], "invalid_client");
}

TEST(DevBankIdFlow, ExpiredCodeIsRefused) {
    DemoBankId demo;
    OidcClient client(demo.Settings());
    const std::string verifier = NewPkceVerifier();
    const std::string code = IssueCode(demo, verifier);
    demo.clock.Advance(std::chrono::seconds(61));
    auto claims = client.ExchangeCode(code, verifier, "n1", kNow + 61);
    ASSERT_FALSE(claims.ok());
    EXPECT_EQ(claims.error().code, ErrorCode::kUnauthenticated);
}

TEST(DevBankIdFlow, WrongNonceIsCaughtByTheClient) {
    DemoBankId demo;
    OidcClient client(demo.Settings());
    const std::string verifier = NewPkceVerifier();
    const std::string code = IssueCode(demo, verifier, "the-real-nonce");
    auto claims = client.ExchangeCode(code, verifier, "another-nonce", kNow);
    ASSERT_FALSE(claims.ok());
    EXPECT_EQ(claims.error().code, ErrorCode::kUnauthenticated);
}

TEST(DevBankIdAuthorize, UnknownPersonalNumberIsRefused) {
    DemoBankId demo;
    OidcClient client(demo.Settings());
    auto url = client.AuthorizationUrl("s", "n", PkceChallenge(NewPkceVerifier()));
    ASSERT_TRUE(url.ok());
    const auto reply = Get(Choose(*url, "01017012345"));
    EXPECT_EQ(reply.status, 400);
    EXPECT_NE(reply.body.find("not a demo identity"), std::string::npos);
}

TEST(DevBankIdAuthorize, EscapesAHostileState) {
    DemoBankId demo;
    OidcClient client(demo.Settings());
    auto url = client.AuthorizationUrl("\"><script>alert(1)</script>", "n", PkceChallenge(NewPkceVerifier()));
    ASSERT_TRUE(url.ok());
    const auto page = Get(*url);
    ASSERT_EQ(page.status, 200);
    EXPECT_EQ(page.body.find("<script>"), std::string::npos);
    EXPECT_NE(page.body.find("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
}

TEST(DevBankIdAuthorize, RefusesBadRequestsWithoutRedirecting) {
    core::FixedClock clock{core::FromMillis(kNow * 1000)};
    DevBankIdProvider provider("http://127.0.0.1:8080/dev/bankid", kClientId, kClientSecret, clock);
    const std::string challenge = PkceChallenge(NewPkceVerifier());
    const std::string redirect = "http://127.0.0.1:8080/auth/bankid/callback";
    auto with = [&](const std::string& name, const std::string& value) {
        auto params = AuthorizeParams(redirect, challenge);
        params.erase(name);
        if (!value.empty()) params.emplace(name, value);
        return provider.AuthorizePage(params);
    };
    EXPECT_EQ(provider.AuthorizePage(AuthorizeParams(redirect, challenge)).status, 200);
    for (const auto& [name, value] :
         std::vector<std::pair<std::string, std::string>>{{"client_id", "someone-else"},
                                                          {"client_id", ""},
                                                          {"redirect_uri", ""},
                                                          {"redirect_uri", "javascript:alert(1)"},
                                                          {"response_type", "token"},
                                                          {"code_challenge_method", "plain"},
                                                          {"code_challenge", ""},
                                                          {"code_challenge", "short"},
                                                          {"state", ""},
                                                          {"nonce", ""}}) {
        const auto reply = with(name, value);
        EXPECT_EQ(reply.status, 400) << name << "=" << value;
        for (const auto& header : reply.headers) EXPECT_NE(header.first, "Location");
    }
    auto repeated = AuthorizeParams(redirect, challenge);
    repeated.emplace("state", "s2");
    EXPECT_EQ(provider.AuthorizePage(repeated).status, 400);
}

TEST(DevBankIdToken, RefusesMalformedAndMismatchedRequests) {
    core::FixedClock clock{core::FromMillis(kNow * 1000)};
    DevBankIdProvider provider("http://127.0.0.1:8080/dev/bankid", kClientId, kClientSecret, clock);
    const std::string redirect = "http://127.0.0.1:8080/auth/bankid/callback";
    const std::string verifier = NewPkceVerifier();
    auto issue = [&] {
        auto params = AuthorizeParams(redirect, PkceChallenge(verifier));
        params.emplace("personal_number", "01017012343");
        return CodeFrom(provider.AuthorizePage(params));
    };
    auto error_of = [](const DevBankIdReply& reply) {
        return json::parse(reply.body)["error"].get<std::string>();
    };

    EXPECT_EQ(error_of(provider.Token("code=%zz")), "invalid_request");
    EXPECT_EQ(error_of(provider.Token(TokenForm("x", redirect, verifier) + "&code=y")), "invalid_request");
    EXPECT_EQ(error_of(provider.Token(TokenForm("unknown", redirect, verifier))), "invalid_grant");

    const std::string code = issue();
    auto mismatched = provider.Token(TokenForm(code, "http://127.0.0.1:8080/elsewhere", verifier));
    EXPECT_EQ(mismatched.status, 400);
    EXPECT_EQ(error_of(mismatched), "invalid_grant");
    // The failed attempt used the code up.
    EXPECT_EQ(error_of(provider.Token(TokenForm(code, redirect, verifier))), "invalid_grant");

    const auto ok = provider.Token(TokenForm(issue(), redirect, verifier));
    ASSERT_EQ(ok.status, 200) << ok.body;
    const json body = json::parse(ok.body);
    EXPECT_EQ(body["token_type"], "Bearer");
    EXPECT_EQ(body["expires_in"], 300);
    const std::string id_token = body["id_token"];
    const auto payload = Base64UrlDecode(
        id_token.substr(id_token.find('.') + 1, id_token.rfind('.') - id_token.find('.') - 1));
    ASSERT_TRUE(payload.has_value());
    const json claims = json::parse(*payload);
    EXPECT_EQ(claims["sub"], "demo-01017012343");
    EXPECT_EQ(claims["name"], "Ola Ukjent");
    EXPECT_EQ(claims["aud"], kClientId);
    EXPECT_EQ(claims["iat"], kNow);
    EXPECT_EQ(claims["exp"], kNow + 300);
}

TEST(DevBankIdToken, OutstandingCodesAreBounded) {
    core::FixedClock clock{core::FromMillis(kNow * 1000)};
    DevBankIdProvider provider("http://127.0.0.1:8080/dev/bankid", kClientId, kClientSecret, clock);
    auto params = AuthorizeParams("http://127.0.0.1:8080/cb", PkceChallenge(NewPkceVerifier()));
    params.emplace("personal_number", "15038510190");
    for (size_t i = 0; i < DevBankIdProvider::kMaxOutstandingCodes; ++i)
        ASSERT_EQ(provider.AuthorizePage(params).status, 302);
    EXPECT_EQ(provider.AuthorizePage(params).status, 400);
    clock.Advance(std::chrono::seconds(61));  // all expired: pruned on the next issue
    EXPECT_EQ(provider.AuthorizePage(params).status, 302);
}

}  // namespace
}  // namespace andel::app::auth
