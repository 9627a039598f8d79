#pragma once
#include <string>
#include <utility>
#include <vector>

namespace andel::notify {

// The outcome of one outbound HTTP request. `error` is set (and `status` is 0) when no response came:
// connection refused, timeout, TLS failure.
struct HttpResult {
    long status = 0;
    std::string body;
    std::string error;
    bool Ok() const { return error.empty() && status >= 200 && status < 300; }
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// A blocking HTTP(S) client over libcurl, for the SMS gateway and OpenID Connect (BankID) calls. Every call
// has a total timeout; redirects are not followed; TLS peers are verified. Thread-safe: each call uses its
// own handle.
struct HttpRequest {
    std::string method = "GET";  // GET or POST
    std::string url;
    std::string body;
    HttpHeaders headers;  // e.g. {"Content-Type", "application/json"}
    long timeout_ms = 10'000;
};

HttpResult Fetch(const HttpRequest& request);

// application/x-www-form-urlencoded encoding of one value (RFC 3986 unreserved characters kept).
std::string UrlEncode(const std::string& value);

}  // namespace andel::notify
