#include <charconv>

#include "store/database.hpp"

namespace andel::store {

std::string InIds(Engine e, std::string_view placeholder) {
    std::string p(placeholder);
    return e == Engine::kSqlite ? "IN (SELECT value FROM json_each(" + p + "))"
                                : "= ANY(CAST(" + p + " AS BIGINT[]))";
}

Value IdsParam(Engine e, const std::vector<int64_t>& ids) {
    std::string out(1, e == Engine::kSqlite ? '[' : '{');
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i) out += ',';
        out += std::to_string(ids[i]);
    }
    out += e == Engine::kSqlite ? ']' : '}';
    return out;
}

std::string_view EngineName(Engine e) {
    switch (e) {
        case Engine::kSqlite:
            return "sqlite";
        case Engine::kPostgres:
            return "postgres";
    }
    return "unknown";
}

int64_t Row::Int(size_t i) const {
    const std::optional<std::string>& cell = cells_.at(i);
    if (!cell)
        throw DbError(DbError::Kind::kOther, "column " + std::to_string(i) + " is NULL, not an integer");
    const std::string& s = *cell;
    // PostgreSQL returns booleans as "t"/"f" in text format.
    if (s == "t") return 1;
    if (s == "f") return 0;
    int64_t v = 0;
    const char* end = s.data() + s.size();
    auto [ptr, ec] = std::from_chars(s.data(), end, v);
    if (ec != std::errc() || ptr != end || s.empty()) {
        // The value itself stays out of the message: it may be personal data.
        throw DbError(DbError::Kind::kOther, "column " + std::to_string(i) + " is not a 64-bit integer");
    }
    return v;
}

std::optional<int64_t> Row::OptInt(size_t i) const {
    if (IsNull(i)) return std::nullopt;
    return Int(i);
}

const std::string& Row::Text(size_t i) const {
    const std::optional<std::string>& cell = cells_.at(i);
    if (!cell) throw DbError(DbError::Kind::kOther, "column " + std::to_string(i) + " is NULL, not text");
    return *cell;
}

}  // namespace andel::store
