#include "app/auth/oidc.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>

#include "notify/http_client.hpp"

namespace andel::app::auth {
namespace {

using core::Error;
using core::ErrorCode;
using nlohmann::json;

constexpr size_t kMaxIdTokenBytes = 16 * 1024;  // a bound on everything: BankID tokens are ~2 KiB
constexpr size_t kMaxKeys = 50;
constexpr int kMinRsaBits = 2048;
constexpr int kMaxRsaBits = 8192;
constexpr std::string_view kBase64UrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

Error Unauthenticated(std::string detail) { return {ErrorCode::kUnauthenticated, std::move(detail), {}, {}}; }
Error Unavailable(std::string detail) { return {ErrorCode::kUnavailable, std::move(detail), {}, {}}; }

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool IsUnreserved(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

// https:// anywhere; plain http:// only to the loopback interface (the test provider).
bool IsAcceptableUrl(std::string_view url) {
    if (url.starts_with("https://")) return url.size() > 8;
    if (!url.starts_with("http://")) return false;
    const std::string_view rest = url.substr(7);
    for (std::string_view host : {"127.0.0.1", "localhost", "[::1]"}) {
        if (rest.starts_with(host) &&
            (rest.size() == host.size() || rest[host.size()] == ':' || rest[host.size()] == '/'))
            return true;
    }
    return false;
}

std::optional<int64_t> IntegerClaim(const json& object, const char* name) {
    const auto it = object.find(name);
    if (it == object.end()) return std::nullopt;
    if (it->is_number_unsigned()) {
        const auto v = it->get<uint64_t>();
        if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
        return static_cast<int64_t>(v);
    }
    if (it->is_number_integer()) return it->get<int64_t>();
    if (it->is_number_float()) {
        const double d = it->get<double>();
        if (!std::isfinite(d) || std::fabs(d) > 9.0e15) return std::nullopt;
        return static_cast<int64_t>(d);
    }
    return std::nullopt;
}

std::string StringClaim(const json& object, const char* name) {
    const auto it = object.find(name);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<json> ParseObject(std::string_view text) {
    json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
    return parsed;
}

// GET a JSON object from the provider. Transport failures, non-2xx answers and unreadable bodies all mean
// the provider cannot be used now: kUnavailable. The URL is not put in the detail (it is configuration).
core::Result<json> GetJson(const std::string& url, long timeout_ms, std::string_view what) {
    notify::HttpRequest request;
    request.url = url;
    request.headers = {{"Accept", "application/json"}};
    request.timeout_ms = timeout_ms;
    const notify::HttpResult response = notify::Fetch(request);
    std::string detail = "the identity provider's ";
    detail += what;
    if (!response.error.empty()) return Unavailable("the identity provider could not be reached");
    if (!response.Ok()) {
        detail += " answered with HTTP ";
        detail += std::to_string(response.status);
        return Unavailable(std::move(detail));
    }
    auto parsed = ParseObject(response.body);
    if (!parsed) {
        detail += " is not a JSON object";
        return Unavailable(std::move(detail));
    }
    return std::move(*parsed);
}

struct BnDeleter {
    void operator()(BIGNUM* p) const { BN_free(p); }
};
struct ParamBldDeleter {
    void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
};
struct ParamDeleter {
    void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct PkeyCtxDeleter {
    void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct PkeyDeleter {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxDeleter {
    void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};

const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// RSASSA-PKCS1-v1_5 with SHA-256 (JWS "RS256") against the RSA public key (n, e), each base64url.
bool VerifyRs256(const std::string& n_b64, const std::string& e_b64, std::string_view signing_input,
                 std::string_view signature) {
    const auto n_bytes = Base64UrlDecode(n_b64);
    const auto e_bytes = Base64UrlDecode(e_b64);
    if (!n_bytes || !e_bytes || n_bytes->empty() || e_bytes->empty() || e_bytes->size() > 8) return false;
    std::unique_ptr<BIGNUM, BnDeleter> n(
        BN_bin2bn(Bytes(*n_bytes), static_cast<int>(n_bytes->size()), nullptr));
    std::unique_ptr<BIGNUM, BnDeleter> e(
        BN_bin2bn(Bytes(*e_bytes), static_cast<int>(e_bytes->size()), nullptr));
    if (!n || !e || BN_num_bits(n.get()) < kMinRsaBits || BN_num_bits(n.get()) > kMaxRsaBits) return false;

    std::unique_ptr<OSSL_PARAM_BLD, ParamBldDeleter> builder(OSSL_PARAM_BLD_new());
    if (!builder || !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) ||
        !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e.get()))
        return false;
    std::unique_ptr<OSSL_PARAM, ParamDeleter> params(OSSL_PARAM_BLD_to_param(builder.get()));
    std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0) return false;
    EVP_PKEY* raw_key = nullptr;
    if (EVP_PKEY_fromdata(ctx.get(), &raw_key, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0) return false;
    std::unique_ptr<EVP_PKEY, PkeyDeleter> key(raw_key);
    if (signature.size() != static_cast<size_t>(EVP_PKEY_get_size(key.get()))) return false;

    std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> md(EVP_MD_CTX_new());
    if (!md || EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1) return false;
    return EVP_DigestVerify(md.get(), Bytes(signature), signature.size(), Bytes(signing_input),
                            signing_input.size()) == 1;
}

bool VerifyRs256ClearingErrors(const std::string& n, const std::string& e, std::string_view input,
                               std::string_view signature) {
    const bool ok = VerifyRs256(n, e, input, signature);
    ERR_clear_error();  // a refused signature leaves OpenSSL errors behind; they belong to no one else
    return ok;
}

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() * 4 + 2) / 3);
    uint32_t buffer = 0;
    int bits = 0;
    for (unsigned char byte : bytes) {
        buffer = (buffer << 8) | byte;
        bits += 8;
        while (bits >= 6) {
            out.push_back(kBase64UrlAlphabet[(buffer >> (bits - 6)) & 63]);
            bits -= 6;
        }
    }
    if (bits > 0) out.push_back(kBase64UrlAlphabet[(buffer << (6 - bits)) & 63]);
    return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
    if (text.size() % 4 == 1) return std::nullopt;
    std::string out;
    out.reserve(text.size() * 3 / 4);
    uint32_t buffer = 0;
    int bits = 0;
    for (char c : text) {
        const size_t value = kBase64UrlAlphabet.find(c);
        if (value == std::string_view::npos) return std::nullopt;
        buffer = (buffer << 6) | static_cast<uint32_t>(value);
        bits += 6;
        if (bits >= 8) {
            out.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xff));
            bits -= 8;
        }
    }
    return out;
}

