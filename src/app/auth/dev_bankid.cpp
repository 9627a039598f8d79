#include "app/auth/dev_bankid.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "app/auth/oidc.hpp"
#include "notify/http_client.hpp"

namespace andel::app::auth {
namespace {

using nlohmann::json;

constexpr const char* kKeyId = "demo-1";
constexpr size_t kMaxParams = 32;
constexpr size_t kMaxValueBytes = 2048;
constexpr size_t kMaxFormBytes = 16 * 1024;

[[noreturn]] void CryptoFailure(const char* what) {
    ERR_clear_error();
    std::string message = "DevBankIdProvider: ";
    message += what;
    throw std::runtime_error(message);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string RandomToken() {
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof bytes) != 1) CryptoFailure("RAND_bytes failed");
    return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

std::string BigNumParam(EVP_PKEY* key, const char* name) {
    BIGNUM* bn = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) CryptoFailure("cannot read an RSA parameter");
    std::string bytes(static_cast<size_t>(BN_num_bytes(bn)), '\0');
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
    BN_free(bn);
    return bytes;
}

std::string SignRs256(EVP_PKEY* key, std::string_view input) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    const auto* data = reinterpret_cast<const unsigned char*>(input.data());
    size_t len = 0;
    if (!md || EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
        EVP_DigestSign(md.get(), nullptr, &len, data, input.size()) != 1)
        CryptoFailure("RS256 signing failed");
    std::string signature(len, '\0');
    if (EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(signature.data()), &len, data,
                       input.size()) != 1)
        CryptoFailure("RS256 signing failed");
    signature.resize(len);
    return signature;
}

std::string HtmlEscape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out.push_back(c);
        }
    }
    return out;
}

