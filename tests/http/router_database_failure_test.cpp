// A request that meets a database that is down, full or busy is answered 503 with Retry-After, never 500
// and never with the driver's text (issue 11 §2); any other database failure stays a 500.
#include <gtest/gtest.h>

#include "http/router.hpp"
#include "store/database.hpp"

namespace andel::http {
namespace {

using Kind = store::DbError::Kind;

Response Answer(Kind kind) {
    Router router([](const Request&, core::Error&) { return std::optional<Principal>(Principal{}); });
    router.Add("GET", "/api/v1/thing", {}, [kind](Context&) -> Response {
        throw store::DbError(kind, "postgres: server closed the connection unexpectedly [secret detail]");
    });
    Request r;
    r.method = "GET";
    r.target = r.path = "/api/v1/thing";
    r.request_id = "req-1";
    return router.Handle(r);
}

std::string Header(const Response& r, const std::string& name) {
    for (const auto& [n, v] : r.headers)
        if (n == name) return v;
    return "";
}

TEST(RouterDatabaseFailure, UnavailableDatabaseIs503WithRetryAfter) {
    for (Kind kind : {Kind::kUnavailable, Kind::kBusy}) {
        Response r = Answer(kind);
        EXPECT_EQ(r.status, 503);
        EXPECT_EQ(Header(r, "Retry-After"), "1");
        EXPECT_NE(r.body.find("problems/unavailable"), std::string::npos) << r.body;
        EXPECT_EQ(r.body.find("secret detail"), std::string::npos) << "the driver's text reached the client";
    }
}

TEST(RouterDatabaseFailure, OtherDatabaseFailureStays500WithoutRetryAfter) {
    for (Kind kind : {Kind::kOther, Kind::kUniqueViolation}) {
        Response r = Answer(kind);
        EXPECT_EQ(r.status, 500);
        EXPECT_EQ(Header(r, "Retry-After"), "");
        EXPECT_EQ(r.body.find("secret detail"), std::string::npos);
    }
}

TEST(RouterDatabaseFailure, UnavailableCountsAsAServerErrorInTheMetrics) {
    Router router([](const Request&, core::Error&) { return std::optional<Principal>(Principal{}); });
    router.Add("GET", "/x", {},
               [](Context&) -> Response { throw store::DbError(Kind::kUnavailable, "down"); });
    Request r;
    r.method = "GET";
    r.target = r.path = "/x";
    EXPECT_EQ(router.Handle(r).status, 503);
    EXPECT_NE(router.MetricsText().find("andel_http_server_errors_total{method=\"GET\",route=\"/x\"} 1"),
              std::string::npos);
}

}  // namespace
}  // namespace andel::http
