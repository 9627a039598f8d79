#include "app/auth/password.hpp"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>

namespace andel::app::auth {
namespace {

// Well-formed UTF-8 without NUL (no overlong or surrogate checks needed: the bytes are only hashed).
bool ValidUtf8(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c == 0) return false;
        size_t extra = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : 4;
        if (extra == 4 || i + extra >= s.size()) return false;
        for (size_t k = 1; k <= extra; ++k)
            if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
        i += extra + 1;
    }
    return true;
}

size_t CodePoints(std::string_view s) {
    return static_cast<size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) >> 6) != 2; }));
}

}  // namespace

std::string HashPassword(std::string_view password, const PasswordCost& cost) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not initialise");
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.iterations, cost.memory_bytes,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw std::runtime_error("argon2id: out of memory");
    return out;
}

bool VerifyPassword(std::string_view password, const std::string& hash) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not initialise");
    if (hash.size() >= crypto_pwhash_STRBYTES) return false;
    return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool NeedsRehash(const std::string& hash, const PasswordCost& cost) {
    return crypto_pwhash_str_needs_rehash(hash.c_str(), cost.iterations, cost.memory_bytes) != 0;
}

core::Result<void> CheckNewPassword(std::string_view password, std::string_view member_number) {
    if (!ValidUtf8(password)) return core::Error::Invalid("the password is not valid text", "new_password");
    size_t n = CodePoints(password);
    if (n < 8) return core::Error::Invalid("the password must have at least 8 characters", "new_password");
    if (n > 128) return core::Error::Invalid("the password must have at most 128 characters", "new_password");
    if (!member_number.empty() && password == member_number)
        return core::Error::Invalid("the password must not be the member number", "new_password");
    if (std::all_of(password.begin(), password.end(), [&](char c) { return c == password.front(); }))
        return core::Error::Invalid("the password must not be one character repeated", "new_password");
    return {};
}

}  // namespace andel::app::auth
