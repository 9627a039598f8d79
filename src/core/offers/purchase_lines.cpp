#include "core/offers/purchase_lines.hpp"

#include <nlohmann/json.hpp>

namespace andel::core {
namespace {

// A cursor over the exact shape; every Take* returns false on anything else (the caller then falls back).
class Scanner {
  public:
    explicit Scanner(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}
    void SkipSpace() {
        while (p_ != end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
    }
    bool AtEnd() const { return p_ == end_; }
    // The next character after white space, if it is `c`.
    bool Take(char c) {
        SkipSpace();
        if (p_ == end_ || *p_ != c) return false;
        ++p_;
        return true;
    }
    // A string without escapes, of well-formed UTF-8 (as nlohmann-json requires).
    bool TakeString(std::string_view* out) {
        if (!Take('"')) return false;
        const char* start = p_;
        while (p_ != end_) {
            const auto c = static_cast<unsigned char>(*p_);
            if (c == '"') {
                *out = std::string_view(start, static_cast<size_t>(p_ - start));
                ++p_;
                return true;
            }
            if (c < 0x20 || c == '\\') return false;
            if (c < 0x80) {
                ++p_;
            } else if (!TakeUtf8()) {
                return false;
            }
        }
        return false;
    }
    // An integer of at most 18 digits without leading zeros, not followed by a fraction or exponent.
    bool TakeInt(int64_t* out) {
        SkipSpace();
        const bool negative = p_ != end_ && *p_ == '-';
        if (negative) ++p_;
        if (p_ == end_ || *p_ < '0' || *p_ > '9') return false;
        int64_t v = 0;
        int digits = 0;
        if (*p_ == '0') {
            ++p_;
        } else {
            for (; p_ != end_ && *p_ >= '0' && *p_ <= '9'; ++p_) {
                if (++digits > 18) return false;
                v = v * 10 + (*p_ - '0');
            }
        }
        if (p_ != end_ && ((*p_ >= '0' && *p_ <= '9') || *p_ == '.' || *p_ == 'e' || *p_ == 'E'))
            return false;
        *out = negative ? -v : v;
        return true;
    }

  private:
    // One multi-byte UTF-8 character (RFC 3629: no overlong form, no surrogate, at most U+10FFFF).
    bool TakeUtf8() {
        const auto lead = static_cast<unsigned char>(*p_);
        unsigned char lo = 0x80, hi = 0xBF;
        int more = 0;
        if (lead >= 0xC2 && lead <= 0xDF) {
            more = 1;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            more = 2;
            if (lead == 0xE0) lo = 0xA0;
            if (lead == 0xED) hi = 0x9F;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            more = 3;
            if (lead == 0xF0) lo = 0x90;
            if (lead == 0xF4) hi = 0x8F;
        } else {
            return false;
        }
        ++p_;
        for (int i = 0; i < more; ++i, ++p_) {
            if (p_ == end_) return false;
            const auto c = static_cast<unsigned char>(*p_);
            if (c < lo || c > hi) return false;
            lo = 0x80;
            hi = 0xBF;
        }
        return true;
    }
    const char* p_;
    const char* end_;
};

}  // namespace

std::span<const PurchaseLine> PurchaseLinesReader::Read(std::string_view json) {
    lines_.clear();
    if (!ReadExact(json)) {
        ++fallbacks_;
        lines_.clear();
        ReadAny(json);
    }
    return lines_;
}

// [ws] "[" ( "]" | line ("," line)* "]" ) [ws], a line being ["sku", "category", int, int, int].
bool PurchaseLinesReader::ReadExact(std::string_view json) {
    Scanner s(json);
    if (!s.Take('[')) return false;
    if (!s.Take(']')) {
        do {
            PurchaseLine line;
            int64_t amount = 0, discount = 0;
            if (!s.Take('[') || !s.TakeString(&line.sku) || !s.Take(',') || !s.TakeString(&line.category) ||
                !s.Take(',') || !s.TakeInt(&line.quantity) || !s.Take(',') || !s.TakeInt(&amount) ||
                !s.Take(',') || !s.TakeInt(&discount) || !s.Take(']'))
                return false;
            lines_.push_back(line);
        } while (s.Take(','));
        if (!s.Take(']')) return false;
    }
    s.SkipSpace();
    return s.AtEnd();
}

void PurchaseLinesReader::ReadAny(std::string_view json) {
    auto parsed = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
    if (!parsed.is_array()) return;
    struct Kept {
        size_t sku, category;  // into storage_; category npos: not a string
        int64_t quantity;
    };
    std::vector<Kept> kept;
    storage_.clear();
    for (const auto& l : parsed) {
        if (!l.is_array() || l.size() < 3 || !l[0].is_string() || !l[2].is_number_integer()) continue;
        Kept k{storage_.size(), std::string::npos, l[2].get<int64_t>()};
        storage_.push_back(l[0].get<std::string>());
        if (l[1].is_string()) {
            k.category = storage_.size();
            storage_.push_back(l[1].get<std::string>());
        }
        kept.push_back(k);
    }
    // Views are taken once storage_ no longer grows.
    for (const auto& k : kept)
        lines_.push_back({storage_[k.sku],
                          k.category == std::string::npos ? std::string_view() : storage_[k.category],
                          k.quantity});
}

}  // namespace andel::core
