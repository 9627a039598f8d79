#include "support/oidc_provider.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>
#include <vector>

#include "notify/http_client.hpp"

namespace andel::test {
namespace {

using nlohmann::json;

constexpr size_t kMaxHeaderBytes = 16 * 1024;
constexpr size_t kMaxBodyBytes = 64 * 1024;
constexpr int64_t kCodeLifetimeSeconds = 60;
constexpr int64_t kTokenLifetimeSeconds = 300;

struct PkeyDeleter {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

[[noreturn]] void Fail(const char* what) {
    ERR_clear_error();
    std::string message = "TestOidcProvider: ";
    message += what;
    throw std::runtime_error(message);
}

// The provider's own base64url and URL decoding, independent of the client's, so one cannot hide a bug in
// the other.
std::string B64Url(std::string_view bytes) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const uint32_t v = (uint32_t(uint8_t(bytes[i])) << 16) | (uint32_t(uint8_t(bytes[i + 1])) << 8) |
                           uint32_t(uint8_t(bytes[i + 2]));
        for (int shift : {18, 12, 6, 0}) out.push_back(kAlphabet[(v >> shift) & 63]);
    }
    const size_t rest = bytes.size() - i;
    if (rest > 0) {
        uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
        if (rest == 2) v |= uint32_t(uint8_t(bytes[i + 1])) << 8;
        out.push_back(kAlphabet[(v >> 18) & 63]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
        if (rest == 2) out.push_back(kAlphabet[(v >> 6) & 63]);
    }
    return out;
}

std::string PercentDecode(std::string_view text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+') {
            out.push_back(' ');
        } else if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(uint8_t(text[i + 1])) &&
                   std::isxdigit(uint8_t(text[i + 2]))) {
            out.push_back(static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
            i += 2;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

std::map<std::string, std::string> ParseForm(std::string_view text) {
    std::map<std::string, std::string> out;
    while (!text.empty()) {
        const size_t amp = text.find('&');
        const std::string_view pair = text.substr(0, amp);
        const size_t eq = pair.find('=');
        if (eq != std::string_view::npos)
            out.emplace(PercentDecode(pair.substr(0, eq)), PercentDecode(pair.substr(eq + 1)));
        else if (!pair.empty())
            out.emplace(PercentDecode(pair), std::string());
        if (amp == std::string_view::npos) break;
        text.remove_prefix(amp + 1);
    }
    return out;
}

std::string Sha256(std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!EVP_Digest(data.data(), data.size(), out, &len, EVP_sha256(), nullptr)) Fail("SHA-256 failed");
    return std::string(reinterpret_cast<char*>(out), len);
}

std::string RandomToken() {
    unsigned char bytes[24];
    if (RAND_bytes(bytes, sizeof bytes) != 1) Fail("RAND_bytes failed");
    return B64Url(std::string_view(reinterpret_cast<char*>(bytes), sizeof bytes));
}

Pkey NewRsaKey() {
    Pkey key(EVP_RSA_gen(2048));
    if (!key) Fail("RSA key generation failed");
    return key;
}

std::string BnParam(EVP_PKEY* key, const char* name) {
    BIGNUM* bn = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) Fail("cannot read an RSA parameter");
    std::string bytes(static_cast<size_t>(BN_num_bytes(bn)), '\0');
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
    BN_free(bn);
    return bytes;
}

std::string SignRs256(EVP_PKEY* key, std::string_view input) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    size_t len = 0;
    if (!md || EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
        EVP_DigestSign(md.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                       input.size()) != 1)
        Fail("RS256 signing failed");
    std::string signature(len, '\0');
    if (EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(signature.data()), &len,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
        Fail("RS256 signing failed");
    signature.resize(len);
    return signature;
}

std::string HmacSha256(std::string_view key, std::string_view input) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char*>(input.data()), input.size(), out, &len))
        Fail("HMAC failed");
    return std::string(reinterpret_cast<char*>(out), len);
}

struct Request {
    std::string method, target, path, query, body;
    std::map<std::string, std::string> headers;  // names lower-cased
};

struct Response {
    int status = 200;
    std::string body;
    std::string content_type = "application/json";
    std::string location;
};

