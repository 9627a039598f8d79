#include "app/json_log.hpp"

#include <spdlog/pattern_formatter.h>

#include <nlohmann/json.hpp>

namespace andel::app {

std::string JsonLogEvent(std::string_view message) {
    if (!message.empty() && message.front() == '{' && nlohmann::json::accept(message))
        return std::string(message);
    return nlohmann::json{{"msg", message}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

class EventFlag : public spdlog::custom_flag_formatter {
  public:
    void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
        std::string event = JsonLogEvent(std::string_view(msg.payload.data(), msg.payload.size()));
        dest.append(event.data(), event.data() + event.size());
    }
    std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<EventFlag>(); }
};

}  // namespace

std::unique_ptr<spdlog::formatter> JsonLogFormatter() {
    auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    formatter->add_flag<EventFlag>('*').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","event":%*})");
    return formatter;
}

}  // namespace andel::app
