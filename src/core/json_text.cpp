#include "core/json_text.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

namespace andel::core {

void AppendJsonString(std::string& out, std::string_view s) {
    for (unsigned char c : s) {
        if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
            out +=
                nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
            return;
        }
    }
    out += '"';
    out += s;
    out += '"';
}

void AppendJsonInt(std::string& out, int64_t n) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
    out.append(buf, end);
}

}  // namespace andel::core