Response JsonResponse(int status, const json& body) { return {status, body.dump(), "application/json", {}}; }

bool SendAll(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n <= 0) return false;
        data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

void SetTimeouts(int fd) {
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

const char* Reason(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 302:
            return "Found";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        default:
            return "Other";
    }
}

// Reads one HTTP/1.1 request (headers, then a Content-Length body). nullopt on a malformed or oversized one.
std::optional<Request> ReadRequest(int fd) {
    std::string data;
    char buf[4096];
    size_t header_end = std::string::npos;
    while ((header_end = data.find("\r\n\r\n")) == std::string::npos) {
        if (data.size() > kMaxHeaderBytes) return std::nullopt;
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return std::nullopt;
        data.append(buf, static_cast<size_t>(n));
    }
    Request request;
    const std::string head = data.substr(0, header_end);
    const size_t line_end = head.find("\r\n");
    const std::string request_line = head.substr(0, line_end);
    const size_t sp1 = request_line.find(' ');
    const size_t sp2 = request_line.find(' ', sp1 == std::string::npos ? sp1 : sp1 + 1);
    if (sp1 == std::string::npos || sp2 == std::string::npos) return std::nullopt;
    request.method = request_line.substr(0, sp1);
    request.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
    const size_t q = request.target.find('?');
    request.path = request.target.substr(0, q);
    if (q != std::string::npos) request.query = request.target.substr(q + 1);
    size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
        size_t end = head.find("\r\n", pos);
        if (end == std::string::npos) end = head.size();
        const std::string line = head.substr(pos, end - pos);
        const size_t colon = line.find(':');
        if (colon != std::string::npos) {
            std::string name = line.substr(0, colon);
            for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            size_t value_start = colon + 1;
            while (value_start < line.size() && line[value_start] == ' ') ++value_start;
            request.headers[name] = line.substr(value_start);
        }
        pos = end + 2;
    }
    size_t length = 0;
    if (auto it = request.headers.find("content-length"); it != request.headers.end()) {
        try {
            length = std::stoul(it->second);
        } catch (const std::exception&) {
            return std::nullopt;
        }
        if (length > kMaxBodyBytes) return std::nullopt;
    }
    if (auto it = request.headers.find("expect"); it != request.headers.end() && it->second == "100-continue")
        SendAll(fd, "HTTP/1.1 100 Continue\r\n\r\n");
    request.body = data.substr(header_end + 4);
    while (request.body.size() < length) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return std::nullopt;
        request.body.append(buf, static_cast<size_t>(n));
    }
    request.body.resize(length);
    return request;
}

}  // namespace

struct TestOidcProvider::Impl {
    struct Grant {
        std::string sub, personal_number, name, nonce, code_challenge, redirect_uri;
        int64_t expires_at = 0;
    };

    std::string client_id, client_secret, redirect_uri;
    int listen_fd = -1;
    int wake_pipe[2] = {-1, -1};
    int port = 0;
    std::string issuer;
    std::thread thread;
    std::atomic<int> requests{0};
    std::atomic<int> jwks_requests{0};

    mutable std::mutex mutex;  // guards everything below
    Tamper tamper = Tamper::None;
    std::string user_sub = "test-sub", user_personal_number = "01017012345", user_name = "Test Testesen";
    std::string personal_number_claim = "personal_number";
    int64_t now = 0;
    Pkey key;
    std::string kid = "k1";
    int key_generation = 1;
    Pkey other_key;                       // for Tamper::WrongKey, made when first needed
    std::map<std::string, Grant> grants;  // by code

    void Serve() {
        for (;;) {
            pollfd fds[2] = {{listen_fd, POLLIN, 0}, {wake_pipe[0], POLLIN, 0}};
            if (::poll(fds, 2, -1) < 0) {
                if (errno == EINTR) continue;
                return;
            }
            if (fds[1].revents != 0) return;
            if ((fds[0].revents & POLLIN) == 0) continue;
            const int fd = ::accept(listen_fd, nullptr, nullptr);
            if (fd < 0) continue;
            SetTimeouts(fd);
            HandleConnection(fd);
            ::close(fd);
        }
    }

