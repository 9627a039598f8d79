#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace andel::core {

// JSON written straight into a string, for the hot answers (a receipt's packed lines, a till's identity)
// that would otherwise build a nlohmann::json tree only to dump it. Byte for byte what
// nlohmann::json::dump() writes with error_handler_t::replace: plain ASCII as it is, anything else (escapes,
// UTF-8, invalid bytes as U+FFFD) by nlohmann itself, string by string.
void AppendJsonString(std::string& out, std::string_view s);
void AppendJsonInt(std::string& out, int64_t n);

}  // namespace andel::core
