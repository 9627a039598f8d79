#include "http/router.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>

#include "store/database.hpp"

namespace andel::http {
namespace {

constexpr std::array<double, 12> kBucketsMs = {0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 1000, 5000};

std::vector<std::string> Split(std::string_view path) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '/') {
            ++i;
            continue;
        }
        size_t j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        out.emplace_back(path.substr(i, j - i));
        i = j;
    }
    return out;
}

bool Match(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
           std::map<std::string, std::string>& params) {
    if (pattern.size() != path.size()) return false;
    for (size_t i = 0; i < pattern.size(); ++i) {
        const auto& p = pattern[i];
        if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
            if (path[i].empty()) return false;
            params[p.substr(1, p.size() - 2)] = path[i];
        } else if (p != path[i]) {
            return false;
        }
    }
    return true;
}

// A database that is down, full or out of connections is no fault of the request: 503 with Retry-After,
// so tills and load balancers retry (issue 11 §2); any other database failure is a bug, 500. The driver's
// text goes to the log only.
Response DatabaseFailure(const store::DbError& e, const std::string& request_id, const std::string& route) {
    const bool unavailable =
        e.kind() == store::DbError::Kind::kUnavailable || e.kind() == store::DbError::Kind::kBusy;
    spdlog::error(R"({{"msg":"{}","request_id":"{}","route":"{}","error":"{}"}})",
                  unavailable ? "database unavailable" : "handler failed", request_id, route, e.what());
    if (unavailable)
        return Problem(
            {core::ErrorCode::kUnavailable, "the database does not answer; try again shortly", {}, {}},
            request_id);
    return Problem({core::ErrorCode::kInternal, "an internal error occurred; it has been logged", {}, {}},
                   request_id);
}

}  // namespace

Response Problem(const core::Error& error, const std::string& request_id) {
    const auto& info = core::Describe(error.code);
    nlohmann::json j = {{"type", "https://andel.coop/problems/" + std::string(info.slug)},
                        {"title", std::string(info.title)},
                        {"status", info.status},
                        {"detail", error.detail}};
    if (!error.rule.empty()) j["rule"] = error.rule;
    if (!error.field.empty()) j["field"] = error.field;
    if (!request_id.empty()) j["instance"] = "urn:request:" + request_id;
    Response r;
    r.status = info.status;
    r.content_type = "application/problem+json";
    r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (error.code == core::ErrorCode::kUnavailable || error.code == core::ErrorCode::kRateLimited)
        r.headers.emplace_back("Retry-After",
                               std::to_string(error.retry_after_s > 0 ? error.retry_after_s : 1));
    if (error.code == core::ErrorCode::kUnauthenticated)
        r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"andel\"");
    return r;
}

void Router::Add(std::string method, std::string pattern, std::set<std::string> roles, RouteHandler handler) {
    Route r;
    r.segments = Split(pattern);
    r.info = {std::move(method), std::move(pattern), std::move(roles)};
    r.handler = std::move(handler);
    r.stats = std::make_unique<Stats>();
    routes_.push_back(std::move(r));
}

std::vector<RouteInfo> Router::Routes() const {
    std::vector<RouteInfo> out;
    for (const auto& r : routes_) out.push_back(r.info);
    return out;
}

void Router::Observe(Stats& s, int status, uint64_t micros) {
    s.count.fetch_add(1, std::memory_order_relaxed);
    if (status >= 500) s.errors.fetch_add(1, std::memory_order_relaxed);
    s.sum_us.fetch_add(micros, std::memory_order_relaxed);
    double ms = static_cast<double>(micros) / 1000.0;
    for (size_t i = 0; i < kBucketsMs.size(); ++i) {
        if (ms <= kBucketsMs[i]) {
            s.buckets[i].fetch_add(1, std::memory_order_relaxed);
            break;
        }
    }
}