    void HandleConnection(int fd) {
        const std::optional<Request> request = ReadRequest(fd);
        if (!request) return;
        ++requests;
        Response response;
        try {
            response = Route(*request);
        } catch (const std::exception& e) {
            response = {500, e.what(), "text/plain", {}};
        }
        std::string out = "HTTP/1.1 ";
        out += std::to_string(response.status);
        out += ' ';
        out += Reason(response.status);
        out += "\r\nContent-Type: ";
        out += response.content_type;
        out += "\r\nContent-Length: ";
        out += std::to_string(response.body.size());
        out += "\r\nCache-Control: no-store\r\nConnection: close\r\n";
        if (!response.location.empty()) {
            out += "Location: ";
            out += response.location;
            out += "\r\n";
        }
        out += "\r\n";
        out += response.body;
        SendAll(fd, out);
        ::shutdown(fd, SHUT_WR);
    }

    Response Route(const Request& request) {
        if (request.path == "/.well-known/openid-configuration" || request.path == "/jwks" ||
            request.path == "/authorize") {
            if (request.method != "GET") return {405, "GET only", "text/plain", {}};
            if (request.path == "/jwks") return Jwks();
            if (request.path == "/authorize") return Authorize(ParseForm(request.query));
            return Discovery();
        }
        if (request.path == "/token") {
            if (request.method != "POST") return {405, "POST only", "text/plain", {}};
            return Token(request);
        }
        return {404, "not found", "text/plain", {}};
    }

    Response Discovery() const {
        return JsonResponse(200,
                            {{"issuer", issuer},
                             {"authorization_endpoint", issuer + "/authorize"},
                             {"token_endpoint", issuer + "/token"},
                             {"jwks_uri", issuer + "/jwks"},
                             {"response_types_supported", json::array({"code"})},
                             {"subject_types_supported", json::array({"public"})},
                             {"id_token_signing_alg_values_supported", json::array({"RS256"})},
                             {"code_challenge_methods_supported", json::array({"S256"})},
                             {"token_endpoint_auth_methods_supported", json::array({"client_secret_post"})}});
    }

    Response Jwks() {
        ++jwks_requests;
        std::lock_guard lock(mutex);
        json jwk = {{"kty", "RSA"},
                    {"use", "sig"},
                    {"alg", "RS256"},
                    {"kid", kid},
                    {"n", B64Url(BnParam(key.get(), OSSL_PKEY_PARAM_RSA_N))},
                    {"e", B64Url(BnParam(key.get(), OSSL_PKEY_PARAM_RSA_E))}};
        return JsonResponse(200, {{"keys", json::array({jwk})}});
    }

    Response Authorize(const std::map<std::string, std::string>& params) {
        auto param = [&params](const char* name) {
            const auto it = params.find(name);
            return it == params.end() ? std::string() : it->second;
        };
        // RFC 6749 section 4.1.2.1: without a valid client and redirect URI, answer the browser directly.
        if (param("client_id") != client_id) return {400, "unknown client_id", "text/plain", {}};
        const std::string redirect = param("redirect_uri");
        const bool redirect_ok = redirect_uri.empty()
                                     ? redirect.starts_with("http://") || redirect.starts_with("https://")
                                     : redirect == redirect_uri;
        if (!redirect_ok) return {400, "redirect_uri not registered", "text/plain", {}};
        const std::string state = param("state");
        const char separator = redirect.find('?') == std::string::npos ? '?' : '&';
        auto redirect_with = [&](std::string query) {
            std::string location = redirect;
            location += separator;
            location += query;
            if (!state.empty()) {
                location += "&state=";
                location += notify::UrlEncode(state);
            }
            return Response{302, {}, "text/plain", std::move(location)};
        };
        if (param("response_type") != "code") return redirect_with("error=unsupported_response_type");
        if (param("code_challenge_method") != "S256" || param("code_challenge").empty())
            return redirect_with("error=invalid_request");
        if (param("scope").find("openid") == std::string::npos) return redirect_with("error=invalid_scope");

        const std::string code = RandomToken();
        {
            std::lock_guard lock(mutex);
            grants[code] =
                Grant{user_sub, user_personal_number,      user_name, param("nonce"), param("code_challenge"),
                      redirect, now + kCodeLifetimeSeconds};
        }
        return redirect_with("code=" + notify::UrlEncode(code));
    }

