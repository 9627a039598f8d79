#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"
#include "http/router.hpp"
#include "http/test_app.hpp"

namespace andel::fuzz {

// The API of `andel serve` for the fuzz targets: test::TestApp over SQLite with the demo dataset and the
// portal's, and a caller for every kind of principal, so that a fuzzed request reaches its route's handler
// instead of stopping at the role check.
class FuzzApp {
  public:
    FuzzApp();
    FuzzApp(const FuzzApp&) = delete;
    FuzzApp& operator=(const FuzzApp&) = delete;

    // Through the router as a caller admitted by the route that `request` matches would send it (any
    // Authorization header of the request is replaced). A person's request carries a fresh session, since
    // some routes end the session they came with.
    http::Response Send(http::Request& request);
    http::Router& router() { return *app_.router; }

  private:
    struct Caller {
        std::string role;        // the role the route must admit for this caller to be chosen
        std::string token;       // an API key, or "" for a person
        int64_t account_id = 0;  // a person's account
    };
    std::string TokenFor(const http::Request& request);
    std::string NewSession(int64_t account_id);

    test::TestApp app_;
    std::vector<Caller> callers_;  // in order of preference
};

// Aborts (libFuzzer reports a crash) when a response breaks the API's contract (DESIGN.md "HTTP
// conventions"): a 500 or a status outside 100-599, an error that is not an application/problem+json object
// with its own status, or a JSON success whose body is not JSON.
void CheckResponse(const http::Request& request, const http::Response& response);

// The router logs every request at info; the fuzz targets keep only errors.
void QuietLogs();

// "METHOD target" or "METHOD target HTTP/1.1": fills method, target, path and query as the server does;
// false when the line is not that or the target cannot be decoded.
bool ParseRequestLine(std::string_view line, http::Request& request);

}  // namespace andel::fuzz
