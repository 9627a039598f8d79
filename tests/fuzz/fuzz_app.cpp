#include "fuzz_app.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "app/access/api_key_service.hpp"
#include "app/auth/auth_service.hpp"
#include "app/demo/generator.hpp"
#include "app/transaction.hpp"
#include "http/urlencoded.hpp"

namespace andel::fuzz {
namespace {

std::vector<std::string_view> Segments(std::string_view path) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '/') {
            ++i;
            continue;
        }
        size_t j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        out.push_back(path.substr(i, j - i));
        i = j;
    }
    return out;
}

// The router's matching (http/router.cpp): a "{name}" segment matches any non-empty segment.
bool Matches(std::string_view pattern, std::string_view path) {
    const auto want = Segments(pattern), got = Segments(path);
    if (want.size() != got.size()) return false;
    for (size_t i = 0; i < want.size(); ++i) {
        const bool parameter = want[i].size() > 2 && want[i].front() == '{' && want[i].back() == '}';
        if (parameter ? got[i].empty() : want[i] != got[i]) return false;
    }
    return true;
}

int64_t Checked(const core::Result<int64_t>& id, const char* what) {
    if (!id) throw std::runtime_error(std::string(what) + ": " + id.error().detail);
    return *id;
}

[[noreturn]] void Broken(const http::Request& request, const http::Response& response, const char* what) {
    std::fprintf(stderr, "contract broken: %s\n%s %s -> %d %s\n%.2000s\n", what, request.method.c_str(),
                 request.target.c_str(), response.status, response.content_type.c_str(),
                 response.body.c_str());
    std::abort();
}

}  // namespace

FuzzApp::FuzzApp() : app_("sqlite") {
    const app::DemoPortal portal = app_.SeedPortal();
    auto& auth = *app_.auth;
    auto staff = [&](const std::string& role) {
        return Checked(auth.SeedStaffAccount(role + "@fuzz.example", role, role, "fuzz-password"), "staff");
    };
    const int64_t owner =
        Checked(auth.SeedMemberPassword(app::kDemoMemberNumber, app::kDemoMemberPassword), "demo member");
    const int64_t profile_member = app_.RegisterDanishProfile().member.id;
    const int64_t profile = app::InTransaction(*app_.db, [&](store::Connection& c) -> core::Result<int64_t> {
                                return auth.EnsureMemberAccount(c, profile_member);
                            }).value();
    callers_ = {
        {app::kRoleBackOffice, app::kDemoBackOfficeToken},
        {app::kRoleTill, app::kDemoTillToken},
        {app::kRolePartner, app::kDemoPartnerToken},
        {app::kRoleKiosk, app::kDemoKioskToken},
        {app::auth::kRoleHouseholdOwner, "", owner},
        {app::auth::kRoleMember, "", owner},
        {app::auth::kRoleProfile, "", profile},
        {app::auth::kRolePortalAdmin, "", portal.admin_account_id},
        {app::auth::kRoleOrderer, "", portal.orderer_account_id},
        {app::auth::kRoleAdmin, "", staff(app::auth::kRoleAdmin)},
        {app::auth::kRoleServiceAgent, "", staff(app::auth::kRoleServiceAgent)},
        {app::auth::kRoleStoreStaff, "", staff(app::auth::kRoleStoreStaff)},
    };
}

std::string FuzzApp::NewSession(int64_t account_id) {
    auto session = app::InTransaction(*app_.db, [&](store::Connection& c) {
        return app_.auth->OpenSession(c, account_id, "app", "password+sms", "fuzz");
    });
    if (!session) throw std::runtime_error("session: " + session.error().detail);
    return session->token;
}

std::string FuzzApp::TokenFor(const http::Request& request) {
    const std::string method = request.method == "HEAD" ? "GET" : request.method;
    for (const auto& route : app_.router->Routes()) {
        if (route.method != method || !Matches(route.pattern, request.path)) continue;
        for (const auto& caller : callers_) {
            if (!route.roles.empty() && !route.roles.contains(caller.role)) continue;
            return caller.account_id ? NewSession(caller.account_id) : caller.token;
        }
        break;
    }
    return app::kDemoBackOfficeToken;  // public, unknown or not admitting any caller: the router decides
}

http::Response FuzzApp::Send(http::Request& request) {
    std::erase_if(request.headers, [](const auto& h) { return h.first == "authorization"; });
    request.headers.emplace_back("authorization", "Bearer " + TokenFor(request));
    if (request.request_id.empty()) request.request_id = "fuzz";
    if (request.remote_address.empty()) request.remote_address = "192.0.2.70";
    return app_.router->Handle(request);
}

void CheckResponse(const http::Request& request, const http::Response& response) {
    if (response.status < 100 || response.status > 599) Broken(request, response, "status out of range");
    if (response.status == 500) Broken(request, response, "500 for a request");
    if (response.status >= 400) {
        if (response.content_type != "application/problem+json") Broken(request, response, "not a problem");
        const auto problem = nlohmann::json::parse(response.body, nullptr, false);
        if (!problem.is_object() || problem.value("status", 0) != response.status ||
            !problem.value("type", nlohmann::json()).is_string())
            Broken(request, response, "malformed problem");
    } else if (response.content_type.starts_with("application/json") && !response.body.empty() &&
               !nlohmann::json::accept(response.body)) {
        Broken(request, response, "JSON response is not JSON");
    }
}

void QuietLogs() { spdlog::set_level(spdlog::level::err); }

bool ParseRequestLine(std::string_view line, http::Request& request) {
    const size_t space = line.find(' ');
    if (space == std::string_view::npos || space == 0) return false;
    request.method = std::string(line.substr(0, space));
    std::string_view target = line.substr(space + 1);
    if (const size_t version = target.find(' '); version != std::string_view::npos)
        target = target.substr(0, version);
    if (!target.starts_with('/')) return false;
    request.target = std::string(target);
    const size_t question = target.find('?');
    auto path = http::PercentDecode(target.substr(0, question), false);
    if (!path) return false;
    request.path = std::move(*path);
    return question == std::string_view::npos || http::ParseQuery(target.substr(question + 1), request.query);
}

}  // namespace andel::fuzz