    Response Token(const Request& request) {
        const auto type = request.headers.find("content-type");
        if (type == request.headers.end() || !type->second.starts_with("application/x-www-form-urlencoded"))
            return JsonResponse(400, {{"error", "invalid_request"}});
        auto form = ParseForm(request.body);
        if (form["grant_type"] != "authorization_code")
            return JsonResponse(400, {{"error", "unsupported_grant_type"}});
        if (form["client_id"] != client_id || form["client_secret"] != client_secret)
            return JsonResponse(401, {{"error", "invalid_client"}});
        const json invalid_grant = {{"error", "invalid_grant"}};

        std::lock_guard lock(mutex);
        const auto it = grants.find(form["code"]);
        if (it == grants.end()) return JsonResponse(400, invalid_grant);
        const Grant grant = it->second;
        grants.erase(it);  // single use, whatever the outcome (RFC 6749 section 4.1.2)
        if (grant.expires_at < now || grant.redirect_uri != form["redirect_uri"] ||
            B64Url(Sha256(form["code_verifier"])) != grant.code_challenge)
            return JsonResponse(400, invalid_grant);
        return JsonResponse(200, {{"access_token", RandomToken()},
                                  {"token_type", "Bearer"},
                                  {"id_token", IdToken(grant)},
                                  {"expires_in", kTokenLifetimeSeconds}});
    }

    // Called with the mutex held.
    std::string IdToken(const Grant& grant) {
        json claims = {
            {"iss", issuer}, {"sub", grant.sub}, {"aud", client_id},     {"exp", now + kTokenLifetimeSeconds},
            {"iat", now},    {"auth_time", now}, {"nonce", grant.nonce}, {"name", grant.name}};
        if (!personal_number_claim.empty()) claims[personal_number_claim] = grant.personal_number;
        json header = {{"alg", "RS256"}, {"typ", "JWT"}, {"kid", kid}};
        switch (tamper) {
            case Tamper::None:
            case Tamper::WrongKey:
                break;
            case Tamper::WrongAudience:
                claims["aud"] = "another-client";
                break;
            case Tamper::Expired:
                claims["exp"] = now - 3600;
                claims["iat"] = now - 3600 - kTokenLifetimeSeconds;
                break;
            case Tamper::WrongNonce:
                claims["nonce"] = "not-" + grant.nonce;
                break;
            case Tamper::WrongIssuer:
                claims["iss"] = "https://issuer.invalid";
                break;
            case Tamper::AlgNone:
                header = {{"alg", "none"}, {"typ", "JWT"}};
                break;
            case Tamper::AlgHs256:
                header["alg"] = "HS256";
                break;
            case Tamper::AudienceArrayWithoutAzp:
                claims["aud"] = {client_id, "another-client"};
                break;
        }
        std::string input = B64Url(header.dump());
        input += '.';
        input += B64Url(claims.dump());
        std::string signature;
        if (tamper == Tamper::AlgNone) {
            signature.clear();
        } else if (tamper == Tamper::AlgHs256) {
            signature = HmacSha256(BnParam(key.get(), OSSL_PKEY_PARAM_RSA_N), input);
        } else if (tamper == Tamper::WrongKey) {
            if (!other_key) other_key = NewRsaKey();
            signature = SignRs256(other_key.get(), input);
        } else {
            signature = SignRs256(key.get(), input);
        }
        input += '.';
        input += B64Url(signature);
        return input;
    }
};

