#include "app/crypto.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <stdexcept>
#include <vector>

namespace andel::app {
namespace {

std::string Hex(const unsigned char* data, size_t n) {
    static const char* kDigits = "0123456789abcdef";
    std::string out(n * 2, '0');
    for (size_t i = 0; i < n; ++i) {
        out[2 * i] = kDigits[data[i] >> 4];
        out[2 * i + 1] = kDigits[data[i] & 15];
    }
    return out;
}

}  // namespace

std::string HmacSha256Hex(std::string_view key, std::string_view message) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char*>(message.data()), message.size(), out, &len))
        throw std::runtime_error("HMAC failed");
    return Hex(out, len);
}

std::string Sha256Hex(std::string_view data) {
    // libsodium's SHA-256: no algorithm lookup per call (OpenSSL 3's EVP_Digest fetches it every time, which
    // showed in the profile of session-checked requests).
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    return Hex(out, sizeof out);
}

std::string RandomHex(size_t bytes) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not initialise");
    std::vector<unsigned char> buf(bytes);
    randombytes_buf(buf.data(), buf.size());
    return Hex(buf.data(), buf.size());
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace andel::app
