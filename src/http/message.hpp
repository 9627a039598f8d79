#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace andel::http {

// Beast-free request and response, so handlers compile without Boost (Beast lives in server.cpp only).
struct Request {
    std::string method;                                        // "GET", "POST", ...
    std::string target;                                        // raw target: path + query
    std::string path;                                          // decoded path, no query
    std::multimap<std::string, std::string> query;             // decoded query parameters
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
    std::string body;
    std::string remote_address;
    std::string request_id;  // set by the server (X-Request-Id if sane, else generated)

    // First header with that (lower-case) name.
    std::optional<std::string_view> Header(std::string_view lower_name) const {
        for (const auto& [k, v] : headers)
            if (k == lower_name) return std::string_view(v);
        return std::nullopt;
    }
    std::optional<std::string> Query(const std::string& name) const {
        auto it = query.find(name);
        if (it == query.end()) return std::nullopt;
        return it->second;
    }
};

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // extra headers

    static Response Json(int status, std::string body) {
        Response r;
        r.status = status;
        r.body = std::move(body);
        return r;
    }
    static Response Text(int status, std::string body,
                         std::string content_type = "text/plain; charset=utf-8") {
        Response r;
        r.status = status;
        r.content_type = std::move(content_type);
        r.body = std::move(body);
        return r;
    }
};

// What the server calls for every request. Implemented by the router; the server knows nothing else.
class Handler {
  public:
    virtual ~Handler() = default;
    virtual Response Handle(Request& request) = 0;
};

struct ServerOptions {
    std::string address = "127.0.0.1";
    uint16_t port = 8080;  // 0 = pick a free port (tests); Server::port() tells which
    int threads = 0;       // 0 = hardware concurrency
    size_t max_header_bytes = 16 * 1024;
    size_t max_body_bytes = 16 * 1024 * 1024;
    std::chrono::milliseconds read_timeout{30'000};  // whole request, from its first byte
    std::chrono::milliseconds idle_timeout{60'000};  // between requests on a keep-alive connection
    std::chrono::milliseconds write_timeout{30'000};
    size_t max_connections = 10'000;
    std::chrono::milliseconds shutdown_grace{10'000};  // in-flight requests get this long to finish
    // Peers whose X-Forwarded-For is believed (a reverse proxy, a load balancer): for a request from one of
    // them, the client address is the rightmost X-Forwarded-For entry that is not itself a trusted proxy.
    std::vector<std::string> trusted_proxies;
};

}  // namespace andel::http
