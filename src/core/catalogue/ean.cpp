#include "core/catalogue/ean.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "core/membership/numbers.hpp"

namespace andel::core {

std::optional<std::string> NormaliseEan(std::string_view code) {
    if (code.size() != 8 && code.size() != 12 && code.size() != 13 && code.size() != 14) return std::nullopt;
    if (!std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    if (Gs1CheckDigit(code.substr(0, code.size() - 1)) != code.back()) return std::nullopt;
    if (code.size() == 8 || code.size() == 13) return std::string(code);
    if (code.size() == 12) return "0" + std::string(code);
    if (code.front() != '0') return std::nullopt;  // a case or pallet, not a consumer unit
    return std::string(code.substr(1));
}

std::string CategorySlug(std::string_view name) {
    static const std::array<std::pair<std::string_view, std::string_view>, 16> kLetters = {{
        {"æ", "ae"},
        {"Æ", "ae"},
        {"ø", "oe"},
        {"Ø", "oe"},
        {"å", "aa"},
        {"Å", "aa"},
        {"ä", "a"},
        {"Ä", "a"},
        {"ö", "o"},
        {"Ö", "o"},
        {"ü", "u"},
        {"Ü", "u"},
        {"é", "e"},
        {"É", "e"},
        {"è", "e"},
        {"ß", "ss"},
    }};
    std::string out;
    bool dash = false;
    auto push = [&](std::string_view s) {
        if (dash && !out.empty()) out += '-';
        dash = false;
        out += s;
    };
    for (size_t i = 0; i < name.size();) {
        unsigned char c = static_cast<unsigned char>(name[i]);
        if (c < 0x80) {
            if (c >= 'A' && c <= 'Z')
                push(std::string(1, static_cast<char>(c - 'A' + 'a')));
            else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
                push(std::string(1, static_cast<char>(c)));
            else
                dash = true;
            ++i;
            continue;
        }
        bool known = false;
        for (const auto& [from, to] : kLetters)
            if (name.substr(i, from.size()) == from) {
                push(to);
                i += from.size();
                known = true;
                break;
            }
        if (known) continue;
        // Any other character (another script, a symbol): a separator; skip its continuation bytes.
        dash = true;
        ++i;
        while (i < name.size() && (static_cast<unsigned char>(name[i]) & 0xC0) == 0x80) ++i;
    }
    if (out.size() > 64) out.resize(64);
    while (!out.empty() && out.back() == '-') out.pop_back();
    return out;
}

}  // namespace andel::core
