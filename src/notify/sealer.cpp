#include "notify/sealer.hpp"

#include <sodium.h>

#include <stdexcept>
#include <vector>

namespace andel::notify {
namespace {

constexpr std::string_view kContext = "andel-seal-v1";
constexpr std::string_view kPrefix = "v1.";
constexpr int kBase64Variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
static_assert(crypto_secretbox_KEYBYTES == 32);

void InitSodium() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

}  // namespace

Sealer::Sealer(std::string_view secret) {
    InitSodium();
    if (secret.size() < kMinSecretLength)
        throw std::invalid_argument("the sealing secret must be at least 32 characters");
    // BLAKE2b(context || 0x00 || secret): the context keeps this key apart from other uses of the secret.
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, key_.size());
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(kContext.data()),
                              kContext.size());
    const unsigned char zero = 0;
    crypto_generichash_update(&state, &zero, 1);
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
    crypto_generichash_final(&state, key_.data(), key_.size());
    sodium_memzero(&state, sizeof state);
}

Sealer::~Sealer() { sodium_memzero(key_.data(), key_.size()); }

std::string Sealer::Seal(std::string_view plaintext) const {
    std::vector<unsigned char> box(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES +
                                   plaintext.size());
    unsigned char* nonce = box.data();
    randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(box.data() + crypto_secretbox_NONCEBYTES,
                          reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(), nonce,
                          key_.data());
    std::string encoded(sodium_base64_encoded_len(box.size(), kBase64Variant), '\0');
    sodium_bin2base64(encoded.data(), encoded.size(), box.data(), box.size(), kBase64Variant);
    encoded.resize(encoded.find('\0'));
    std::string out(kPrefix);
    out += encoded;
    return out;
}

std::optional<std::string> Sealer::Open(std::string_view sealed) const {
    if (sealed.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
    std::string_view encoded = sealed.substr(kPrefix.size());
    std::vector<unsigned char> box(encoded.size() * 3 / 4 + 1);
    size_t box_len = 0;
    const char* end = nullptr;
    if (sodium_base642bin(box.data(), box.size(), encoded.data(), encoded.size(), nullptr, &box_len, &end,
                          kBase64Variant) != 0 ||
        end != encoded.data() + encoded.size())
        return std::nullopt;
    if (box_len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) return std::nullopt;
    const unsigned char* nonce = box.data();
    const unsigned char* cipher = box.data() + crypto_secretbox_NONCEBYTES;
    size_t cipher_len = box_len - crypto_secretbox_NONCEBYTES;
    std::string plain(cipher_len - crypto_secretbox_MACBYTES, '\0');
    if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()), cipher, cipher_len, nonce,
                                   key_.data()) != 0)
        return std::nullopt;
    return plain;
}

}  // namespace andel::notify
