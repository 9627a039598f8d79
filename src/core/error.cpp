#include "core/error.hpp"

namespace andel::core {

const ErrorInfo& Describe(ErrorCode code) {
    static const ErrorInfo kMalformed{400, "malformed-request", "Malformed request"};
    static const ErrorInfo kUnauthenticated{401, "unauthenticated", "Authentication required"};
    static const ErrorInfo kForbidden{403, "forbidden", "Not allowed"};
    static const ErrorInfo kNotFound{404, "not-found", "Not found"};
    static const ErrorInfo kMethodNotAllowed{405, "method-not-allowed", "Method not allowed"};
    static const ErrorInfo kConflict{409, "conflict", "Conflict"};
    static const ErrorInfo kTooLarge{413, "too-large", "Request too large"};
    static const ErrorInfo kRuleRefused{422, "rule-refused", "Refused by a business rule"};
    static const ErrorInfo kInvalid{422, "invalid", "Invalid value"};
    static const ErrorInfo kRateLimited{429, "rate-limited", "Too many requests"};
    static const ErrorInfo kUnavailable{503, "unavailable", "Service unavailable"};
    static const ErrorInfo kInternal{500, "internal", "Internal error"};
    switch (code) {
        case ErrorCode::kMalformed:
            return kMalformed;
        case ErrorCode::kUnauthenticated:
            return kUnauthenticated;
        case ErrorCode::kForbidden:
            return kForbidden;
        case ErrorCode::kNotFound:
            return kNotFound;
        case ErrorCode::kMethodNotAllowed:
            return kMethodNotAllowed;
        case ErrorCode::kConflict:
            return kConflict;
        case ErrorCode::kTooLarge:
            return kTooLarge;
        case ErrorCode::kRuleRefused:
            return kRuleRefused;
        case ErrorCode::kInvalid:
            return kInvalid;
        case ErrorCode::kRateLimited:
            return kRateLimited;
        case ErrorCode::kUnavailable:
            return kUnavailable;
        case ErrorCode::kInternal:
            return kInternal;
    }
    return kInternal;
}

}  // namespace andel::core