int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// application/x-www-form-urlencoded decoding of one component; nullopt on a malformed escape.
std::optional<std::string> FormDecode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+') {
            out.push_back(' ');
        } else if (text[i] == '%') {
            if (i + 2 >= text.size()) return std::nullopt;
            const int hi = HexValue(text[i + 1]), lo = HexValue(text[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

// A form body as name -> value; nullopt when malformed, too large, or a parameter repeats (RFC 6749 3.2).
std::optional<std::map<std::string, std::string>> ParseForm(std::string_view body) {
    if (body.size() > kMaxFormBytes) return std::nullopt;
    std::map<std::string, std::string> out;
    while (!body.empty()) {
        const size_t amp = body.find('&');
        const std::string_view pair = body.substr(0, amp);
        body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
        if (pair.empty()) continue;
        const size_t eq = pair.find('=');
        auto name = FormDecode(pair.substr(0, eq));
        auto value = FormDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
        if (!name || !value || out.size() >= kMaxParams) return std::nullopt;
        if (!out.emplace(std::move(*name), std::move(*value)).second) return std::nullopt;
    }
    return out;
}

DevBankIdReply JsonReply(int status, const json& body) {
    DevBankIdReply reply;
    reply.status = status;
    reply.body = body.dump();
    reply.headers = {{"Cache-Control", "no-store"}, {"Pragma", "no-cache"}};
    return reply;
}

DevBankIdReply OAuthError(int status, const char* error) { return JsonReply(status, {{"error", error}}); }

constexpr const char* kPageStyle =
    "body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}"
    ".demo{background:#fff4d6;border:1px solid #e0b400;padding:.75rem 1rem;border-radius:6px}"
    "button{display:block;width:100%;margin:.5rem 0;padding:.75rem;font-size:1rem;text-align:left;"
    "border:1px solid #39134c;border-radius:6px;background:#fff;cursor:pointer}"
    "button:hover{background:#f3ecf7}.pn{color:#555;font-family:monospace}";

DevBankIdReply HtmlReply(int status, const std::string& main) {
    DevBankIdReply reply;
    reply.status = status;
    reply.content_type = "text/html; charset=utf-8";
    reply.headers = {
        {"Cache-Control", "no-store"},
        {"Content-Security-Policy",
         "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'"},
        {"X-Frame-Options", "DENY"},
        {"Referrer-Policy", "no-referrer"}};
    reply.body = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
    reply.body += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
    reply.body += "<title>Demo BankID</title><style>";
    reply.body += kPageStyle;
    reply.body += "</style></head><body><h1>Demo BankID</h1>";
    reply.body += "<p class=\"demo\"><strong>This is a demo stand-in for BankID.</strong> It is not BankID, ";
    reply.body += "checks nothing, and only exists while <code>andel demo</code> runs.</p>";
    reply.body += main;
    reply.body += "</body></html>\n";
    return reply;
}

DevBankIdReply BadAuthorizeRequest(const std::string& detail) {
    std::string main = "<h2>The login request cannot be used</h2><p>";
    main += HtmlEscape(detail);
    main += "</p>";
    return HtmlReply(400, main);
}

bool IsHttpUrl(std::string_view url) {
    const bool scheme =
        (url.starts_with("https://") && url.size() > 8) || (url.starts_with("http://") && url.size() > 7);
    return scheme && url.size() <= kMaxValueBytes && url.find('#') == std::string_view::npos &&
           std::none_of(url.begin(), url.end(), [](char c) { return static_cast<unsigned char>(c) <= 0x20; });
}

bool IsS256Challenge(std::string_view challenge) {
    return challenge.size() == 43 && Base64UrlDecode(challenge).has_value();
}

}  // namespace

void DevBankIdProvider::KeyDeleter::operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }

DevBankIdProvider::DevBankIdProvider(std::string issuer, std::string client_id, std::string client_secret,
                                     const core::Clock& clock, std::string redirect_uri)
    : client_id_(std::move(client_id)),
      client_secret_(std::move(client_secret)),
      redirect_uri_(std::move(redirect_uri)),
      clock_(clock),
      key_(EVP_RSA_gen(2048)),
      issuer_(std::move(issuer)) {
    if (!key_) CryptoFailure("RSA key generation failed");
    if (client_id_.empty() || client_secret_.empty())
        throw std::invalid_argument("DevBankIdProvider: client id and secret must not be empty");
    jwk_ = {{"kty", "RSA"},
            {"use", "sig"},
            {"alg", "RS256"},
            {"kid", kKeyId},
            {"n", Base64UrlEncode(BigNumParam(key_.get(), OSSL_PKEY_PARAM_RSA_N))},
            {"e", Base64UrlEncode(BigNumParam(key_.get(), OSSL_PKEY_PARAM_RSA_E))}};
}

DevBankIdProvider::~DevBankIdProvider() = default;

void DevBankIdProvider::SetIssuer(std::string issuer) {
    std::lock_guard lock(mutex_);
    issuer_ = std::move(issuer);
}

std::string DevBankIdProvider::issuer() const {
    std::lock_guard lock(mutex_);
    return issuer_;
}

std::vector<DevBankIdProvider::Identity> DevBankIdProvider::DemoIdentities() {
    // 15038510190 is Nora, a member of the demo (demo_data.cpp). 01017012343 is a valid fødselsnummer (both
    // mod-11 check digits hold) that the demo does not use: a person BankID knows but Andel does not.
    return {{"15038510190", "Nora Nordmann"}, {"01017012343", "Ola Ukjent"}};
}

int64_t DevBankIdProvider::NowSeconds() const { return core::ToMillis(clock_.Now()) / 1000; }

json DevBankIdProvider::Discovery() const {
    const std::string base = issuer();
    return {{"issuer", base},
            {"authorization_endpoint", base + "/authorize"},
            {"token_endpoint", base + "/token"},
            {"jwks_uri", base + "/jwks"},
            {"response_types_supported", {"code"}},
            {"subject_types_supported", {"public"}},
            {"id_token_signing_alg_values_supported", {"RS256"}},
            {"code_challenge_methods_supported", {"S256"}},
            {"token_endpoint_auth_methods_supported", {"client_secret_post"}},
            {"scopes_supported", {"openid"}},
            {"claims_supported", {"sub", "name", "personal_number"}}};
}

json DevBankIdProvider::Jwks() const { return {{"keys", json::array({jwk_})}}; }

DevBankIdReply DevBankIdProvider::AuthorizePage(const Params& params) {
    if (params.size() > kMaxParams) return BadAuthorizeRequest("Too many parameters.");
    for (const auto& [name, value] : params) {
        if (params.count(name) > 1) return BadAuthorizeRequest("A parameter is repeated.");
        if (name.size() > 64 || value.size() > kMaxValueBytes)
            return BadAuthorizeRequest("A parameter is too long.");
    }
    auto param = [&params](const char* name) {
        const auto it = params.find(name);
        return it == params.end() ? std::string() : it->second;
    };
    // Checked before anything is echoed or redirected: this provider never redirects to an unchecked URI.
    if (!ConstantTimeEquals(param("client_id"), client_id_)) return BadAuthorizeRequest("Unknown client_id.");
    const std::string redirect_uri = param("redirect_uri");
    if (!IsHttpUrl(redirect_uri) || (!redirect_uri_.empty() && redirect_uri != redirect_uri_))
        return BadAuthorizeRequest("The redirect_uri is missing or not accepted.");
    if (param("response_type") != "code") return BadAuthorizeRequest("response_type must be code.");
    if (param("code_challenge_method") != "S256")
        return BadAuthorizeRequest("code_challenge_method must be S256.");
    if (!IsS256Challenge(param("code_challenge")))
        return BadAuthorizeRequest("code_challenge must be an S256 challenge.");
    if (param("state").empty()) return BadAuthorizeRequest("The state is missing.");
    if (param("nonce").empty()) return BadAuthorizeRequest("The nonce is missing.");

    const std::vector<Identity> identities = DemoIdentities();
    if (const auto chosen = params.find("personal_number"); chosen != params.end()) {
        const auto identity = std::find_if(identities.begin(), identities.end(), [&](const Identity& i) {
            return i.personal_number == chosen->second;
        });
        if (identity == identities.end()) return BadAuthorizeRequest("That person is not a demo identity.");
        const int64_t now = NowSeconds();
        const std::string code = RandomToken();
        {
            std::lock_guard lock(mutex_);
            PruneExpired(now);
            if (codes_.size() >= kMaxOutstandingCodes)
                return BadAuthorizeRequest("Too many logins are under way; try again in a minute.");
            codes_[code] = Grant{*identity, param("nonce"), param("code_challenge"), redirect_uri,
                                 now + kCodeLifetimeSeconds};
        }
        std::string location = redirect_uri;
        location += redirect_uri.find('?') == std::string::npos ? '?' : '&';
        location += "code=";
        location += notify::UrlEncode(code);
        location += "&state=";
        location += notify::UrlEncode(param("state"));
        DevBankIdReply reply;
        reply.status = 302;
        reply.content_type = "text/plain; charset=utf-8";
        reply.headers = {{"Location", std::move(location)}, {"Cache-Control", "no-store"}};
        return reply;
    }

    // The picker: one GET form back to this endpoint (relative action, so it works under any host name) that
    // carries the original parameters; each identity is a submit button naming its personal number.
    std::string main = "<p>Choose who you are:</p><form method=\"get\" action=\"authorize\">";
    for (const auto& [name, value] : params) {
        main += "<input type=\"hidden\" name=\"";
        main += HtmlEscape(name);
        main += "\" value=\"";
        main += HtmlEscape(value);
        main += "\">";
    }
    for (const Identity& identity : identities) {
        main += "<button type=\"submit\" name=\"personal_number\" value=\"";
        main += HtmlEscape(identity.personal_number);
        main += "\">";
        main += HtmlEscape(identity.name);
        main += " <span class=\"pn\">";
        main += HtmlEscape(identity.personal_number);
        main += "</span></button>";
    }
    main += "</form>";
    return HtmlReply(200, main);
}

DevBankIdReply DevBankIdProvider::Token(std::string_view form_body) {
    const auto form = ParseForm(form_body);
    if (!form) return OAuthError(400, "invalid_request");
    auto field = [&form](const char* name) {
        const auto it = form->find(name);
        return it == form->end() ? std::string() : it->second;
    };
    // Both compared in constant time, and both always compared (no early exit on the id).
    const bool id_ok = ConstantTimeEquals(field("client_id"), client_id_);
    const bool secret_ok = ConstantTimeEquals(field("client_secret"), client_secret_);
    if (!(id_ok && secret_ok)) return OAuthError(401, "invalid_client");
    if (field("grant_type") != "authorization_code") return OAuthError(400, "unsupported_grant_type");
    const std::string code = field("code"), redirect_uri = field("redirect_uri"),
                      verifier = field("code_verifier");
    if (code.empty() || redirect_uri.empty() || verifier.empty() || verifier.size() > 128)
        return OAuthError(400, "invalid_request");

    const int64_t now = NowSeconds();
    Grant grant;
    std::string issuer;
    {
        std::lock_guard lock(mutex_);
        const auto it = codes_.find(code);
        if (it == codes_.end()) return OAuthError(400, "invalid_grant");
        grant = std::move(it->second);
        codes_.erase(it);  // single use, whatever the outcome (RFC 6749 section 4.1.2)
        issuer = issuer_;
    }
    if (grant.expires_at < now || grant.redirect_uri != redirect_uri ||
        !ConstantTimeEquals(PkceChallenge(verifier), grant.code_challenge))
        return OAuthError(400, "invalid_grant");
    return JsonReply(200, {{"access_token", RandomToken()},
                           {"token_type", "Bearer"},
                           {"expires_in", kTokenLifetimeSeconds},
                           {"id_token", IdToken(grant, issuer, now)}});
}

std::string DevBankIdProvider::IdToken(const Grant& grant, const std::string& issuer, int64_t now) const {
    std::string sub = "demo-";
    sub += grant.identity.personal_number;
    const json claims = {{"iss", issuer},
                         {"sub", sub},
                         {"aud", client_id_},
                         {"iat", now},
                         {"auth_time", now},
                         {"exp", now + kTokenLifetimeSeconds},
                         {"nonce", grant.nonce},
                         {"name", grant.identity.name},
                         {"personal_number", grant.identity.personal_number}};
    const json header = {{"alg", "RS256"}, {"typ", "JWT"}, {"kid", kKeyId}};
    std::string token = Base64UrlEncode(header.dump());
    token += '.';
    token += Base64UrlEncode(claims.dump());
    std::string signature;
    {
        std::lock_guard lock(key_mutex_);
        signature = SignRs256(key_.get(), token);
    }
    token += '.';
    token += Base64UrlEncode(signature);
    return token;
}

void DevBankIdProvider::PruneExpired(int64_t now) {
    std::erase_if(codes_, [now](const auto& entry) { return entry.second.expires_at < now; });
}

}  // namespace andel::app::auth