TestOidcProvider::TestOidcProvider(std::string client_id, std::string client_secret, std::string redirect_uri)
    : impl_(std::make_unique<Impl>()) {
    Impl& s = *impl_;
    s.client_id = std::move(client_id);
    s.client_secret = std::move(client_secret);
    s.redirect_uri = std::move(redirect_uri);
    s.now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    s.key = NewRsaKey();

    s.listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s.listen_fd < 0) Fail("socket() failed");
    const int one = 1;
    setsockopt(s.listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    if (::bind(s.listen_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(s.listen_fd, 16) != 0 ||
        ::getsockname(s.listen_fd, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
        ::pipe2(s.wake_pipe, O_CLOEXEC) != 0) {
        ::close(s.listen_fd);
        Fail("cannot listen on 127.0.0.1");
    }
    s.port = ntohs(address.sin_port);
    s.issuer = "http://127.0.0.1:" + std::to_string(s.port);
    s.thread = std::thread([&s] { s.Serve(); });
}

TestOidcProvider::~TestOidcProvider() {
    const char byte = 'x';
    [[maybe_unused]] const ssize_t n = ::write(impl_->wake_pipe[1], &byte, 1);
    if (impl_->thread.joinable()) impl_->thread.join();
    ::close(impl_->listen_fd);
    ::close(impl_->wake_pipe[0]);
    ::close(impl_->wake_pipe[1]);
}

std::string TestOidcProvider::issuer() const { return impl_->issuer; }
int TestOidcProvider::port() const { return impl_->port; }

void TestOidcProvider::SetNextUser(std::string sub, std::string personal_number, std::string name) {
    std::lock_guard lock(impl_->mutex);
    impl_->user_sub = std::move(sub);
    impl_->user_personal_number = std::move(personal_number);
    impl_->user_name = std::move(name);
}

void TestOidcProvider::SetTamper(Tamper tamper) {
    std::lock_guard lock(impl_->mutex);
    impl_->tamper = tamper;
}

void TestOidcProvider::SetPersonalNumberClaim(std::string claim) {
    std::lock_guard lock(impl_->mutex);
    impl_->personal_number_claim = std::move(claim);
}

void TestOidcProvider::SetNow(int64_t unix_seconds) {
    std::lock_guard lock(impl_->mutex);
    impl_->now = unix_seconds;
}

int64_t TestOidcProvider::now() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->now;
}

void TestOidcProvider::RotateKey() {
    Pkey key = NewRsaKey();
    std::lock_guard lock(impl_->mutex);
    impl_->key = std::move(key);
    impl_->kid = "k" + std::to_string(++impl_->key_generation);
}

int TestOidcProvider::requests_served() const { return impl_->requests.load(); }
int TestOidcProvider::jwks_requests() const { return impl_->jwks_requests.load(); }

TestOidcProvider::AuthorizeResponse TestOidcProvider::Authorize(const std::string& authorization_url) const {
    const std::string prefix = impl_->issuer + "/";
    if (!authorization_url.starts_with(prefix))
        throw std::invalid_argument("TestOidcProvider::Authorize: the URL is not this provider's");
    const std::string target = authorization_url.substr(prefix.size() - 1);

    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) Fail("socket() failed");
    SetTimeouts(fd);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<uint16_t>(impl_->port));
    std::string request = "GET ";
    request += target;
    request += " HTTP/1.1\r\nHost: 127.0.0.1:";
    request += std::to_string(impl_->port);
    request += "\r\nConnection: close\r\n\r\n";
    std::string response;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 && SendAll(fd, request)) {
        char buf[4096];
        ssize_t n = 0;
        while (response.size() < kMaxBodyBytes && (n = ::recv(fd, buf, sizeof buf, 0)) > 0)
            response.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);

    AuthorizeResponse result;
    const size_t head_end = response.find("\r\n\r\n");
    if (!response.starts_with("HTTP/1.1 ") || head_end == std::string::npos)
        throw std::runtime_error("TestOidcProvider::Authorize: no HTTP response");
    result.status = std::stoi(response.substr(9, 3));
    result.body = response.substr(head_end + 4);
    const std::string head = response.substr(0, head_end + 2);
    const size_t at = head.find("\r\nLocation: ");
    if (at != std::string::npos) {
        const size_t start = at + 12;
        result.location = head.substr(start, head.find("\r\n", start) - start);
    }
    return result;
}

std::optional<std::string> QueryParameter(std::string_view url, std::string_view name) {
    const size_t q = url.find('?');
    if (q == std::string_view::npos) return std::nullopt;
    std::string_view query = url.substr(q + 1);
    query = query.substr(0, query.find('#'));
    const auto form = ParseForm(query);
    const auto it = form.find(std::string(name));
    if (it == form.end()) return std::nullopt;
    return it->second;
}

}  // namespace andel::test
