#include "app/auth/totp.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "notify/http_client.hpp"

namespace andel::app::auth {
namespace {

constexpr int kVerifyDigits = 6;
constexpr int kVerifyStepSeconds = 30;
constexpr int kMaxWindow = 10;  // a bound on everything: at most 21 HMACs per attempt
constexpr std::string_view kBase32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

// RFC 4226 section 5.3: HMAC-SHA1 of the big-endian counter, dynamic truncation, modulo 10^digits.
std::string HotpCode(std::string_view secret, uint64_t counter, int digits) {
    std::array<unsigned char, 8> message{};
    for (int i = 7; i >= 0; --i) {
        message[static_cast<size_t>(i)] = static_cast<unsigned char>(counter & 0xff);
        counter >>= 8;
    }
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    if (!HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), message.data(), message.size(), mac,
              &mac_len) ||
        mac_len != 20)
        throw std::runtime_error("HMAC-SHA1 failed");
    const unsigned offset = mac[19] & 0x0f;
    const uint64_t binary =
        (static_cast<uint64_t>(mac[offset] & 0x7f) << 24) | (static_cast<uint64_t>(mac[offset + 1]) << 16) |
        (static_cast<uint64_t>(mac[offset + 2]) << 8) | static_cast<uint64_t>(mac[offset + 3]);
    uint64_t modulus = 1;
    for (int i = 0; i < digits; ++i) modulus *= 10;
    std::string code(static_cast<size_t>(digits), '0');
    uint64_t value = binary % modulus;
    for (int i = digits - 1; i >= 0 && value > 0; --i) {
        code[static_cast<size_t>(i)] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    return code;
}

int Base32Value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a';
    if (c >= '2' && c <= '7') return c - '2' + 26;
    return -1;
}

}  // namespace

std::string TotpCode(std::string_view secret, int64_t unix_seconds, int digits, int step_seconds) {
    if (digits < 1 || digits > 10) throw std::invalid_argument("TOTP digits must be 1..10");
    if (step_seconds <= 0) throw std::invalid_argument("TOTP step must be positive");
    if (unix_seconds < 0) throw std::invalid_argument("TOTP time must not be before 1970");
    return HotpCode(secret, static_cast<uint64_t>(unix_seconds / step_seconds), digits);
}

std::optional<int64_t> TotpVerify(std::string_view secret, std::string_view code, int64_t unix_seconds,
                                  std::optional<int64_t> last_accepted_step, int window) {
    if (code.size() != static_cast<size_t>(kVerifyDigits)) return std::nullopt;
    if (!std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    if (unix_seconds < 0) return std::nullopt;
    window = std::clamp(window, 0, kMaxWindow);
    const int64_t current = unix_seconds / kVerifyStepSeconds;
    // Every step in the window is computed and compared (no early exit); if two steps share the code, the
    // latest wins, so the stored step moves as far forward as possible.
    std::optional<int64_t> matched;
    for (int64_t step = current - window; step <= current + window; ++step) {
        if (step < 0) continue;
        if (last_accepted_step && step <= *last_accepted_step) continue;
        const std::string expected = HotpCode(secret, static_cast<uint64_t>(step), kVerifyDigits);
        if (CRYPTO_memcmp(expected.data(), code.data(), expected.size()) == 0) matched = step;
    }
    return matched;
}

std::string Base32Encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() * 8 + 4) / 5);
    uint32_t buffer = 0;
    int bits = 0;
    for (unsigned char byte : bytes) {
        buffer = (buffer << 8) | byte;
        bits += 8;
        while (bits >= 5) {
            out.push_back(kBase32Alphabet[(buffer >> (bits - 5)) & 31]);
            bits -= 5;
        }
    }
    if (bits > 0) out.push_back(kBase32Alphabet[(buffer << (5 - bits)) & 31]);
    return out;
}

std::optional<std::string> Base32Decode(std::string_view text) {
    std::string out;
    out.reserve(text.size() * 5 / 8);
    uint32_t buffer = 0;
    int bits = 0;
    size_t symbols = 0;
    bool padding = false;
    for (char c : text) {
        if (c == ' ') continue;
        if (c == '=') {
            padding = true;
            continue;
        }
        const int value = Base32Value(c);
        if (value < 0 || padding) return std::nullopt;  // data after padding is not base32
        buffer = (buffer << 5) | static_cast<uint32_t>(value);
        bits += 5;
        ++symbols;
        if (bits >= 8) {
            out.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xff));
            bits -= 8;
        }
    }
    // A final group of 1, 3 or 6 symbols cannot come from whole bytes.
    const size_t tail = symbols % 8;
    if (tail == 1 || tail == 3 || tail == 6) return std::nullopt;
    return out;
}

std::string TotpProvisioningUri(std::string_view issuer, std::string_view account, std::string_view secret) {
    const std::string issuer_encoded = notify::UrlEncode(std::string(issuer));
    std::string uri = "otpauth://totp/";
    uri += issuer_encoded;
    uri += ':';
    uri += notify::UrlEncode(std::string(account));
    uri += "?secret=";
    uri += Base32Encode(secret);
    uri += "&issuer=";
    uri += issuer_encoded;
    uri += "&algorithm=SHA1&digits=6&period=30";
    return uri;
}

std::string NewTotpSecret() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not initialise");
    std::string secret(20, '\0');
    randombytes_buf(secret.data(), secret.size());
    return secret;
}

}  // namespace andel::app::auth
