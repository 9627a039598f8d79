#pragma once
#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "http/message.hpp"

namespace andel::http {

// Who is calling: a machine with an API key (role + scope), or a person with a session (a primary role,
// further roles such as household_owner, and the account and member behind it).
struct Principal {
    std::string role;                 // "" = anonymous
    std::string key_id;               // for the access log and event actor: key id, or "session:<public id>"
    std::optional<int64_t> store_id;  // a till's store
    std::optional<int64_t> partner_id;  // a partner's key
    std::vector<std::string> roles;     // a person's further roles
    std::optional<int64_t> account_id, member_id, organisation_id;
    std::optional<std::string> member_number;
    std::string session_public_id;
    std::string session_token;  // the presented session token (to end it); never logged
    bool by_cookie = false;
    bool csrf_refused = false;   // a session cookie came on an unsafe request without its CSRF token
    bool session_ended = false;  // a bearer session token came that is ended, expired or unknown
    std::string Actor() const { return role.empty() ? "anonymous" : role + ":" + key_id; }
    bool Has(const std::string& r) const {
        return role == r || std::find(roles.begin(), roles.end(), r) != roles.end();
    }
    bool HasAny(const std::set<std::string>& admitted) const {
        if (admitted.contains(role)) return true;
        for (const auto& r : roles)
            if (admitted.contains(r)) return true;
        return false;
    }
};

struct Context {
    Request& request;
    Principal principal;
    std::map<std::string, std::string> params;  // path parameters: "/members/{number}" -> params["number"]
    const std::string& Param(const std::string& name) const { return params.at(name); }
};

using RouteHandler = std::function<Response(Context&)>;

// Authenticates a request: returns the principal, an anonymous principal when no credentials came, or an
// error (401) when credentials came and are wrong.
using Authenticator = std::function<std::optional<Principal>(const Request&, core::Error&)>;

struct RouteInfo {
    std::string method, pattern;
    std::set<std::string> roles;  // empty = public
};

// Problem+json (RFC 9457) for an error; `instance` is the request id.
Response Problem(const core::Error& error, const std::string& request_id = {});

// Routes requests by method and path pattern, checks the route's roles, records metrics and the access log,
// and turns any escaping exception into a 500 problem (never for bad input: handlers validate) — but a
// database that is down, full or busy into a 503 with Retry-After.
class Router final : public Handler {
  public:
    explicit Router(Authenticator auth) : auth_(std::move(auth)) {}
    void Add(std::string method, std::string pattern, std::set<std::string> roles, RouteHandler handler);
    Response Handle(Request& request) override;
    std::vector<RouteInfo> Routes() const;
    // Prometheus text exposition of the request counters and latency histograms per route.
    std::string MetricsText() const;

  private:
    struct Stats {
        std::atomic<uint64_t> count{0}, errors{0};
        std::array<std::atomic<uint64_t>, 12> buckets{};  // cumulative-style bucketing done at export
        std::atomic<uint64_t> sum_us{0};
    };
    struct Route {
        RouteInfo info;
        std::vector<std::string> segments;
        RouteHandler handler;
        std::unique_ptr<Stats> stats;
    };
    void Observe(Stats& s, int status, uint64_t micros);

    Authenticator auth_;
    std::vector<Route> routes_;
    Stats unmatched_;
};

}  // namespace andel::http