Response Router::Handle(Request& request) {
    auto start = std::chrono::steady_clock::now();
    auto path = Split(request.path);
    Route* found = nullptr;
    bool path_matched = false;
    std::map<std::string, std::string> params;
    for (auto& r : routes_) {
        std::map<std::string, std::string> p;
        if (!Match(r.segments, path, p)) continue;
        path_matched = true;
        std::string method = request.method == "HEAD" ? "GET" : request.method;
        if (r.info.method == method) {
            found = &r;
            params = std::move(p);
            break;
        }
    }
    Response response;
    Principal principal;
    if (!found) {
        response = Problem(
            path_matched ? core::Error{core::ErrorCode::kMethodNotAllowed, "method not allowed here", {}, {}}
                         : core::Error::NotFound("no such resource: " + request.path),
            request.request_id);
    } else {
        try {
            core::Error auth_error;
            auto who = auth_(request, auth_error);
            if (who) principal = *who;
            if (!who) {
                response = Problem(auth_error, request.request_id);
            } else if (!found->info.roles.empty() && !who->HasAny(found->info.roles)) {
                response =
                    who->csrf_refused
                        ? Problem(core::Error::Forbidden("the CSRF token (X-CSRF-Token) is missing or wrong"),
                                  request.request_id)
                    : who->session_ended
                        ? Problem(core::Error::Unauthenticated("the session has ended; log in again"),
                                  request.request_id)
                    : who->role.empty()
                        ? Problem({core::ErrorCode::kUnauthenticated, "credentials required", {}, {}},
                                  request.request_id)
                        : Problem(core::Error::Forbidden("this route is not open to role " + who->role),
                                  request.request_id);
            } else {
                Context ctx{request, principal, std::move(params)};
                response = found->handler(ctx);
            }
        } catch (const store::DbError& e) {
            response = DatabaseFailure(e, request.request_id, found->info.pattern);
        } catch (const std::exception& e) {
            spdlog::error(R"({{"msg":"handler failed","request_id":"{}","route":"{}","error":"{}"}})",
                          request.request_id, found->info.pattern, e.what());
            response = Problem(
                {core::ErrorCode::kInternal, "an internal error occurred; it has been logged", {}, {}},
                request.request_id);
        }
    }
    auto micros = static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start)
            .count());
    Observe(found ? *found->stats : unmatched_, response.status, micros);
    if (spdlog::should_log(spdlog::level::info)) {
        nlohmann::json line = {
            {"msg", "request"},          {"request_id", request.request_id},
            {"method", request.method},  {"route", found ? found->info.pattern : "unmatched"},
            {"status", response.status}, {"micros", micros},
            {"actor", principal.Actor()}};
        spdlog::info(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    return response;
}

std::string Router::MetricsText() const {
    std::ostringstream out;
    out << "# HELP andel_http_requests_total HTTP requests by route and method.\n"
           "# TYPE andel_http_requests_total counter\n";
    auto emit_count = [&](const std::string& method, const std::string& route, const Stats& s) {
        out << "andel_http_requests_total{method=\"" << method << "\",route=\"" << route << "\"} "
            << s.count.load() << "\n";
    };
    for (const auto& r : routes_) emit_count(r.info.method, r.info.pattern, *r.stats);
    emit_count("", "unmatched", unmatched_);
    out << "# HELP andel_http_server_errors_total HTTP 5xx responses by route.\n"
           "# TYPE andel_http_server_errors_total counter\n";
    for (const auto& r : routes_)
        out << "andel_http_server_errors_total{method=\"" << r.info.method << "\",route=\"" << r.info.pattern
            << "\"} " << r.stats->errors.load() << "\n";
    out << "# HELP andel_http_request_duration_seconds Time to handle a request.\n"
           "# TYPE andel_http_request_duration_seconds histogram\n";
    for (const auto& r : routes_) {
        std::string labels = "method=\"" + r.info.method + "\",route=\"" + r.info.pattern + "\"";
        uint64_t cumulative = 0;
        for (size_t i = 0; i < kBucketsMs.size(); ++i) {
            cumulative += r.stats->buckets[i].load();
            out << "andel_http_request_duration_seconds_bucket{" << labels << ",le=\""
                << kBucketsMs[i] / 1000.0 << "\"} " << cumulative << "\n";
        }
        out << "andel_http_request_duration_seconds_bucket{" << labels << ",le=\"+Inf\"} "
            << r.stats->count.load() << "\n";
        out << "andel_http_request_duration_seconds_sum{" << labels << "} "
            << static_cast<double>(r.stats->sum_us.load()) / 1e6 << "\n";
        out << "andel_http_request_duration_seconds_count{" << labels << "} " << r.stats->count.load()
            << "\n";
    }
    return out.str();
}

}  // namespace andel::http
