#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "core/result.hpp"
#include "http/message.hpp"

namespace andel::http {

// Parses a JSON object body; refuses anything else, bad UTF-8 included (400).
core::Result<nlohmann::json> ParseObject(const Request& request);

// Reads typed fields of a JSON object, remembering the first problem. Unknown fields are refused so that a
// typo ("home_stor") is an error rather than silently ignored.
class Fields {
  public:
    Fields(const nlohmann::json& object, std::string prefix = {}) : j_(object), prefix_(std::move(prefix)) {}
    std::string RequiredString(const std::string& name, size_t max_len = 200);
    std::optional<std::string> OptionalString(const std::string& name, size_t max_len = 200);
    int64_t RequiredInt(const std::string& name, int64_t min, int64_t max);
    std::optional<int64_t> OptionalInt(const std::string& name, int64_t min, int64_t max);
    std::optional<bool> OptionalBool(const std::string& name);
    const nlohmann::json* OptionalObject(const std::string& name);
    // An array of at most max_items elements; nullptr (and a recorded problem when required) otherwise.
    const nlohmann::json* Array(const std::string& name, size_t max_items, bool required);
    // Records a problem found by the caller (e.g. in a nested element).
    void Fail(const std::string& name, const std::string& detail) { FailAt(name, detail); }
    bool ok() const { return !error_.has_value(); }
    // Call last: reports fields that were not read.
    core::Result<void> Finish();

  private:
    void FailAt(const std::string& name, const std::string& detail);
    const nlohmann::json* Get(const std::string& name);
    const nlohmann::json& j_;
    std::string prefix_;
    std::set<std::string> seen_;
    std::optional<core::Error> error_;
};

std::string Dump(const nlohmann::json& j);
// A decimal id (0 or more) from a path or query parameter, strictly ("12abc", "-1" and "" are not ids).
std::optional<int64_t> ParseId(const std::string& text);
// Unix milliseconds as the API writes times (RFC 3339, UTC).
std::string IsoMillis(int64_t ms);
Response JsonResponse(int status, const nlohmann::json& j);

}  // namespace andel::http