std::string PkceChallenge(std::string_view verifier) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!EVP_Digest(verifier.data(), verifier.size(), digest, &len, EVP_sha256(), nullptr))
        throw std::runtime_error("SHA-256 failed");
    return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(digest), len));
}

std::string NewPkceVerifier() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not initialise");
    std::string bytes(32, '\0');
    randombytes_buf(bytes.data(), bytes.size());
    return Base64UrlEncode(bytes);
}

OidcClient::OidcClient(OidcSettings settings) : settings_(std::move(settings)) {}

core::Result<OidcClient::Endpoints> OidcClient::Discover() {
    {
        std::lock_guard lock(mutex_);
        if (endpoints_) return *endpoints_;
    }
    if (!IsAcceptableUrl(settings_.issuer))
        return Unavailable("the identity provider is misconfigured: its issuer must be an https URL");
    std::string url = settings_.issuer;
    if (url.ends_with('/')) url.pop_back();
    url += "/.well-known/openid-configuration";
    auto document = GetJson(url, settings_.timeout_ms, "discovery document");
    if (!document.ok()) return document.error();
    // OpenID Connect Discovery 1.0 section 4.3: the issuer named inside must be exactly the one configured.
    if (StringClaim(*document, "issuer") != settings_.issuer)
        return Unavailable("the identity provider's discovery document names another issuer");
    Endpoints endpoints{StringClaim(*document, "authorization_endpoint"),
                        StringClaim(*document, "token_endpoint"), StringClaim(*document, "jwks_uri")};
    if (!IsAcceptableUrl(endpoints.authorization) || !IsAcceptableUrl(endpoints.token) ||
        !IsAcceptableUrl(endpoints.jwks))
        return Unavailable("the identity provider's discovery document lacks a usable endpoint");
    std::lock_guard lock(mutex_);
    endpoints_ = endpoints;
    return endpoints;
}

