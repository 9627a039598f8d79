#include "http/json_body.hpp"

#include "core/clock.hpp"

namespace andel::http {

core::Result<nlohmann::json> ParseObject(const Request& request) {
    if (auto ct = request.Header("content-type"); ct && ct->find("json") == std::string_view::npos)
        return core::Error::Malformed("Content-Type must be application/json");
    nlohmann::json j = nlohmann::json::parse(request.body, nullptr, false);
    if (j.is_discarded()) return core::Error::Malformed("the body is not valid JSON (UTF-8)");
    if (!j.is_object()) return core::Error::Malformed("the body must be a JSON object");
    return j;
}

void Fields::FailAt(const std::string& name, const std::string& detail) {
    if (!error_) error_ = core::Error::Malformed(prefix_ + name + " " + detail, prefix_ + name);
}

const nlohmann::json* Fields::Get(const std::string& name) {
    seen_.insert(name);
    auto it = j_.find(name);
    if (it == j_.end() || it->is_null()) return nullptr;
    return &*it;
}

std::string Fields::RequiredString(const std::string& name, size_t max_len) {
    auto v = OptionalString(name, max_len);
    if (!v) {
        FailAt(name, "is required");
        return {};
    }
    return *v;
}

std::optional<std::string> Fields::OptionalString(const std::string& name, size_t max_len) {
    const auto* v = Get(name);
    if (!v) return std::nullopt;
    if (!v->is_string()) {
        FailAt(name, "must be a string");
        return std::nullopt;
    }
    const auto& s = v->get_ref<const std::string&>();
    if (s.size() > max_len) {
        FailAt(name, "is longer than " + std::to_string(max_len) + " bytes");
        return std::nullopt;
    }
    for (unsigned char c : s) {
        if (c < 0x20) {
            FailAt(name, "must not contain control characters");
            return std::nullopt;
        }
    }
    return s;
}

int64_t Fields::RequiredInt(const std::string& name, int64_t min, int64_t max) {
    auto v = OptionalInt(name, min, max);
    if (!v) {
        FailAt(name, "is required");
        return 0;
    }
    return *v;
}

std::optional<int64_t> Fields::OptionalInt(const std::string& name, int64_t min, int64_t max) {
    const auto* v = Get(name);
    if (!v) return std::nullopt;
    if (!v->is_number_integer()) {
        FailAt(name, "must be an integer");
        return std::nullopt;
    }
    if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
        FailAt(name, "is out of range");
        return std::nullopt;
    }
    int64_t n = v->get<int64_t>();
    if (n < min || n > max) {
        FailAt(name, "must be between " + std::to_string(min) + " and " + std::to_string(max));
        return std::nullopt;
    }
    return n;
}

std::optional<bool> Fields::OptionalBool(const std::string& name) {
    const auto* v = Get(name);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) {
        FailAt(name, "must be true or false");
        return std::nullopt;
    }
    return v->get<bool>();
}

const nlohmann::json* Fields::OptionalObject(const std::string& name) {
    const auto* v = Get(name);
    if (!v) return nullptr;
    if (!v->is_object()) {
        FailAt(name, "must be an object");
        return nullptr;
    }
    return v;
}

const nlohmann::json* Fields::Array(const std::string& name, size_t max_items, bool required) {
    const auto* v = Get(name);
    if (!v) {
        if (required) FailAt(name, "is required");
        return nullptr;
    }
    if (!v->is_array()) {
        FailAt(name, "must be an array");
        return nullptr;
    }
    if (v->size() > max_items) {
        FailAt(name, "has more than " + std::to_string(max_items) + " elements");
        return nullptr;
    }
    return v;
}

core::Result<void> Fields::Finish() {
    if (error_) return *error_;
    for (const auto& [k, v] : j_.items())
        if (!seen_.contains(k)) return core::Error::Malformed("unknown field " + prefix_ + k, prefix_ + k);
    return core::Ok();
}

std::string Dump(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Response JsonResponse(int status, const nlohmann::json& j) { return Response::Json(status, Dump(j)); }

std::optional<int64_t> ParseId(const std::string& text) {
    if (text.empty() || text.size() > 18) return std::nullopt;
    int64_t v = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v;
}

std::string IsoMillis(int64_t ms) { return core::FormatTimestamp(core::FromMillis(ms)); }

}  // namespace andel::http
