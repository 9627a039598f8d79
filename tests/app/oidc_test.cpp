#include "app/auth/oidc.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "app/crypto.hpp"
#include "support/oidc_provider.hpp"

namespace andel::app::auth {
namespace {

using core::ErrorCode;
using test::QueryParameter;
using test::TestOidcProvider;
using Tamper = TestOidcProvider::Tamper;

constexpr char kClientId[] = "andel-web";
constexpr char kClientSecret[] = "s3cret-that-must-not-leak";
constexpr char kRedirectUri[] = "https://andel.example/auth/bankid/callback";

OidcSettings SettingsFor(std::string issuer) {
    OidcSettings settings;
    settings.issuer = std::move(issuer);
    settings.client_id = kClientId;
    settings.client_secret = kClientSecret;
    settings.redirect_uri = kRedirectUri;
    settings.timeout_ms = 5'000;
    return settings;
}

// A port on 127.0.0.1 that nothing listens on (bound, then closed).
int ClosedPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

TEST(OidcBase64Url, MatchesRfc4648VectorsWithoutPadding) {
    EXPECT_EQ(Base64UrlEncode(""), "");
    EXPECT_EQ(Base64UrlEncode("f"), "Zg");
    EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
    EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
    EXPECT_EQ(Base64UrlEncode("foob"), "Zm9vYg");
    EXPECT_EQ(Base64UrlEncode("fooba"), "Zm9vYmE");
    EXPECT_EQ(Base64UrlEncode("foobar"), "Zm9vYmFy");
    EXPECT_EQ(Base64UrlEncode("\xfb\xff\xbf"), "-_-_");  // the URL-safe alphabet
    EXPECT_EQ(Base64UrlDecode("Zm9vYmFy"), "foobar");
    EXPECT_EQ(Base64UrlDecode("Zm9vYg"), "foob");
    EXPECT_EQ(Base64UrlDecode("-_-_"), "\xfb\xff\xbf");
}

TEST(OidcBase64Url, RefusesPaddingForeignCharactersAndImpossibleLengths) {
    EXPECT_EQ(Base64UrlDecode("Zm9vYg=="), std::nullopt);
    EXPECT_EQ(Base64UrlDecode("Zm+v"), std::nullopt);
    EXPECT_EQ(Base64UrlDecode("Zm/v"), std::nullopt);
    EXPECT_EQ(Base64UrlDecode("Zm9vY"), std::nullopt);
    EXPECT_EQ(Base64UrlDecode("Zm 9v"), std::nullopt);
}

TEST(OidcBase64Url, RoundTripsEveryLength) {
    std::string bytes;
    for (int i = 0; i < 200; ++i) {
        ASSERT_EQ(Base64UrlDecode(Base64UrlEncode(bytes)), bytes) << i;
        bytes.push_back(static_cast<char>((i * 97 + 13) & 0xff));
    }
}

TEST(OidcPkce, MatchesRfc7636AppendixB) {
    EXPECT_EQ(PkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
              "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(OidcPkce, NewVerifiersAre43UnreservedCharactersAndDiffer) {
    const std::string a = NewPkceVerifier();
    EXPECT_EQ(a.size(), 43u);
    EXPECT_EQ(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    EXPECT_NE(a, NewPkceVerifier());
}

class OidcFlow : public ::testing::Test {
  protected:
    struct Started {
        std::string state, nonce, verifier, code;
    };

    // The browser half of a login: the authorization URL, the provider's 302, the code from the redirect.
    Started StartLogin(OidcClient& client) {
        Started s{RandomHex(16), RandomHex(16), NewPkceVerifier(), {}};
        auto url = client.AuthorizationUrl(s.state, s.nonce, PkceChallenge(s.verifier));
        EXPECT_TRUE(url.ok()) << (url.ok() ? "" : url.error().detail);
        if (!url.ok()) return s;
        const auto response = provider_.Authorize(*url);
        EXPECT_EQ(response.status, 302) << response.body;
        EXPECT_TRUE(response.location.starts_with(std::string(kRedirectUri) + "?")) << response.location;
        EXPECT_EQ(QueryParameter(response.location, "state"), s.state);
        s.code = QueryParameter(response.location, "code").value_or("");
        EXPECT_FALSE(s.code.empty()) << response.location;
        return s;
    }

    core::Result<IdTokenClaims> Login(OidcClient& client, int64_t clock_offset = 0) {
        const Started s = StartLogin(client);
        return client.ExchangeCode(s.code, s.verifier, s.nonce, provider_.now() + clock_offset);
    }

    static void ExpectRefusedWithoutSecrets(const core::Result<IdTokenClaims>& result, ErrorCode code) {
        ASSERT_FALSE(result.ok());
        EXPECT_EQ(result.error().code, code) << result.error().detail;
        EXPECT_EQ(result.error().detail.find(kClientSecret), std::string::npos);
        EXPECT_EQ(result.error().detail.find("eyJ"), std::string::npos);  // no JWT in the detail
    }

    TestOidcProvider provider_{kClientId, kClientSecret, kRedirectUri};
    OidcClient client_{SettingsFor(provider_.issuer())};
};

TEST_F(OidcFlow, HappyPathReturnsTheLoggedInUser) {
    provider_.SetNextUser("bankid-9f1c", "01017012345", "Kari Nordmann");
    const Started s = StartLogin(client_);
    const int64_t now = provider_.now();
    auto claims = client_.ExchangeCode(s.code, s.verifier, s.nonce, now);
    ASSERT_TRUE(claims.ok()) << claims.error().detail;
    EXPECT_EQ(claims->sub, "bankid-9f1c");
    EXPECT_EQ(claims->personal_number, "01017012345");
    EXPECT_EQ(claims->name, "Kari Nordmann");
    EXPECT_EQ(claims->issuer, provider_.issuer());
    EXPECT_EQ(claims->audience, kClientId);
    EXPECT_EQ(claims->issued_at, now);
    EXPECT_EQ(claims->expires_at, now + 300);
    EXPECT_EQ(claims->raw.value("nonce", ""), s.nonce);
}

TEST_F(OidcFlow, PersonalNumberComesFromNninOrSsnWhenNotNamedSo) {
    provider_.SetNextUser("sub-2", "17048512345", "Ola Nordmann");
    for (const char* claim : {"nnin", "ssn"}) {
        provider_.SetPersonalNumberClaim(claim);
        auto claims = Login(client_);
        ASSERT_TRUE(claims.ok()) << claims.error().detail;
        EXPECT_EQ(claims->personal_number, "17048512345") << claim;
    }
    provider_.SetPersonalNumberClaim("");
    auto claims = Login(client_);
    ASSERT_TRUE(claims.ok()) << claims.error().detail;
    EXPECT_EQ(claims->personal_number, "");
    EXPECT_EQ(claims->sub, "sub-2");
}

TEST_F(OidcFlow, AuthorizationUrlCarriesEveryParameterEncoded) {
    const std::string challenge = PkceChallenge(NewPkceVerifier());
    auto url = client_.AuthorizationUrl("st ate&", "n/once", challenge);
    ASSERT_TRUE(url.ok()) << url.error().detail;
    EXPECT_TRUE(url->starts_with(provider_.issuer() + "/authorize?response_type=code&")) << *url;
    EXPECT_EQ(QueryParameter(*url, "client_id"), kClientId);
    EXPECT_EQ(QueryParameter(*url, "redirect_uri"), kRedirectUri);
    EXPECT_EQ(QueryParameter(*url, "scope"), "openid");
    EXPECT_EQ(QueryParameter(*url, "state"), "st ate&");
    EXPECT_EQ(QueryParameter(*url, "nonce"), "n/once");
    EXPECT_EQ(QueryParameter(*url, "code_challenge"), challenge);
    EXPECT_EQ(QueryParameter(*url, "code_challenge_method"), "S256");
    EXPECT_NE(url->find("state=st%20ate%26&"), std::string::npos) << *url;
    EXPECT_EQ(url->find(kClientSecret), std::string::npos);
}

TEST_F(OidcFlow, AuthorizationUrlRefusesMissingStateNonceOrChallenge) {
    const std::string challenge = PkceChallenge(NewPkceVerifier());
    EXPECT_EQ(client_.AuthorizationUrl("", "n", challenge).error().code, ErrorCode::kInvalid);
    EXPECT_EQ(client_.AuthorizationUrl("s", "", challenge).error().code, ErrorCode::kInvalid);
    EXPECT_EQ(client_.AuthorizationUrl("s", "n", "plain-verifier").error().code, ErrorCode::kInvalid);
    EXPECT_EQ(provider_.requests_served(), 0);  // refused before any request
}

TEST_F(OidcFlow, ProviderRefusesAnAuthorizationWithoutS256) {
    auto url = client_.AuthorizationUrl("s", "n", PkceChallenge(NewPkceVerifier()));
    ASSERT_TRUE(url.ok());
    std::string plain = *url;
    plain.replace(plain.find("code_challenge_method=S256"), 26, "code_challenge_method=plain");
    const auto response = provider_.Authorize(plain);
    EXPECT_EQ(response.status, 302);
    EXPECT_EQ(QueryParameter(response.location, "error"), "invalid_request");
    EXPECT_EQ(QueryParameter(response.location, "code"), std::nullopt);
}

TEST_F(OidcFlow, DiscoveryAndKeysAreFetchedOnce) {
    ASSERT_TRUE(Login(client_).ok());
    EXPECT_EQ(provider_.requests_served(), 4);  // discovery, authorize, token, jwks
    ASSERT_TRUE(Login(client_).ok());
    EXPECT_EQ(provider_.requests_served(), 6);  // authorize, token
    EXPECT_EQ(provider_.jwks_requests(), 1);
}

TEST_F(OidcFlow, RefetchesKeysWhenTheKeyIdChanges) {
    ASSERT_TRUE(Login(client_).ok());
    EXPECT_EQ(provider_.jwks_requests(), 1);
    provider_.RotateKey();  // now signs with "k2", which the client has not seen
    auto claims = Login(client_);
    ASSERT_TRUE(claims.ok()) << claims.error().detail;
    EXPECT_EQ(provider_.jwks_requests(), 2);
    ASSERT_TRUE(Login(client_).ok());
    EXPECT_EQ(provider_.jwks_requests(), 2);
}

TEST_F(OidcFlow, WrongPkceVerifierIsRefusedByTheProvider) {
    const Started s = StartLogin(client_);
    auto result = client_.ExchangeCode(s.code, NewPkceVerifier(), s.nonce, provider_.now());
    ExpectRefusedWithoutSecrets(result, ErrorCode::kUnauthenticated);
    EXPECT_NE(result.error().detail.find("invalid_grant"), std::string::npos) << result.error().detail;
}

TEST_F(OidcFlow, CodeIsSingleUse) {
    const Started s = StartLogin(client_);
    ASSERT_TRUE(client_.ExchangeCode(s.code, s.verifier, s.nonce, provider_.now()).ok());
    auto again = client_.ExchangeCode(s.code, s.verifier, s.nonce, provider_.now());
    ExpectRefusedWithoutSecrets(again, ErrorCode::kUnauthenticated);
    EXPECT_EQ(again.error().detail.find(s.code), std::string::npos);
}

TEST_F(OidcFlow, CodeExpiresAfterSixtySeconds) {
    const Started s = StartLogin(client_);
    provider_.SetNow(provider_.now() + 61);
    ExpectRefusedWithoutSecrets(client_.ExchangeCode(s.code, s.verifier, s.nonce, provider_.now()),
                                ErrorCode::kUnauthenticated);
}

TEST_F(OidcFlow, NonceOfAnotherLoginIsRefused) {
    const Started s = StartLogin(client_);
    ExpectRefusedWithoutSecrets(client_.ExchangeCode(s.code, s.verifier, RandomHex(16), provider_.now()),
                                ErrorCode::kUnauthenticated);
}

TEST_F(OidcFlow, ExchangeRefusesMalformedArgumentsBeforeAnyRequest) {
    const std::string verifier = NewPkceVerifier();
    EXPECT_EQ(client_.ExchangeCode("", verifier, "n", 0).error().code, ErrorCode::kInvalid);
    EXPECT_EQ(client_.ExchangeCode("c", "short", "n", 0).error().code, ErrorCode::kInvalid);
    EXPECT_EQ(client_.ExchangeCode("c", verifier + "!", "n", 0).error().code, ErrorCode::kInvalid);
    EXPECT_EQ(client_.ExchangeCode("c", verifier, "", 0).error().code, ErrorCode::kInvalid);
    EXPECT_EQ(provider_.requests_served(), 0);
}

TEST_F(OidcFlow, HonoursClockSkewOnExpiryAndIssueTime) {
    // exp = provider now + 300, iat = provider now; the client tolerates 60 s either way.
    EXPECT_TRUE(Login(client_, 300 + 59).ok());
    ExpectRefusedWithoutSecrets(Login(client_, 300 + 60), ErrorCode::kUnauthenticated);
    EXPECT_TRUE(Login(client_, -60).ok());
    ExpectRefusedWithoutSecrets(Login(client_, -61), ErrorCode::kUnauthenticated);
}

TEST_F(OidcFlow, ConcurrentLoginsShareOneClient) {
    std::vector<std::thread> threads;
    std::atomic<int> successes{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 3; ++i)
                if (Login(client_).ok()) ++successes;
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(successes.load(), 12);
}

TEST_F(OidcFlow, RefusedClientCredentialsAreUnavailableNotTheUsersFault) {
    OidcSettings settings = SettingsFor(provider_.issuer());
    settings.client_secret = "a-wrong-secret";
    OidcClient client(settings);
    auto result = Login(client);
    ExpectRefusedWithoutSecrets(result, ErrorCode::kUnavailable);
    EXPECT_EQ(result.error().detail.find("a-wrong-secret"), std::string::npos);
}

TEST(OidcDiscovery, UnreachableIssuerIsUnavailable) {
    OidcClient client(SettingsFor("http://127.0.0.1:" + std::to_string(ClosedPort())));
    auto url = client.AuthorizationUrl("s", "n", PkceChallenge(NewPkceVerifier()));
    ASSERT_FALSE(url.ok());
    EXPECT_EQ(url.error().code, ErrorCode::kUnavailable);
    auto claims = client.ExchangeCode("code", NewPkceVerifier(), "n", 1'700'000'000);
    ASSERT_FALSE(claims.ok());
    EXPECT_EQ(claims.error().code, ErrorCode::kUnavailable);
}

TEST(OidcDiscovery, IssuerMustMatchTheDocumentExactly) {
    TestOidcProvider provider(kClientId, kClientSecret);
    OidcClient client(SettingsFor(provider.issuer() + "/"));  // the document names it without the slash
    auto url = client.AuthorizationUrl("s", "n", PkceChallenge(NewPkceVerifier()));
    ASSERT_FALSE(url.ok());
    EXPECT_EQ(url.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(url.error().detail.find("another issuer"), std::string::npos) << url.error().detail;
}

TEST(OidcDiscovery, RefusesPlainHttpBeyondLoopback) {
    OidcClient client(SettingsFor("http://idp.example"));
    auto url = client.AuthorizationUrl("s", "n", PkceChallenge(NewPkceVerifier()));
    ASSERT_FALSE(url.ok());
    EXPECT_EQ(url.error().code, ErrorCode::kUnavailable);
    OidcClient lookalike(SettingsFor("http://127.0.0.1.idp.example"));
    EXPECT_FALSE(lookalike.AuthorizationUrl("s", "n", PkceChallenge(NewPkceVerifier())).ok());
}

struct TamperCase {
    Tamper tamper;
    const char* name;
    const char* refusal;  // a fragment of the expected detail: refused for the right reason
};

class OidcTamper : public OidcFlow, public ::testing::WithParamInterface<TamperCase> {};

TEST_P(OidcTamper, TokenIsRefused) {
    provider_.SetTamper(GetParam().tamper);
    auto refused = Login(client_);
    ExpectRefusedWithoutSecrets(refused, ErrorCode::kUnauthenticated);
    if (!refused.ok()) {
        EXPECT_NE(refused.error().detail.find(GetParam().refusal), std::string::npos)
            << refused.error().detail;
    }
    // The same client logs in fine once the provider behaves again.
    provider_.SetTamper(Tamper::None);
    auto claims = Login(client_);
    EXPECT_TRUE(claims.ok()) << claims.error().detail;
}

// The instantiation prefix starts with "Oidc" so that --gtest_filter='Oidc*' selects these too.
INSTANTIATE_TEST_SUITE_P(
    OidcTampers, OidcTamper,
    ::testing::Values(TamperCase{Tamper::WrongKey, "WrongKey", "signature is not valid"},
                      TamperCase{Tamper::WrongAudience, "WrongAudience", "meant for another client"},
                      TamperCase{Tamper::Expired, "Expired", "expired"},
                      TamperCase{Tamper::WrongNonce, "WrongNonce", "nonce"},
                      TamperCase{Tamper::WrongIssuer, "WrongIssuer", "another issuer"},
                      TamperCase{Tamper::AlgNone, "AlgNone", "algorithm is not accepted"},
                      TamperCase{Tamper::AlgHs256, "AlgHs256", "algorithm is not accepted"},
                      TamperCase{Tamper::AudienceArrayWithoutAzp, "AudienceArrayWithoutAzp",
                                 "authorized for another client"}),
    [](const ::testing::TestParamInfo<TamperCase>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace andel::app::auth
