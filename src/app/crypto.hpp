#pragma once
#include <string>
#include <string_view>

namespace andel::app {

// HMAC-SHA-256 as lower-case hex. Used for the keyed hash of national ids (the only form stored).
std::string HmacSha256Hex(std::string_view key, std::string_view message);
std::string Sha256Hex(std::string_view data);
// `bytes` random bytes as lower-case hex (libsodium randombytes).
std::string RandomHex(size_t bytes);
// Constant-time comparison of two strings of equal length.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace andel::app
