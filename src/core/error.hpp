#pragma once
#include <string>
#include <string_view>

namespace andel::core {

// The one catalogue of expected failures (STYLE.md "Errors"). Each code maps to an HTTP status and a
// problem type; a business rule that refuses also names its DOMAIN.md ID in Error::rule.
enum class ErrorCode {
    kMalformed,         // 400: the request cannot be understood (bad JSON, wrong type, missing field)
    kUnauthenticated,   // 401
    kForbidden,         // 403
    kNotFound,          // 404
    kMethodNotAllowed,  // 405
    kConflict,          // 409: a unique key is taken, or an idempotency key is reused with another body
    kTooLarge,          // 413
    kRuleRefused,       // 422: a DOMAIN.md rule refuses the change (Error::rule names it)
    kInvalid,           // 422: well-formed but invalid values (e.g. an unknown store)
    kRateLimited,       // 429
    kUnavailable,       // 503: the database is busy or down; retry later
    kInternal,          // 500: a bug; never for bad input
};

struct ErrorInfo {
    int status;
    std::string_view slug;   // stable, used in the problem type URI
    std::string_view title;  // English title; pages translate by slug
};

const ErrorInfo& Describe(ErrorCode code);

struct Error {
    ErrorCode code = ErrorCode::kInternal;
    std::string detail;     // for the client: never driver text or secrets
    std::string rule;       // DOMAIN.md rule ID when a rule refused, e.g. "R_HH_3"
    std::string field;      // the input field at fault, when there is one
    int retry_after_s = 0;  // for kRateLimited / kUnavailable: seconds until a retry may succeed (0: 1 s)

    static Error Malformed(std::string detail, std::string field = {}) {
        return {ErrorCode::kMalformed, std::move(detail), {}, std::move(field)};
    }
    static Error NotFound(std::string detail) { return {ErrorCode::kNotFound, std::move(detail), {}, {}}; }
    static Error Conflict(std::string detail) { return {ErrorCode::kConflict, std::move(detail), {}, {}}; }
    static Error Invalid(std::string detail, std::string field = {}) {
        return {ErrorCode::kInvalid, std::move(detail), {}, std::move(field)};
    }
    static Error Rule(std::string rule, std::string detail) {
        return {ErrorCode::kRuleRefused, std::move(detail), std::move(rule), {}};
    }
    static Error Forbidden(std::string detail) { return {ErrorCode::kForbidden, std::move(detail), {}, {}}; }
    static Error Unauthenticated(std::string detail) {
        return {ErrorCode::kUnauthenticated, std::move(detail), {}, {}};
    }
    static Error RateLimited(std::string detail, int retry_after_s) {
        return {ErrorCode::kRateLimited, std::move(detail), {}, {}, retry_after_s};
    }
};

}  // namespace andel::core
