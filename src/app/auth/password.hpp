#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace andel::app::auth {

// argon2id cost (libsodium crypto_pwhash, parallelism 1). The defaults are OWASP's Password Storage Cheat
// Sheet first recommendation for argon2id: m = 19 MiB, t = 2, p = 1. docs/security.md records what a login
// costs on the reference machine at these figures (`bench/logins.sh`).
struct PasswordCost {
    uint64_t iterations = 2;
    size_t memory_bytes = 19 * 1024 * 1024;
};

// A PHC-format argon2id string ("$argon2id$v=19$m=19456,t=2,p=1$salt$hash") with a random salt.
std::string HashPassword(std::string_view password, const PasswordCost& cost);
// Whether `password` matches `hash` (constant-time inside libsodium). False for a malformed hash.
bool VerifyPassword(std::string_view password, const std::string& hash);
// Whether `hash` was made with other parameters than `cost` (rehash on the next successful login).
bool NeedsRehash(const std::string& hash, const PasswordCost& cost);
// A password a member may choose: 8 to 128 characters of valid UTF-8 (NIST SP 800-63B: length, not
// composition rules), not the member number, not all one character.
core::Result<void> CheckNewPassword(std::string_view password, std::string_view member_number = {});

}  // namespace andel::app::auth