core::Result<std::vector<OidcClient::Jwk>> OidcClient::FetchKeys(const std::string& jwks_uri) {
    auto document = GetJson(jwks_uri, settings_.timeout_ms, "key set");
    if (!document.ok()) return document.error();
    const auto keys = document->find("keys");
    if (keys == document->end() || !keys->is_array())
        return Unavailable("the identity provider's key set has no keys");
    std::vector<Jwk> usable;
    for (const json& key : *keys) {
        if (usable.size() == kMaxKeys) break;
        if (!key.is_object() || StringClaim(key, "kty") != "RSA") continue;
        if (key.contains("use") && StringClaim(key, "use") != "sig") continue;
        if (key.contains("alg") && StringClaim(key, "alg") != "RS256") continue;
        Jwk jwk{StringClaim(key, "kid"), StringClaim(key, "n"), StringClaim(key, "e")};
        if (jwk.n.empty() || jwk.e.empty()) continue;
        usable.push_back(std::move(jwk));
    }
    std::lock_guard lock(mutex_);
    keys_ = usable;
    return usable;
}

core::Result<OidcClient::Jwk> OidcClient::KeyFor(const std::optional<std::string>& kid,
                                                 const std::string& jwks_uri) {
    auto pick = [&kid](const std::vector<Jwk>& keys) -> std::optional<Jwk> {
        if (!kid) return keys.size() == 1 ? std::optional<Jwk>(keys.front()) : std::nullopt;
        for (const Jwk& key : keys)
            if (key.kid == *kid) return key;
        return std::nullopt;
    };
    std::optional<std::vector<Jwk>> cached;
    {
        std::lock_guard lock(mutex_);
        cached = keys_;
    }
    bool fetched_now = false;
    if (!cached) {
        auto fetched = FetchKeys(jwks_uri);
        if (!fetched.ok()) return fetched.error();
        cached = std::move(*fetched);
        fetched_now = true;
    }
    if (auto key = pick(*cached)) return std::move(*key);
    // An unknown key id: the provider may have rotated its keys since we fetched them. Refetch once.
    if (kid && !fetched_now) {
        auto fetched = FetchKeys(jwks_uri);
        if (!fetched.ok()) return fetched.error();
        if (auto key = pick(*fetched)) return std::move(*key);
    }
    return Unauthenticated("the ID token is signed with a key the identity provider does not publish");
}

core::Result<std::string> OidcClient::AuthorizationUrl(const std::string& state, const std::string& nonce,
                                                       const std::string& code_challenge) {
    if (state.empty()) return Error::Invalid("the state is missing", "state");
    if (nonce.empty()) return Error::Invalid("the nonce is missing", "nonce");
    if (code_challenge.size() != 43 || !Base64UrlDecode(code_challenge))
        return Error::Invalid("the code challenge must be an S256 challenge", "code_challenge");
    auto endpoints = Discover();
    if (!endpoints.ok()) return endpoints.error();
    std::string url = endpoints->authorization;
    url += url.find('?') == std::string::npos ? '?' : '&';
    url += "response_type=code&client_id=";
    url += notify::UrlEncode(settings_.client_id);
    url += "&redirect_uri=";
    url += notify::UrlEncode(settings_.redirect_uri);
    url += "&scope=";
    url += notify::UrlEncode(settings_.scope);
    url += "&state=";
    url += notify::UrlEncode(state);
    url += "&nonce=";
    url += notify::UrlEncode(nonce);
    url += "&code_challenge=";
    url += notify::UrlEncode(code_challenge);
    url += "&code_challenge_method=S256";
    return url;
}

