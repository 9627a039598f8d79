#pragma once
#include <spdlog/formatter.h>

#include <memory>
#include <string>
#include <string_view>

namespace andel::app {

// The log as one JSON object a line (log_format = "json"): {"time", "level", "event"}. A message that is a
// JSON object is the event as it is; any other message (plain text, or a would-be object that does not
// parse, say an error text with quotes in it) becomes {"msg": "..."}, so every line parses whatever the
// caller wrote. Bytes that are not UTF-8 are replaced.
std::string JsonLogEvent(std::string_view message);
std::unique_ptr<spdlog::formatter> JsonLogFormatter();

}  // namespace andel::app
