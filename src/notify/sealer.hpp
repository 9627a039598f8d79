#pragma once
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace andel::notify {

// Authenticated encryption at rest (R_PRIV_5) for what must be read back: message bodies that hold a code
// or a link, TOTP seeds. XSalsa20-Poly1305 (libsodium crypto_secretbox) under a key derived from the
// deployment's secret with BLAKE2b and the context "andel-seal-v1". The sealed form is
// "v1." + URL-safe unpadded base64 of nonce || ciphertext; a random nonce per call, so sealing the same
// text twice gives two different strings. Thread-safe (immutable after construction).
class Sealer {
  public:
    // `secret` is the deployment's key material, at least 32 characters; throws std::invalid_argument
    // otherwise (a configuration error, found at start-up).
    explicit Sealer(std::string_view secret);
    ~Sealer();
    Sealer(const Sealer&) = default;
    Sealer& operator=(const Sealer&) = default;

    std::string Seal(std::string_view plaintext) const;
    // The plaintext, or nullopt when the text was not sealed by this key: tampered, truncated, another
    // key, another version, not base64.
    std::optional<std::string> Open(std::string_view sealed) const;

    static constexpr size_t kMinSecretLength = 32;

  private:
    std::array<unsigned char, 32> key_{};
};

}  // namespace andel::notify