core::Result<IdTokenClaims> OidcClient::ExchangeCode(const std::string& code,
                                                     const std::string& code_verifier,
                                                     const std::string& expected_nonce,
                                                     int64_t now_unix_seconds) {
    if (code.empty() || code.size() > 2048)
        return Error::Invalid("the authorization code is missing", "code");
    // RFC 7636 section 4.1: 43 to 128 unreserved characters.
    if (code_verifier.size() < 43 || code_verifier.size() > 128 ||
        !std::all_of(code_verifier.begin(), code_verifier.end(), IsUnreserved))
        return Error::Invalid("the code verifier must be 43 to 128 unreserved characters", "code_verifier");
    if (expected_nonce.empty()) return Error::Invalid("the expected nonce is missing", "nonce");
    auto endpoints = Discover();
    if (!endpoints.ok()) return endpoints.error();

    notify::HttpRequest request;
    request.method = "POST";
    request.url = endpoints->token;
    request.timeout_ms = settings_.timeout_ms;
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
    request.body = "grant_type=authorization_code&code=";
    request.body += notify::UrlEncode(code);
    request.body += "&redirect_uri=";
    request.body += notify::UrlEncode(settings_.redirect_uri);
    request.body += "&code_verifier=";
    request.body += notify::UrlEncode(code_verifier);
    request.body += "&client_id=";
    request.body += notify::UrlEncode(settings_.client_id);
    request.body += "&client_secret=";
    request.body += notify::UrlEncode(settings_.client_secret);
    const notify::HttpResult response = notify::Fetch(request);
    if (!response.error.empty()) return Unavailable("the identity provider could not be reached");
    if (response.status == 400 || response.status == 401) {
        const auto error_body = ParseObject(response.body);
        const std::string error = error_body ? StringClaim(*error_body, "error") : std::string();
        // Our own credentials refused: a configuration fault the user cannot fix by logging in again.
        if (error == "invalid_client" || error == "unauthorized_client")
            return Unavailable("the identity provider refused this service's client credentials");
        // RFC 6749 section 5.2: invalid_grant (a wrong, used or expired code, or a wrong verifier) and the
        // like. Only the standard error code is passed on, never the provider's free text.
        std::string detail = "the identity provider refused the authorization code";
        const bool standard_code = !error.empty() && error.size() <= 40 &&
                                   std::all_of(error.begin(), error.end(),
                                               [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
        if (standard_code) {
            detail += " (";
            detail += error;
            detail += ')';
        }
        return Unauthenticated(std::move(detail));
    }
    std::string status_detail = "the identity provider's token endpoint answered with HTTP ";
    status_detail += std::to_string(response.status);
    if (!response.Ok()) return Unavailable(std::move(status_detail));
    auto body = ParseObject(response.body);
    if (!body) return Unavailable("the identity provider's token response is not a JSON object");
    const std::string id_token = StringClaim(*body, "id_token");
    if (id_token.empty()) return Unavailable("the identity provider's token response has no ID token");
    return VerifyIdToken(id_token, endpoints->jwks, expected_nonce, now_unix_seconds);
}

core::Result<IdTokenClaims> OidcClient::VerifyIdToken(const std::string& id_token,
                                                      const std::string& jwks_uri,
                                                      const std::string& expected_nonce, int64_t now) {
    // OpenID Connect Core 1.0 section 3.1.3.7. Details name the check that failed, never the token.
    if (id_token.size() > kMaxIdTokenBytes) return Unauthenticated("the ID token is too large");
    const size_t dot1 = id_token.find('.');
    const size_t dot2 = dot1 == std::string::npos ? dot1 : id_token.find('.', dot1 + 1);
    if (dot2 == std::string::npos || id_token.find('.', dot2 + 1) != std::string::npos)
        return Unauthenticated("the ID token is not a signed JWT");
    const std::string_view token(id_token);
    const std::string_view header_b64 = token.substr(0, dot1);
    const std::string_view payload_b64 = token.substr(dot1 + 1, dot2 - dot1 - 1);
    const std::string_view signature_b64 = token.substr(dot2 + 1);

    const auto header_json = Base64UrlDecode(header_b64);
    const auto header = header_json ? ParseObject(*header_json) : std::nullopt;
    if (!header) return Unauthenticated("the ID token's header is malformed");
    // Only RS256: never "none", never HS* (which would turn the public key into a shared secret).
    if (StringClaim(*header, "alg") != "RS256")
        return Unauthenticated("the ID token's signature algorithm is not accepted");
    if (header->contains("crit")) return Unauthenticated("the ID token uses unsupported JWS extensions");
    std::optional<std::string> kid;
    if (const auto it = header->find("kid"); it != header->end()) {
        if (!it->is_string()) return Unauthenticated("the ID token's header is malformed");
        kid = it->get<std::string>();
    }
    const auto signature = Base64UrlDecode(signature_b64);
    if (!signature || signature->empty()) return Unauthenticated("the ID token's signature is malformed");

    auto key = KeyFor(kid, jwks_uri);
    if (!key.ok()) return key.error();
    const std::string_view signing_input = token.substr(0, dot2);
    if (!VerifyRs256ClearingErrors(key->n, key->e, signing_input, *signature))
        return Unauthenticated("the ID token's signature is not valid");

    // Only now, with the signature verified, are the claims read.
    const auto payload_json = Base64UrlDecode(payload_b64);
    const auto payload = payload_json ? ParseObject(*payload_json) : std::nullopt;
    if (!payload) return Unauthenticated("the ID token's claims are malformed");
    const json& claims = *payload;

    if (StringClaim(claims, "iss") != settings_.issuer)
        return Unauthenticated("the ID token was issued by another issuer");
    bool audience_ok = false;
    bool several_audiences = false;
    if (const auto aud = claims.find("aud"); aud != claims.end()) {
        if (aud->is_string()) {
            audience_ok = aud->get<std::string>() == settings_.client_id;
        } else if (aud->is_array()) {
            audience_ok = std::any_of(aud->begin(), aud->end(), [this](const json& a) {
                return a.is_string() && a.get<std::string>() == settings_.client_id;
            });
            several_audiences = aud->size() > 1;
        }
    }
    if (!audience_ok) return Unauthenticated("the ID token is meant for another client");
    // With several audiences the authorized party must be us; when azp is present it must be us anyway.
    if ((several_audiences || claims.contains("azp")) && StringClaim(claims, "azp") != settings_.client_id)
        return Unauthenticated("the ID token is authorized for another client");

    const auto exp = IntegerClaim(claims, "exp");
    const auto iat = IntegerClaim(claims, "iat");
    if (!exp || !iat) return Unauthenticated("the ID token lacks its validity times");
    if (*exp <= now - settings_.clock_skew_seconds) return Unauthenticated("the ID token has expired");
    if (*iat > now + settings_.clock_skew_seconds)
        return Unauthenticated("the ID token is issued in the future");
    if (!ConstantTimeEquals(StringClaim(claims, "nonce"), expected_nonce))
        return Unauthenticated("the ID token's nonce does not match this login");
    const std::string sub = StringClaim(claims, "sub");
    if (sub.empty() || sub.size() > 255) return Unauthenticated("the ID token names no subject");

    IdTokenClaims result;
    result.sub = sub;
    result.issuer = settings_.issuer;
    result.audience = settings_.client_id;
    result.name = StringClaim(claims, "name");
    for (const char* name : {"personal_number", "nnin", "ssn"}) {
        result.personal_number = StringClaim(claims, name);
        if (!result.personal_number.empty()) break;
    }
    result.expires_at = *exp;
    result.issued_at = *iat;
    result.raw = claims;
    return result;
}

}  // namespace andel::app::auth
